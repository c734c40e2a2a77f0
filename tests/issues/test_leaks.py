"""What an issue number or an issue page must not give away (DESIGN §2)."""

import pytest
from django.urls import reverse

from issues.models import Issue
from issues.services import WorkflowError, issue_transition
from tests.issues.test_views_lists import EXPORT, sheet_rows
from tests.security.scene import Scene

pytestmark = pytest.mark.django_db


def _merge_error(world, issue, into) -> str:
    with pytest.raises(WorkflowError) as caught:
        issue_transition(actor=world.dispatcher, issue_id=issue.pk, action="merge", into=into)
    return " ".join(caught.value.messages)


def test_merging_into_an_unseen_issue_answers_like_a_missing_one(world, make_issue):
    issue = make_issue("new")
    foreign = Scene(world, "foreign").issue
    missing = Issue.objects.order_by("-pk").first().pk + 1000
    unseen = _merge_error(world, issue, foreign.pk)
    assert unseen == _merge_error(world, issue, missing)
    assert foreign.number not in unseen and "企业" not in unseen.replace("同一企业", "")
    issue.refresh_from_db()
    assert issue.state == "new" and issue.merged_into_id is None


@pytest.fixture
def supervised(world, make_issue):
    issue = make_issue("in_progress")
    Issue.objects.filter(pk=issue.pk).update(
        supervision_level=2, return_count=1, extension_count=1, rework_count=1
    )
    return issue


def test_the_enterprise_sees_the_deadline_but_not_supervision(client, world, supervised):
    client.force_login(world.enterprise_user)
    # the enterprise reads its request in the portal, which promises a date and says "late"
    response = client.get(supervised.get_absolute_url(), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "前答复" in html
    for internal in ("督办", "退回 1 次", "延期 1 次", 'data-testid="issue-counters"'):
        assert internal not in html
    client.force_login(world.dispatcher)
    html = client.get(supervised.get_absolute_url()).content.decode()
    assert "督办 2 级" in html and "退回 1 次" in html


def test_the_enterprise_list_and_export_carry_no_supervision(client, world, supervised):
    client.force_login(world.enterprise_user)
    html = client.get(reverse("issues:list")).content.decode()
    assert supervised.title in html and "督办" not in html
    assert client.get(reverse("issues:list"), {"supervision_level": 2}).status_code == 200
    header, row = sheet_rows(client.get(EXPORT))
    assert "是否超期" in header
    assert not {"退回次数", "重办次数", "延期次数", "督办级别"} & set(header)
    assert len(row) == len(header)
    client.force_login(world.dispatcher)
    header, row = sheet_rows(client.get(EXPORT))
    assert dict(zip(header, row, strict=True))["督办级别"] == 2


def test_the_enterprise_cannot_filter_by_supervision_to_infer_it(client, world, supervised):
    client.force_login(world.enterprise_user)
    for params in (
        {"supervision_level": 3},
        {"reworked": "true"},
        {"ordering": "-supervision_level"},
    ):
        html = client.get(reverse("issues:list"), params).content.decode()
        assert supervised.title in html, params
