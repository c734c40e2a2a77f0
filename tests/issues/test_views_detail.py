"""The issue page, its one action endpoint and attachment downloads."""

import pytest
from django.urls import reverse

from issues.models import IssueComment, IssueEvent
from tests.issues.conftest import pdf_upload

pytestmark = pytest.mark.django_db


def counts(issue):
    """What any write would change: events, history rows, comments."""
    return (
        IssueEvent.objects.filter(issue=issue).count(),
        issue.history.count(),
        IssueComment.objects.filter(issue=issue).count(),
    )


def test_the_dispatcher_sees_the_issue_page_with_the_dispatch_form(client, world, make_issue):
    issue = make_issue("new")
    client.force_login(world.dispatcher)
    response = client.get(reverse("issues:detail", args=[issue.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert issue.title in html
    assert 'data-testid="action-dispatch"' in html
    assert 'data-testid="action-acknowledge"' not in html


@pytest.mark.parametrize("who", ["outsider", "far_dispatcher", "street_handler"])
def test_people_who_may_not_see_a_new_issue_get_404(client, world, make_issue, who):
    issue = make_issue("new")
    client.force_login(getattr(world, who))
    assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(client, world, make_issue):
    issue = make_issue("new")
    response = client.get(reverse("issues:detail", args=[issue.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_the_dispatcher_dispatches_through_the_action_endpoint(client, world, make_issue):
    issue = make_issue("new")
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("issues:action", args=[issue.pk, "dispatch"]),
        {
            "dispatch-lead_unit": world.line_unit.pk,
            "dispatch-supporting_units": [world.street_unit.pk],
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "dispatched"
    assert issue.lead_unit == world.line_unit
    assert list(issue.supporting_units.all()) == [world.street_unit]


def test_an_htmx_action_rerenders_the_issue_body(client, world, make_issue):
    issue = make_issue("dispatched")
    client.force_login(world.handler)
    response = client.post(
        reverse("issues:action", args=[issue.pk, "acknowledge"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="issue-body"' in html
    assert "<html" not in html
    assert 'data-state="in_progress"' in html
    issue.refresh_from_db()
    assert issue.state == "in_progress"


@pytest.mark.parametrize(
    ("state", "who", "action", "data", "status"),
    [
        ("new", "handler", "dispatch", {}, 404),  # the unit does not even see a new issue
        ("dispatched", "liaison", "acknowledge", {}, 403),  # the liaison cannot acknowledge
        ("resolved", "handler", "revisit", {"revisit-satisfaction": "satisfied"}, 403),  # own work
        ("in_progress", "dispatcher", "resolve", {}, 403),
        ("new", "dispatcher", "acknowledge", {}, 403),  # wrong state
        ("new", "dispatcher", "no_such_action", {}, 403),
    ],
)
def test_a_crafted_post_cannot_force_a_transition(
    client, world, make_issue, state, who, action, data, status
):
    issue = make_issue(state)
    before = counts(issue)
    client.force_login(getattr(world, who))
    response = client.post(reverse("issues:action", args=[issue.pk, action]), data)
    assert response.status_code == status
    issue.refresh_from_db()
    assert issue.state == state
    assert counts(issue) == before


def test_an_outsider_posting_an_action_gets_404_and_nothing_changes(client, world, make_issue):
    issue = make_issue("new")
    before = counts(issue)
    client.force_login(world.outsider)
    response = client.post(
        reverse("issues:action", args=[issue.pk, "dispatch"]),
        {"dispatch-lead_unit": world.line_unit.pk},
    )
    assert response.status_code == 404
    issue.refresh_from_db()
    assert issue.state == "new"
    assert counts(issue) == before


def test_actions_are_post_only(client, world, make_issue):
    issue = make_issue("new")
    client.force_login(world.dispatcher)
    assert client.get(reverse("issues:action", args=[issue.pk, "dispatch"])).status_code == 405


def test_a_workflow_error_shows_the_chinese_message_and_changes_nothing(client, world, make_issue):
    issue = make_issue("returned")
    before = counts(issue)
    client.force_login(world.dispatcher)
    # Re-dispatching to the unit that returned it is refused by the engine.
    response = client.post(
        reverse("issues:action", args=[issue.pk, "rule_return"]),
        {"rule_return-ruling": "redispatch", "rule_return-lead_unit": world.line_unit.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "改派的主办单位不能是退回的单位" in response.content.decode()
    issue.refresh_from_db()
    assert issue.state == "returned"
    assert counts(issue) == before


def test_a_form_error_without_htmx_answers_400_and_changes_nothing(client, world, make_issue):
    issue = make_issue("dispatched")
    before = counts(issue)
    client.force_login(world.handler)
    response = client.post(reverse("issues:action", args=[issue.pk, "return"]), {})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    issue.refresh_from_db()
    assert counts(issue) == before


def test_the_dispatch_form_offers_only_units_the_dispatcher_may_see(client, world, make_issue):
    issue = make_issue("new")
    client.force_login(world.dispatcher)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert world.line_unit.name in html
    assert world.far_unit.name not in html


def test_a_unit_the_dispatcher_may_not_see_is_refused(client, world, make_issue):
    issue = make_issue("new")
    before = counts(issue)
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("issues:action", args=[issue.pk, "dispatch"]),
        {"dispatch-lead_unit": world.far_unit.pk},
    )
    assert response.status_code == 400
    issue.refresh_from_db()
    assert issue.state == "new"
    assert counts(issue) == before


def test_internal_comments_never_reach_the_enterprise_user(client, world, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.handler)
    client.post(
        reverse("issues:action", args=[issue.pk, "comment"]),
        {"comment-text": "内部：企业资质存疑，先核实", "comment-visibility": "internal"},
    )
    client.post(
        reverse("issues:action", args=[issue.pk, "comment"]),
        {"comment-text": "已联系企业负责人", "comment-visibility": "public"},
    )
    assert IssueComment.objects.filter(issue=issue).count() == 2
    client.force_login(world.enterprise_user)  # the enterprise side reads it in the portal
    html = client.get(reverse("issues:detail", args=[issue.pk]), follow=True).content.decode()
    assert "已联系企业负责人" in html
    assert "企业资质存疑" not in html
    assert "变更记录" not in html
    # Staff see both, the internal one marked.
    client.force_login(world.liaison)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert "企业资质存疑" in html
    assert 'data-testid="comment-internal"' in html


def test_internal_events_are_hidden_from_the_enterprise_and_marked_for_staff(
    client, world, make_issue
):
    issue = make_issue("returned")  # "return" is an internal event
    client.force_login(world.enterprise_user)  # the enterprise side reads it in the portal
    html = client.get(reverse("issues:detail", args=[issue.pk]), follow=True).content.decode()
    assert 'data-testid="event-return"' not in html
    assert "不属于本单位职责" not in html
    client.force_login(world.dispatcher)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'data-testid="event-return"' in html
    assert "不属于本单位职责" in html


def test_the_issue_page_query_count_does_not_grow_with_the_timeline(
    client, world, make_issue, django_assert_max_num_queries
):
    issue = make_issue("in_progress")
    client.force_login(world.handler)
    url = reverse("issues:detail", args=[issue.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for n in range(5):
        client.post(
            reverse("issues:action", args=[issue.pk, "comment"]),
            {"comment-text": f"进展 {n}", "comment-visibility": "public"},
        )
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_attachments_download_as_files_through_the_permission_check(client, world, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.handler)
    client.post(
        reverse("issues:action", args=[issue.pk, "attach"]),
        {"attach-file": pdf_upload(), "attach-is_public": "on"},
    )
    attachment = issue.attachments.get()
    response = client.get(reverse("issues:attachment", args=[issue.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.outsider)
    url = reverse("issues:attachment", args=[issue.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_an_attachment_of_another_issue_answers_404(client, world, make_issue):
    issue = make_issue("in_progress")
    other = make_issue("in_progress", title="另一件诉求")
    client.force_login(world.handler)
    client.post(reverse("issues:action", args=[other.pk, "attach"]), {"attach-file": pdf_upload()})
    attachment = other.attachments.get()
    # The handler may see both issues, but the file is not the first issue's.
    url = reverse("issues:attachment", args=[issue.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_internal_attachments_are_not_offered_to_the_enterprise(client, world, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.handler)
    client.post(
        reverse("issues:action", args=[issue.pk, "attach"]),
        {"attach-file": pdf_upload("内部核查.pdf")},
    )
    attachment = issue.attachments.get()
    assert attachment.is_public is False
    client.force_login(world.enterprise_user)
    assert (
        "内部核查.pdf"
        not in client.get(reverse("issues:detail", args=[issue.pk]), follow=True).content.decode()
    )
    url = reverse("issues:attachment", args=[issue.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_the_unit_head_assigns_a_handler_of_their_unit(client, world, make_issue):
    issue = make_issue("dispatched")
    client.force_login(world.unit_head)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'data-testid="action-assign_handler"' in html
    assert world.street_handler.display_name not in html  # not of the lead unit
    response = client.post(
        reverse("issues:action", args=[issue.pk, "assign_handler"]),
        {"assign_handler-handler": world.handler.pk},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.handler == world.handler


def _section(html: str, testid: str, end: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index(end, start)]


@pytest.mark.parametrize("state", ["dispatched", "in_progress", "resolved"])
def test_the_issue_page_prints_each_deadline_once(client, world, make_issue, state):
    issue = make_issue(state)
    client.force_login(world.dispatcher)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    deadlines = _section(html, "issue-deadlines", "</dd>")
    for label in ("签收期限", "办理期限", "回访期限"):
        assert deadlines.count(label) <= 1, deadlines
    # The running one comes with its status.
    assert "正常" in deadlines or "临近期限" in deadlines or "已超期" in deadlines


def test_a_closed_issue_is_labelled_loop_closed_not_improved(client, world, make_issue):
    issue = make_issue("closed")
    client.force_login(world.dispatcher)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert _section(html, "issue-phase", "</span>").endswith(">已闭环")
    assert "优化提升</span>" not in html


def test_a_closed_issue_with_an_improvement_action_is_in_the_improve_phase(
    client, world, make_issue
):
    from issues.services.improvement import improvement_create

    issue = make_issue("closed")
    improvement_create(
        actor=world.dispatcher,
        region=world.district,
        title="简化招工备案流程",
        kind="process_simplification",
        issues=[issue],
    )
    client.force_login(world.dispatcher)
    html = client.get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert "优化提升" in _section(html, "issue-phase", "</span>")
