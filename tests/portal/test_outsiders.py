"""Nobody sees what is not theirs in the portal: another enterprise's requests, attachments,
needs and visits; nothing internal (comments, events, attachments, visits) and no other
person's phone number, on any portal page (checked by rendering and searching the text)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.models import IssueEvent
from issues.services import issue_register, issue_transition
from tests.factories import UserFactory, grant
from tests.portal.conftest import pdf_upload

INTERNAL = [
    "内部意见：该企业有欠税记录",
    "内部评估报告.pdf",
    "需要协调多个部门。",  # the extension request's reason (an internal event)
    "内部走访纪要：老板情绪激动",
    "13911112222",  # the handler's phone
    "13933334444",  # a visiting officer's phone
    "13700000002",  # another enterprise user's phone
]


@pytest.fixture
def scene(world, people, make_issue, cats):
    from accounts.models import Role
    from visits.services import visit_log

    a = make_issue("in_progress", pending_extension=True, title="甲企业用工")
    issue_transition(
        actor=world.handler,
        issue_id=a.pk,
        action="comment",
        text=INTERNAL[0],
        visibility="internal",
    )
    issue_transition(
        actor=world.handler,
        issue_id=a.pk,
        action="comment",
        text="已联系人社局招聘会",
        visibility="public",
    )
    issue_transition(
        actor=world.handler,
        issue_id=a.pk,
        action="attach",
        file=pdf_upload(INTERNAL[1]),
        is_public=False,
    )
    issue_transition(
        actor=world.handler,
        issue_id=a.pk,
        action="attach",
        file=pdf_upload("招聘会安排.pdf"),
        is_public=True,
    )
    b = issue_register(
        actor=world.deputy,
        enterprise=world.ent_b,
        source="visit",
        category=cats.plain,
        title="乙企业融资",
        description="需要贷款",
        attachments=[pdf_upload("乙企业报表.pdf")],
    )
    far = issue_register(
        actor=world.far_dispatcher,
        enterprise=world.ent_far,
        source="phone",
        category=cats.plain,
        title="江北企业诉求",
        description="x",
    )
    officer = UserFactory(username="officer2", display_name="走访干部", phone="13933334444")
    grant(officer, Role.LIAISON, region=world.district)
    when = timezone.now() - timedelta(days=1)
    common = {"actor": world.liaison, "kind": "on_site", "happened_at": when, "lead": officer}
    visit_log(
        enterprise=world.ent_a,
        summary="共享走访纪要：了解用工需求",
        confidentiality="shareable",
        **common,
    )
    visit_log(enterprise=world.ent_a, summary=INTERNAL[3], confidentiality="internal", **common)
    visit_log(
        actor=world.deputy,
        enterprise=world.ent_b,
        kind="on_site",
        happened_at=when,
        lead=world.deputy,
        summary="乙企业共享走访",
        confidentiality="shareable",
    )
    return a, b, far


def portal_pages(issue):
    return [
        reverse("portal:home"),
        reverse("portal:request_new"),
        reverse("portal:my_requests"),
        reverse("portal:messages"),
        reverse("portal:request", args=[issue.pk]),
    ]


def test_internal_text_and_other_peoples_phones_never_reach_the_portal(client, world, scene):
    a, _, _ = scene
    client.force_login(world.dispatcher)  # the internal text is really there, on the staff page
    staff_page = client.get(reverse("issues:detail", args=[a.pk])).content.decode()
    assert all(text in staff_page for text in INTERNAL[:3])
    client.force_login(world.enterprise_user)
    for url in portal_pages(a):
        page = client.get(url).content.decode()
        for text in INTERNAL:
            assert text not in page, (url, text)
    page = client.get(reverse("portal:request", args=[a.pk])).content.decode()
    assert "已联系人社局招聘会" in page and "招聘会安排.pdf" in page
    assert "共享走访纪要" in client.get(reverse("portal:home")).content.decode()


def test_an_internal_attachment_cannot_be_downloaded_from_the_portal(client, world, scene):
    a, _, _ = scene
    internal = a.attachments.get(is_public=False)
    public = a.attachments.get(is_public=True)
    client.force_login(world.enterprise_user)
    url = "portal:attachment"
    assert client.get(reverse(url, args=[a.pk, internal.pk])).status_code == 404
    response = client.get(reverse(url, args=[a.pk, public.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_a_staff_member_bound_to_an_enterprise_sees_only_the_public_side_in_the_portal(
    client, world, scene
):
    from tests.factories import EnterpriseMembershipFactory

    a, _, _ = scene
    EnterpriseMembershipFactory(user=world.handler, enterprise=world.ent_a)
    client.force_login(world.handler)
    page = client.get(reverse("portal:request", args=[a.pk])).content.decode()
    assert INTERNAL[0] not in page and INTERNAL[1] not in page


def test_enterprise_a_cannot_reach_bs_request_attachment_or_actions(client, world, scene):
    a, b, _ = scene
    client.force_login(world.enterprise_user)
    attachment = b.attachments.get()
    before = IssueEvent.objects.filter(issue=b).count()
    assert client.get(reverse("portal:request", args=[b.pk])).status_code == 404
    assert client.get(reverse("portal:attachment", args=[b.pk, attachment.pk])).status_code == 404
    # B's attachment through A's request: 404 too
    assert client.get(reverse("portal:attachment", args=[a.pk, attachment.pk])).status_code == 404
    for action in ("comment", "withdraw", "answer"):
        response = client.post(
            reverse("portal:request_action", args=[b.pk, action]), {f"{action}-text": "越权"}
        )
        assert response.status_code == 404
    assert IssueEvent.objects.filter(issue=b).count() == before
    needs = client.get(reverse("portal:my_requests")).content.decode()
    home = client.get(reverse("portal:home")).content.decode()
    assert "乙企业融资" not in needs and "乙企业共享走访" not in home
    assert world.ent_b.name not in home + needs


def test_a_person_bound_to_a_and_b_sees_both_and_nothing_else(client, world, people, scene):
    a, b, far = scene
    client.force_login(people.ab)
    assert client.get(reverse("portal:request", args=[a.pk])).status_code == 200
    assert client.get(reverse("portal:request", args=[b.pk])).status_code == 200
    assert client.get(reverse("portal:request", args=[far.pk])).status_code == 404
    needs = client.get(reverse("portal:my_requests")).content.decode()
    assert "甲企业用工" in needs and "乙企业融资" in needs and "江北企业诉求" not in needs
    home = client.get(reverse("portal:home")).content.decode()
    assert "共享走访纪要" in home and "乙企业共享走访" in home


@pytest.mark.parametrize("who", ["outsider", "handler", "dispatcher", "liaison"])
def test_people_without_a_binding_get_403_on_every_portal_page(client, world, scene, who):
    a, _, _ = scene
    client.force_login(getattr(world, who))
    for url in [*portal_pages(a), reverse("portal:expectation")]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("portal:request_action", args=[a.pk, "comment"]), {"comment-text": "x"}
    )
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, world, scene):
    a, _, _ = scene
    for url in portal_pages(a):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url
