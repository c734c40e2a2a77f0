"""Who sees which issue, which events, comments and attachments (DESIGN §2)."""

import pytest
from django.http import Http404

from enterprises.models import Enterprise
from issues.models import Issue
from issues.selectors import (
    issue_attachment_get_for_user,
    issue_attachments,
    issue_available_actions,
    issue_comments,
    issue_get_for_user,
    issue_list,
    issue_timeline,
)
from issues.services import issue_register, issue_transition
from tests.issues.conftest import pdf_upload
from tests.people import WORLD_PEOPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues(world, cats, make_issue):
    """An issue of ent_a in progress (line unit leads, street unit supports) and a new one of
    ent_b (registered by its liaison, the deputy)."""
    a = make_issue("in_progress")
    b = issue_register(
        actor=world.deputy,
        enterprise=world.ent_b,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="芯片厂房环评",
        description="需要加快环评审批。",
    )
    return a, b


def seen(user):
    return set(Issue.objects.visible_to(user).values_list("title", flat=True))


A, B = "厂区用工缺口", "芯片厂房环评"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("dispatcher", {A, B}),
        ("leader", {A, B}),
        ("admin", {A, B}),
        ("liaison", {A}),
        ("resp_leader", {A}),
        ("handler", {A}),
        ("unit_head", {A}),
        ("street_handler", {A}),
        ("deputy", {B}),
        ("enterprise_user", {A}),
        ("far_dispatcher", set()),
        ("outsider", set()),
    ],
)
def test_each_role_sees_exactly_its_issues(world, issues, who, expected):
    assert seen(getattr(world, who)) == expected


@pytest.mark.parametrize("who", WORLD_PEOPLE)
def test_the_visible_parts_unite_to_exactly_the_visible_issues(world, issues, who):
    # given
    user = getattr(world, who)
    # when
    parts = Issue.objects.visible_parts(user)
    # then
    united = set().union(*(set(p.values_list("title", flat=True)) for p in parts))
    assert united == seen(user)


def test_an_enterprise_moving_region_takes_its_issues_to_the_new_regions_dispatchers(world, issues):
    # given: ent_a's issue is seen by the district's dispatcher, not by the far one
    from enterprises.services import enterprise_update

    assert A not in seen(world.far_dispatcher)
    # when
    enterprise_update(actor=world.admin, enterprise=world.ent_a, region=world.far)
    # then
    assert Issue.objects.get(title=A).region == world.far
    assert A in seen(world.far_dispatcher)
    assert A not in seen(world.dispatcher)
    assert A in seen(world.liaison)  # the liaison assignment still holds


def test_a_superuser_sees_everything(world, issues):
    world.outsider.is_superuser = True
    assert seen(world.outsider) == {A, B}


def test_a_wrong_id_is_a_404_never_another_enterprises_issue(world, issues):
    a, b = issues
    with pytest.raises(Http404):
        issue_get_for_user(user=world.enterprise_user, pk=b.pk)
    with pytest.raises(Http404):
        issue_get_for_user(user=world.outsider, pk=a.pk)
    with pytest.raises(Http404):
        issue_get_for_user(user=world.dispatcher, pk="1 or 1=1")
    assert issue_get_for_user(user=world.enterprise_user, pk=a.pk) == a


def test_unit_staff_see_the_enterprises_of_their_issues(world, issues):
    names = set(Enterprise.objects.visible_to(world.street_handler).values_list("name", flat=True))
    assert names == {"城关机械有限公司"}


@pytest.mark.parametrize("who", WORLD_PEOPLE)
def test_the_enterprise_list_sees_the_union_of_the_reasons_exactly(world, issues, who):
    """The enterprise list of a person without a region role starts from the union of their
    reasons (`visible_parts`): the same enterprises as `visible_to`, unit rules included."""
    from enterprises.selectors import enterprise_list

    # given
    user = getattr(world, who)
    visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    # when
    parts = Enterprise.objects.visible_parts(user)
    listed = set(enterprise_list(user=user).qs.values_list("pk", flat=True))
    # then
    assert set().union(*(set(p.values_list("pk", flat=True)) for p in parts)) == visible
    assert listed == visible


def test_the_enterprise_side_sees_only_the_public_timeline(world, make_issue):
    issue = make_issue("returned")
    issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="rule_return",
        ruling="reject",
        reason="属于本单位职责。",
    )
    staff = [e.kind for e in issue_timeline(issue=issue, user=world.dispatcher)]
    portal = [e.kind for e in issue_timeline(issue=issue, user=world.enterprise_user)]
    assert staff == ["register", "dispatch", "return", "rule_return"]
    assert portal == ["register", "dispatch"]


def test_internal_comments_and_attachments_never_reach_the_enterprise(world, make_issue):
    issue = make_issue("in_progress")
    for visibility in ("internal", "public"):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="comment",
            text=f"{visibility} 备注",
            visibility=visibility,
        )
    issue_transition(
        actor=world.handler,
        issue_id=issue.pk,
        action="attach",
        file=pdf_upload("内部.pdf"),
        is_public=False,
    )
    comments = [c.text for c in issue_comments(issue=issue, user=world.enterprise_user)]
    assert comments == ["public 备注"]
    assert len(issue_comments(issue=issue, user=world.liaison)) == 2
    assert not issue_attachments(issue=issue, user=world.enterprise_user).exists()
    internal = issue_attachments(issue=issue, user=world.handler).get()
    with pytest.raises(Http404):
        issue_attachment_get_for_user(user=world.enterprise_user, pk=internal.pk)
    with pytest.raises(Http404):
        issue_attachment_get_for_user(user=world.outsider, pk=internal.pk)
    assert issue_attachment_get_for_user(user=world.street_handler, pk=internal.pk) == internal


def test_enterprise_users_cannot_post_internal_comments(world, make_issue):
    from issues.services import WorkflowError

    issue = make_issue("in_progress")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.enterprise_user,
            issue_id=issue.pk,
            action="comment",
            text="x",
            visibility="internal",
        )


@pytest.mark.parametrize(
    ("who", "state", "expected"),
    [
        ("handler", "dispatched", {"acknowledge", "return", "comment", "attach"}),
        (
            "unit_head",
            "dispatched",
            {"acknowledge", "return", "comment", "attach", "assign_handler"},
        ),
        ("dispatcher", "new", {"dispatch", "comment", "attach", "merge"}),
        ("enterprise_user", "resolved", {"comment", "attach", "revisit"}),
        ("handler", "resolved", {"comment", "attach"}),
        ("outsider", "in_progress", set()),
    ],
)
def test_available_actions_are_what_the_person_may_do_now(world, make_issue, who, state, expected):
    issue = make_issue(state)
    names = {a.name for a in issue_available_actions(user=getattr(world, who), issue=issue)}
    assert names == expected


def test_the_list_filters_and_keeps_a_constant_number_of_queries(
    world, make_issue, django_assert_max_num_queries
):
    for state in ("new", "dispatched", "in_progress", "resolved"):
        make_issue(state)
    with django_assert_max_num_queries(3):
        rows = list(issue_list(user=world.dispatcher, filters={"phase": "follow_up"}))
        [(r.enterprise.name, r.category.parent, r.lead_unit, r.handler) for r in rows]
    assert {r.state for r in rows} == {"in_progress", "resolved"}
    assert len(issue_list(user=world.dispatcher, filters={"unit": world.street_unit.pk})) == 3
    assert len(issue_list(user=world.dispatcher, filters={"state": ["new"]})) == 1
    assert len(issue_list(user=world.dispatcher, filters={"q": "用工"})) == 4
    assert len(issue_list(user=world.outsider, filters={})) == 0


def test_form_choices_offer_leaf_categories_units_of_the_region_and_unit_staff(
    world, cats, make_issue
):
    from issues.selectors import category_choices, issue_handler_choices, issue_unit_choices

    codes = set(category_choices().values_list("code", flat=True))
    assert {"t.plain", "t.review", "elem.labour"} <= codes
    assert not {"t", "elem"} & codes
    issue = make_issue("in_progress")
    assert set(issue_unit_choices(issue=issue)) == {world.line_unit, world.street_unit}
    assert set(issue_handler_choices(issue=issue)) == {world.handler, world.unit_head}
