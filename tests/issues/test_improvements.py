"""Improvement actions (优化提升), the admin screens and the database as the last guard."""

import pytest

from issues.models import Category, ImprovementAction, Issue, IssueEvent, RoutingRule
from issues.services import (
    WorkflowError,
    improvement_create,
    improvement_link_issues,
    improvement_set_status,
)
from issues.services.core import save_issue

pytestmark = pytest.mark.django_db


def make_action(world, issues=(), actor=None):
    return improvement_create(
        actor=actor or world.dispatcher,
        region=world.district,
        title="施工许可并联审批",
        kind="process_simplification",
        owner_unit=world.line_unit,
        issues=issues,
    )


def test_a_dispatcher_opens_an_action_from_recurring_issues(world, make_issue):
    issue = make_issue("closed")
    action = make_action(world, issues=[issue])
    assert list(action.issues.all()) == [issue]
    assert action.status == "proposed"
    assert action.history.count() >= 1


@pytest.mark.parametrize("who", ["handler", "liaison", "far_dispatcher", "outsider"])
def test_people_without_jurisdiction_cannot_open_one(world, who):
    with pytest.raises(WorkflowError):
        make_action(world, actor=getattr(world, who))
    assert not ImprovementAction.objects.exists()


def test_linking_an_issue_the_actor_cannot_see_is_refused(world, make_issue, cats):
    from issues.services import issue_register

    far = issue_register(
        actor=world.far_dispatcher,
        enterprise=world.ent_far,
        source="phone",
        category=cats.plain,
        title="江北企业诉求",
        description="x",
    )
    action = make_action(world)
    with pytest.raises(WorkflowError):
        improvement_link_issues(actor=world.dispatcher, improvement_id=action.pk, issues=[far])
    assert not action.issues.exists()


def test_status_moves_forward_only(world):
    action = make_action(world)
    action = improvement_set_status(
        actor=world.unit_head, improvement_id=action.pk, status="in_progress"
    )
    action = improvement_set_status(actor=world.dispatcher, improvement_id=action.pk, status="done")
    assert action.done_at is not None
    with pytest.raises(WorkflowError):
        improvement_set_status(
            actor=world.dispatcher, improvement_id=action.pk, status="in_progress"
        )


def test_outsiders_cannot_advance_an_action(world):
    action = make_action(world)
    with pytest.raises(WorkflowError):
        improvement_set_status(actor=world.street_handler, improvement_id=action.pk, status="done")
    action.refresh_from_db()
    assert action.status == "proposed"


def test_action_visibility_follows_region_and_owner_unit(world):
    make_action(world)
    visible = {
        who: ImprovementAction.objects.visible_to(getattr(world, who)).exists()
        for who in ("dispatcher", "leader", "unit_head", "handler", "far_dispatcher", "outsider")
    }
    assert visible == {
        "dispatcher": True,
        "leader": True,
        "unit_head": True,
        "handler": True,
        "far_dispatcher": False,
        "outsider": False,
    }


def test_the_database_refuses_an_inconsistent_issue_and_nothing_is_saved(world, make_issue):
    issue = make_issue("new")
    issue.state = "merged"  # without merged_into: violates issue_merged_iff_merged_into
    with pytest.raises(WorkflowError):
        save_issue(issue, actor=world.dispatcher)
    assert Issue.objects.get(pk=issue.pk).state == "new"


def test_the_default_catalogue_is_two_levels_with_limits():
    parents = Category.objects.filter(parent=None, code__in=["proc", "elem", "policy"])
    assert parents.count() == 3
    labour = Category.objects.get(code="elem.labour")
    assert (labour.parent.code, labour.resolve_limit, labour.resolve_unit) == (
        "elem",
        5,
        "working_days",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/django-admin/issues/category/",
        "/django-admin/issues/issue/",
        "/django-admin/issues/issueevent/",
        "/django-admin/issues/improvementaction/",
    ],
)
def test_admin_lists_open_for_a_superuser(client, world, make_issue, url):
    make_issue("in_progress")
    RoutingRule.objects.create(
        category=Category.objects.get(code="t.plain"),
        region=world.district,
        lead_unit=world.line_unit,
    )
    world.admin.is_superuser = world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    assert client.get(url).status_code == 200


def test_admin_offers_no_way_to_edit_or_delete_events(client, world, make_issue):
    make_issue("dispatched")
    world.admin.is_superuser = world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    event = IssueEvent.objects.first()
    response = client.post(f"/django-admin/issues/issueevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert IssueEvent.objects.filter(pk=event.pk).exists()
    category = Category.objects.get(code="elem.labour")
    assert client.get(f"/django-admin/issues/category/{category.pk}/change/").status_code == 200
