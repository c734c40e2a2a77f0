"""The portal pages: home, filing a request, the request page and its actions through the
workflow service, the needs list and messages — and the staff side's view of portal requests."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue, IssueEvent
from issues.services import issue_transition
from notifications.services import notify
from tests.portal.conftest import pdf_upload, photo


@pytest.fixture
def waiting(make_issue):
    return make_issue("waiting_enterprise")


def test_an_enterprise_only_user_lands_on_the_portal(client, world):
    client.force_login(world.enterprise_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("portal:home")


def test_the_staff_navigation_leads_enterprise_users_to_their_requests(client, world):
    client.force_login(world.enterprise_user)
    html = client.get(reverse("notifications:inbox")).content.decode()
    nav = html.split('data-testid="main-nav"')[1].split("</ul>")[0]
    assert "我的诉求" in nav and reverse("portal:my_requests") in nav and "系统管理" not in nav


def test_home_shows_what_happens_now_and_by_when(client, world, people, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:home")).content.decode()
    day = timezone.localtime(issue.resolve_deadline)
    assert f"区人社局正在办理，预计{day.month}月{day.day}日前答复" in page


def test_a_late_request_says_so_in_plain_words(client, world, make_issue):
    issue = make_issue("in_progress")
    Issue.objects.filter(pk=issue.pk).update(resolve_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:request", args=[issue.pk])).content.decode()
    assert "已超时，正在督促" in page


def test_home_lists_what_waits_for_me_with_the_question(client, world, waiting, make_issue):
    resolved = make_issue("resolved", title="电力增容")
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "请补充营业执照复印件。" in page
    assert f'data-testid="home-answer-{waiting.pk}"' in page
    assert f'data-testid="rate-{resolved.pk}"' in page


def test_home_shows_my_liaison_and_leader_with_their_phones(client, world, people):
    world.resp_leader.phone = "13822224444"
    world.resp_leader.save()
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "联络员" in page and "13811113333" in page
    assert "包保领导" in page and "13822224444" in page


def test_home_costs_a_fixed_number_of_queries(
    client, world, make_issue, django_assert_max_num_queries
):
    for state in ("in_progress", "waiting_enterprise", "resolved", "dispatched"):
        make_issue(state)
    client.force_login(world.enterprise_user)
    client.get(reverse("portal:home"))
    with django_assert_max_num_queries(16) as first:
        client.get(reverse("portal:home"))
    for state in ("in_progress", "waiting_enterprise", "resolved", "dispatched", "new"):
        make_issue(state)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("portal:home"))


def test_the_request_page_costs_a_fixed_number_of_queries(
    client, world, make_issue, django_assert_max_num_queries
):
    issue = make_issue("resolved")
    client.force_login(world.enterprise_user)
    with django_assert_max_num_queries(22) as first:
        client.get(reverse("portal:request", args=[issue.pk]))
    for n in range(5):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="comment",
            text=f"答复{n}",
            visibility="public",
        )
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="attach",
            file=pdf_upload(f"材料{n}.pdf"),
            is_public=True,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("portal:request", args=[issue.pk]))


def test_filing_a_request_routes_it_and_keeps_the_photo(client, world, routed):
    client.force_login(world.enterprise_user)
    response = client.post(
        reverse("portal:request_new"),
        {
            "enterprise": world.ent_a.pk,
            "category": routed.pk,
            "description": "新厂区招不到焊工\n需要 30 名熟练焊工",
            "photos": [photo()],
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "portal:request", args=[issue.pk]
    )
    assert issue.state == "dispatched" and issue.lead_unit == world.line_unit
    assert issue.source == "portal" and issue.registered_via == "portal"
    assert issue.title == "新厂区招不到焊工"
    assert issue.attachments.get().original_name == "现场.jpg"


def test_the_expected_time_limit_is_shown_before_submitting(client, world, routed):
    client.force_login(world.enterprise_user)
    response = client.get(reverse("portal:expectation"), {"category": routed.pk})
    page = response.content.decode()
    assert "自动转给 <strong>区人社局</strong> 办理" in page
    assert "5 个工作日内答复" in page
    bancheng = client.get(
        reverse("portal:expectation"), {"category": routed.pk, "bancheng": "on"}
    ).content.decode()
    assert "区领导小组办公室" in bancheng and "区人社局" not in bancheng


def test_bancheng_goes_to_the_dispatcher_at_supervision_level_1(client, world, routed):
    client.force_login(world.enterprise_user)
    client.post(
        reverse("portal:request_new"),
        {
            "enterprise": world.ent_a.pk,
            "category": routed.pk,
            "description": "窗口说材料不全",
            "bancheng": "on",
        },
    )
    issue = Issue.objects.get()
    assert issue.source == "bancheng" and issue.state == "new" and issue.supervision_level == 1


def test_a_bad_file_gets_a_clear_message_and_files_nothing(client, world, routed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.enterprise_user)
    fake = SimpleUploadedFile("照片.jpg", b"<html><script>x</script></html>", "image/jpeg")
    response = client.post(
        reverse("portal:request_new"),
        {
            "enterprise": world.ent_a.pk,
            "category": routed.pk,
            "description": "描述",
            "photos": [fake],
        },
    )
    assert response.status_code == 400
    assert not Issue.objects.exists()


def test_a_person_of_two_enterprises_picks_one_when_filing(client, world, people, routed):
    client.force_login(people.ab)
    page = client.get(reverse("portal:request_new")).content.decode()
    assert world.ent_a.name in page and world.ent_b.name in page
    client.post(
        reverse("portal:request_new"),
        {"enterprise": world.ent_b.pk, "category": routed.pk, "description": "芯片厂用工"},
    )
    assert Issue.objects.get().enterprise == world.ent_b
    response = client.post(
        reverse("portal:request_new"),
        {"enterprise": world.ent_far.pk, "category": routed.pk, "description": "别人家的"},
    )
    assert response.status_code == 400 and Issue.objects.count() == 1


def test_answering_from_home_with_a_file_resumes_the_work(client, world, waiting):
    client.force_login(world.enterprise_user)
    response = client.post(
        reverse("portal:request_action", args=[waiting.pk, "answer"]),
        {
            "answer-text": "已上传营业执照。",
            "answer-files": [pdf_upload("营业执照.pdf")],
            "next": reverse("portal:home"),
        },
    )
    assert response.status_code == 302 and response.url == reverse("portal:home")
    waiting.refresh_from_db()
    assert waiting.state == "in_progress"
    kinds = list(waiting.events.order_by("pk").values_list("kind", flat=True))[-2:]
    assert kinds == ["answer", "attach"]
    assert waiting.attachments.get().is_public


def test_rating_dissatisfied_sends_it_back_and_satisfied_closes_it(client, world, make_issue):
    issue = make_issue("resolved")
    client.force_login(world.enterprise_user)
    url = reverse("portal:request_action", args=[issue.pk, "revisit"])
    refused = client.post(url, {"revisit-satisfaction": "dissatisfied"})
    assert refused.status_code == 400 and "写明哪里没有解决" in refused.content.decode()
    client.post(url, {"revisit-satisfaction": "dissatisfied", "revisit-comment": "仍缺 10 人"})
    issue.refresh_from_db()
    assert issue.state == "in_progress" and issue.rework_count == 1
    issue_transition(
        actor=world.handler,
        issue_id=issue.pk,
        action="resolve",
        outcome="solved",
        reply="已补招 10 人。",
    )
    client.post(url, {"revisit-satisfaction": "satisfied"})
    issue.refresh_from_db()
    assert issue.state == "closed"
    assert issue.events.filter(kind="revisit").last().data["by"] == "enterprise"
    needs = client.get(reverse("portal:my_requests")).content.decode()
    assert "已销号" in needs and issue.title in needs


def test_reopen_within_the_window(client, world, make_issue, settings):
    issue = make_issue("closed")
    client.force_login(world.enterprise_user)
    url = reverse("portal:request_action", args=[issue.pk, "reopen"])
    page = client.get(reverse("portal:request", args=[issue.pk])).content.decode()
    until = timezone.localtime(issue.closed_at + timedelta(days=30))
    assert "act-reopen" in page and f"{until.year}年{until.month}月{until.day}日前可以申请" in page
    client.post(url, {"reopen-reason": "又缺人了"})
    issue.refresh_from_db()
    assert issue.state == "in_progress"


def test_reopen_after_the_window_is_not_offered_and_refused(client, world, make_issue):
    issue = make_issue("closed")
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now() - timedelta(days=31))
    client.force_login(world.enterprise_user)
    assert (
        "act-reopen" not in client.get(reverse("portal:request", args=[issue.pk])).content.decode()
    )
    response = client.post(
        reverse("portal:request_action", args=[issue.pk, "reopen"]), {"reopen-reason": "x"}
    )
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.state == "closed"


def test_withdraw_before_resolution_only(client, world, make_issue):
    open_issue = make_issue("in_progress")
    resolved = make_issue("resolved", title="已办完的")
    client.force_login(world.enterprise_user)
    client.post(reverse("portal:request_action", args=[open_issue.pk, "withdraw"]), {})
    open_issue.refresh_from_db()
    assert open_issue.state == "withdrawn"
    response = client.post(reverse("portal:request_action", args=[resolved.pk, "withdraw"]), {})
    assert response.status_code == 403
    resolved.refresh_from_db()
    assert resolved.state == "resolved"


def test_a_public_comment_with_a_file(client, world, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.enterprise_user)
    client.post(
        reverse("portal:request_action", args=[issue.pk, "comment"]),
        {"comment-text": "请问进展如何？", "comment-files": [photo()]},
    )
    comment = issue.comments.get()
    assert comment.visibility == "public" and comment.text == "请问进展如何？"
    assert issue.attachments.get().is_public


@pytest.mark.parametrize("action", ["answer", "revisit", "reopen", "dispatch", "resolve", "nope"])
def test_actions_not_offered_now_are_forbidden_and_change_nothing(
    client, world, make_issue, action
):
    issue = make_issue("in_progress")
    client.force_login(world.enterprise_user)
    before = IssueEvent.objects.count()
    response = client.post(
        reverse("portal:request_action", args=[issue.pk, action]),
        {f"{action}-text": "x", f"{action}-reason": "x", f"{action}-satisfaction": "satisfied"},
    )
    assert response.status_code == 403
    assert IssueEvent.objects.count() == before


def test_messages_list_my_notifications_and_lead_to_the_portal(client, world, make_issue):
    issue = make_issue("waiting_enterprise")
    notify(
        recipients=[world.enterprise_user],
        kind="issue_update",
        title="请补充材料",
        body="",
        issue_id=issue.pk,
    )
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:messages")).content.decode()
    assert "请补充材料" in page
    note = world.enterprise_user.notifications.get(title="请补充材料")
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert client.get(response.url).url == reverse("portal:request", args=[issue.pk])


def test_the_staff_page_shows_the_portal_source_and_the_enterprises_own_rating(
    client, world, routed
):
    client.force_login(world.enterprise_user)
    client.post(
        reverse("portal:request_new"),
        {"enterprise": world.ent_a.pk, "category": routed.pk, "description": "招工"},
    )
    issue = Issue.objects.get()
    for action, data in (("acknowledge", {}), ("resolve", {"outcome": "solved", "reply": "已办"})):
        issue_transition(actor=world.handler, issue_id=issue.pk, action=action, **data)
    client.post(
        reverse("portal:request_action", args=[issue.pk, "revisit"]),
        {"revisit-satisfaction": "satisfied"},
    )
    client.force_login(world.dispatcher)
    page = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'data-testid="via-portal"' in page
    assert 'data-testid="rated-by-enterprise"' in page and "企业自评" in page


def test_the_portal_speaks_english_too(client, world, make_issue):
    make_issue("in_progress")
    client.force_login(world.enterprise_user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Requests in progress" in page and "is working on it" in page


def test_a_question_and_a_resolution_reach_the_enterprises_messages_and_lead_to_the_portal(
    client, world, make_issue
):
    issue = make_issue("in_progress")
    issue_transition(
        actor=world.handler, issue_id=issue.pk, action="ask_enterprise", question="请补充社保名单"
    )
    client.force_login(world.enterprise_user)
    page = client.get(reverse("portal:messages")).content.decode()
    assert issue.title in page or "补充" in page
    asked = world.enterprise_user.notifications.latest("created_at")
    opened = client.post(reverse("notifications:open", args=[asked.pk]))
    assert client.get(opened.url).url == reverse("portal:request", args=[issue.pk])
    issue_transition(actor=world.liaison, issue_id=issue.pk, action="answer", text="已补充")
    issue_transition(
        actor=world.handler, issue_id=issue.pk, action="resolve", outcome="solved", reply="已办"
    )
    titles = list(world.enterprise_user.notifications.values_list("title", flat=True))
    assert any("请评价" in t for t in titles)


def test_matched_policies_are_shown_once_with_their_reasons(client, world, people, monkeypatch):
    import sys
    from types import ModuleType, SimpleNamespace

    policy = SimpleNamespace(
        pk=7,
        title="稳岗返还政策",
        url="/policies/wengang/",
        issuer="区人社局",
        get_policy_type_display=lambda: "补",
        get_delivery_mode_display=lambda: "免申即享",
    )
    fake = ModuleType("policies.selectors")
    fake.enterprise_policies = lambda *, enterprise: [
        SimpleNamespace(policy=policy, reasons=[f"{enterprise.name}所在辖区"])
    ]
    monkeypatch.setitem(sys.modules, "policies.selectors", fake)
    client.force_login(people.ab)
    page = client.get(reverse("portal:home")).content.decode()
    block = page.split('data-testid="policies"')[1].split("</section>")[0]
    assert block.count("稳岗返还政策") == 1 and "/policies/wengang/" in block
    assert f"{world.ent_a.name}所在辖区" in block


def test_a_staff_member_who_is_also_an_enterprise_user_sees_the_portal_block_at_home(
    client, world, make_issue
):
    from tests.factories import EnterpriseMembershipFactory

    issue = make_issue("in_progress")
    EnterpriseMembershipFactory(user=world.street_handler, enterprise=world.ent_a)
    client.force_login(world.street_handler)
    page = client.get(reverse("home")).content.decode()
    block = page.split('data-testid="block-enterprise"')[1].split("</section>")[0]
    assert reverse("portal:request", args=[issue.pk]) in block
    assert "区人社局正在办理" in block and reverse("portal:home") in block
