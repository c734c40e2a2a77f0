"""The workflow service beyond the table: registration, routing, rulings, counters, windows."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.services import system_user
from issues.deadlines import _NoChange
from issues.models import ExtensionRequest, Issue, IssueEvent, RoutingRule
from issues.services import (
    ON_EVENT,
    WorkflowError,
    issue_record_event,
    issue_register,
    issue_transition,
)
from tests.factories import UnitFactory, grant

pytestmark = pytest.mark.django_db


def register(world, category, **kwargs):
    values = {
        "actor": world.liaison,
        "enterprise": world.ent_a,
        "source": Issue.Source.VISIT,
        "category": category,
        "title": "用电增容",
        "description": "新生产线投产需要增容 800 千伏安。",
    }
    values.update(kwargs)
    return issue_register(**values)


def kinds(issue):
    return list(IssueEvent.objects.filter(issue=issue).values_list("kind", flat=True))


# --- registration and routing -----------------------------------------------------------------


def test_registration_copies_the_liaison_and_writes_one_public_event(world, cats):
    issue = register(world, cats.plain)
    assert issue.state == "new"
    assert issue.liaison == world.liaison
    assert issue.registered_by == world.liaison
    assert kinds(issue) == ["register"]
    assert IssueEvent.objects.get(issue=issue).is_public
    assert issue.history.count() == 1


def test_a_matching_routing_rule_dispatches_at_once_as_the_system_user(world, cats):
    RoutingRule.objects.create(
        category=cats.plain, region=world.district, lead_unit=world.line_unit
    )
    issue = register(world, cats.plain)
    assert issue.state == "dispatched"
    assert issue.lead_unit == world.line_unit
    assert kinds(issue) == ["register", "dispatch"]
    assert IssueEvent.objects.get(issue=issue, kind="dispatch").actor == system_user()
    assert issue.history.count() == 2


def test_the_most_specific_region_wins_and_the_exact_category_beats_its_parent(world, cats):
    RoutingRule.objects.create(category=cats.plain, region=world.city, lead_unit=world.line_unit)
    rule = RoutingRule.objects.create(
        category=cats.plain, region=world.street, lead_unit=world.street_unit
    )
    rule.supporting_units.add(world.line_unit)
    RoutingRule.objects.create(category=cats.parent, region=world.street, lead_unit=world.line_unit)
    issue = register(world, cats.plain)
    assert issue.lead_unit == world.street_unit
    assert list(issue.supporting_units.all()) == [world.line_unit]


def test_a_rule_of_the_parent_category_applies_when_the_category_has_none(world, cats):
    RoutingRule.objects.create(
        category=cats.parent, region=world.district, lead_unit=world.line_unit
    )
    assert register(world, cats.plain).lead_unit == world.line_unit


def test_bancheng_requests_start_supervised_and_go_straight_to_the_dispatcher(world, cats):
    RoutingRule.objects.create(
        category=cats.plain, region=world.district, lead_unit=world.line_unit
    )
    issue = register(world, cats.plain, source=Issue.Source.BANCHENG)
    assert issue.supervision_level == 1
    assert issue.state == "new"


@pytest.mark.parametrize("who", ["outsider", "far_dispatcher", "handler", "deputy", "leader"])
def test_people_without_a_link_to_the_enterprise_cannot_register(world, cats, who):
    with pytest.raises(WorkflowError):
        register(world, cats.plain, actor=getattr(world, who))
    assert not Issue.objects.exists()


@pytest.mark.parametrize("who", ["liaison", "resp_leader", "dispatcher", "enterprise_user"])
def test_the_enterprise_its_liaisons_and_the_dispatcher_may_register(world, cats, who):
    source = Issue.Source.PORTAL if who == "enterprise_user" else Issue.Source.PHONE
    assert register(world, cats.plain, actor=getattr(world, who), source=source).pk


def test_enterprise_users_file_through_the_portal_only(world, cats):
    with pytest.raises(WorkflowError):
        register(world, cats.plain, actor=world.enterprise_user, source=Issue.Source.VISIT)


def test_a_first_level_category_with_children_is_refused(world, cats):
    with pytest.raises(WorkflowError, match="二级分类"):
        register(world, cats.parent)


def test_the_same_external_reference_returns_the_existing_issue(world, cats):
    first = register(world, cats.plain, actor=system_user(), external_ref="12345-2026-0001")
    again = register(
        world, cats.plain, actor=system_user(), external_ref="12345-2026-0001", title="别的标题"
    )
    assert again.pk == first.pk
    assert Issue.objects.count() == 1
    assert kinds(first) == ["register"]


def test_an_external_reference_of_another_enterprise_is_refused(world, cats):
    register(world, cats.plain, actor=system_user(), external_ref="12345-2026-0002")
    with pytest.raises(WorkflowError, match="外部编号"):
        register(
            world,
            cats.plain,
            actor=system_user(),
            enterprise=world.ent_b,
            external_ref="12345-2026-0002",
        )


# --- returns and rulings ----------------------------------------------------------------------


def test_a_redispatch_ruling_sends_the_issue_to_another_unit(world, make_issue):
    issue = make_issue("returned")
    issue = issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="rule_return",
        ruling="redispatch",
        lead_unit=world.street_unit,
    )
    assert (issue.state, issue.lead_unit) == ("dispatched", world.street_unit)
    assert issue.handler is None


def test_a_redispatch_to_the_returning_unit_is_refused(world, make_issue):
    issue = make_issue("returned")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="rule_return",
            ruling="redispatch",
            lead_unit=world.line_unit,
        )


def test_a_rejected_return_is_final_and_the_unit_cannot_return_it_again(world, make_issue):
    issue = make_issue("returned")
    issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="rule_return",
        ruling="reject",
        reason="属于本单位职责。",
    )
    with pytest.raises(WorkflowError, match="终审"):
        issue_transition(actor=world.handler, issue_id=issue.pk, action="return", reason="再退")
    issue.refresh_from_db()
    assert (issue.state, issue.lead_unit, issue.return_count) == ("dispatched", world.line_unit, 1)


def test_a_rejection_needs_a_reason(world, make_issue):
    issue = make_issue("returned")
    with pytest.raises(WorkflowError, match="理由"):
        issue_transition(
            actor=world.dispatcher, issue_id=issue.pk, action="rule_return", ruling="reject"
        )


def test_three_different_units_returning_it_are_counted(world, make_issue):
    third = UnitFactory(name="区住建局", region=world.district)
    third_handler = world.outsider
    grant(third_handler, Role.HANDLER, unit=third)
    issue = make_issue("returned")
    for unit, handler in [(world.street_unit, world.street_handler), (third, third_handler)]:
        issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="rule_return",
            ruling="redispatch",
            lead_unit=unit,
        )
        issue_transition(actor=handler, issue_id=issue.pk, action="return", reason="非本单位职责")
    issue.refresh_from_db()
    assert issue.return_count == 3
    assert issue.returned_unit_count == 3
    assert sorted(issue.returned_unit_ids) == sorted(
        [world.line_unit.pk, world.street_unit.pk, third.pk]
    )


def test_a_unit_outside_the_enterprises_region_cannot_be_dispatched_to(world, make_issue):
    issue = make_issue("new")
    with pytest.raises(WorkflowError, match="辖区"):
        issue_transition(
            actor=world.dispatcher, issue_id=issue.pk, action="dispatch", lead_unit=world.far_unit
        )


# --- revisit, rework, reopen ------------------------------------------------------------------


def test_nobody_in_the_lead_unit_may_revisit_even_when_also_the_liaison(world, make_issue):
    issue = make_issue("resolved")
    grant(world.liaison, Role.HANDLER, unit=world.line_unit)
    world.liaison.__dict__.pop("_qinqing_scope", None)
    with pytest.raises(WorkflowError, match="无权"):
        issue_transition(
            actor=world.liaison, issue_id=issue.pk, action="revisit", satisfaction="satisfied"
        )


def test_a_dissatisfied_revisit_sends_it_back_as_a_rework(world, make_issue):
    issue = make_issue("resolved")
    issue = issue_transition(
        actor=world.enterprise_user,
        issue_id=issue.pk,
        action="revisit",
        satisfaction="dissatisfied",
        comment="只招到一半的人。",
    )
    assert (issue.state, issue.rework_count, issue.satisfaction) == (
        "in_progress",
        1,
        "dissatisfied",
    )
    assert issue.closed_at is None
    assert IssueEvent.objects.filter(issue=issue).last().data["by"] == "enterprise"


def test_a_dissatisfied_revisit_needs_a_comment(world, make_issue):
    issue = make_issue("resolved")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.liaison, issue_id=issue.pk, action="revisit", satisfaction="dissatisfied"
        )


def test_closed_is_not_solved_the_outcome_stays_separate(world, make_issue):
    issue = make_issue("in_progress")
    issue_transition(
        actor=world.handler,
        issue_id=issue.pk,
        action="resolve",
        outcome="explained",
        reply="现行政策不支持。",
        outcome_reason="用地指标已用完。",
        policy_basis="《土地管理法》第四十四条",
    )
    issue = issue_transition(
        actor=world.liaison, issue_id=issue.pk, action="revisit", satisfaction="basically_satisfied"
    )
    assert (issue.state, issue.outcome) == ("closed", "explained")


def test_explained_needs_a_reason_and_a_policy_basis(world, make_issue):
    issue = make_issue("in_progress")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="resolve",
            outcome="explained",
            reply="不能办理。",
        )


def test_reopening_works_inside_the_window_and_counts_a_rework(world, make_issue, settings):
    settings.ISSUE_REOPEN_WINDOW_DAYS = 30
    issue = make_issue("closed")
    issue = issue_transition(
        actor=world.enterprise_user,
        issue_id=issue.pk,
        action="reopen",
        reason="问题复发。",
        at=timezone.now() + timedelta(days=29),
    )
    assert (issue.state, issue.rework_count, issue.closed_at) == ("in_progress", 1, None)


def test_reopening_after_the_window_is_refused(world, make_issue, settings):
    settings.ISSUE_REOPEN_WINDOW_DAYS = 30
    issue = make_issue("closed")
    with pytest.raises(WorkflowError, match="30"):
        issue_transition(
            actor=world.enterprise_user,
            issue_id=issue.pk,
            action="reopen",
            reason="问题复发。",
            at=timezone.now() + timedelta(days=31),
        )


def test_review_rejection_sends_it_back_to_the_unit(world, make_issue):
    issue = make_issue("review")
    issue = issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="review",
        decision="reject",
        reason="答复未说明办理依据。",
    )
    assert issue.state == "in_progress"
    assert not IssueEvent.objects.filter(issue=issue).last().is_public


# --- merge and withdraw -----------------------------------------------------------------------


def test_merging_points_at_the_surviving_issue(world, make_issue):
    issue, target = make_issue("dispatched"), make_issue("in_progress", title="另一条")
    issue = issue_transition(actor=world.dispatcher, issue_id=issue.pk, action="merge", into=target)
    assert (issue.state, issue.merged_into) == ("merged", target)


def test_merging_into_another_enterprises_issue_or_itself_is_refused(world, make_issue, cats):
    issue = make_issue("new")
    other = register(world, cats.plain, actor=world.dispatcher, enterprise=world.ent_b)
    for into in (other, issue):
        with pytest.raises(WorkflowError):
            issue_transition(actor=world.dispatcher, issue_id=issue.pk, action="merge", into=into)


def test_the_enterprise_may_withdraw_before_resolution(world, make_issue):
    issue = make_issue("waiting_enterprise")
    issue = issue_transition(actor=world.enterprise_user, issue_id=issue.pk, action="withdraw")
    assert issue.state == "withdrawn"
    assert issue.paused_at is None


# --- timing facts, pauses, extensions ---------------------------------------------------------


def test_on_time_facts_compare_the_moment_with_the_deadline(world, make_issue):
    issue = make_issue("dispatched")
    Issue.objects.filter(pk=issue.pk).update(ack_deadline=timezone.now() - timedelta(hours=1))
    issue = issue_transition(actor=world.handler, issue_id=issue.pk, action="acknowledge")
    assert issue.acknowledged_on_time is False
    assert issue.handler == world.handler
    Issue.objects.filter(pk=issue.pk).update(resolve_deadline=timezone.now() + timedelta(days=3))
    issue = issue_transition(
        actor=world.handler, issue_id=issue.pk, action="resolve", outcome="solved", reply="已解决"
    )
    assert issue.resolved_on_time is True


def test_without_a_deadline_the_on_time_facts_stay_unknown(world, make_issue, monkeypatch):
    # no time limits: the category's limits do not apply
    monkeypatch.setattr("issues.services.core.plan_time_limits", lambda **kw: _NoChange())
    issue = make_issue("resolved")
    assert issue.acknowledged_on_time is None
    assert issue.resolved_on_time is None


def test_waiting_for_the_enterprise_pauses_the_clock(world, make_issue):
    issue = make_issue("in_progress")
    start = timezone.now()
    issue_transition(
        actor=world.handler,
        issue_id=issue.pk,
        action="ask_enterprise",
        question="请补充。",
        at=start,
    )
    issue = issue_transition(
        actor=world.liaison,
        issue_id=issue.pk,
        action="answer",
        text="已补充。",
        at=start + timedelta(hours=5),
    )
    assert issue.paused_total == timedelta(hours=5)
    assert issue.paused_at is None


def test_an_approved_extension_is_counted_and_a_denied_one_is_not(world, make_issue):
    issue = make_issue("in_progress")
    for decision, expected in (("deny", 0), ("approve", 1)):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="request_extension",
            days=5,
            reason="涉及多部门会商。",
        )
        issue = issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="decide_extension",
            decision=decision,
        )
        assert issue.extension_count == expected
    statuses = set(ExtensionRequest.objects.filter(issue=issue).values_list("status", flat=True))
    assert statuses == {"approved", "denied"}


def test_an_extension_cannot_be_requested_after_the_deadline(world, make_issue):
    issue = make_issue("in_progress")
    Issue.objects.filter(pk=issue.pk).update(resolve_deadline=timezone.now() - timedelta(days=1))
    with pytest.raises(WorkflowError, match="时限"):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="request_extension",
            days=5,
            reason="来不及。",
        )
    assert not ExtensionRequest.objects.exists()


def test_only_staff_of_the_lead_unit_can_be_assigned(world, make_issue):
    issue = make_issue("in_progress")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.unit_head,
            issue_id=issue.pk,
            action="assign_handler",
            handler=world.street_handler,
        )


# --- hooks, system events, guards -------------------------------------------------------------


SEEN: list = []


def vetoing_collaborator(*, issue, event):
    SEEN.append((issue.state, event.kind, transaction.get_connection().in_atomic_block))
    raise RuntimeError("outbox full")


def test_the_collaborators_run_inside_the_transaction_and_can_veto(world, make_issue, monkeypatch):
    SEEN.clear()
    issue = make_issue("dispatched")
    monkeypatch.setattr(
        "issues.services.core.ON_EVENT",
        (*ON_EVENT, "tests.issues.test_services.vetoing_collaborator"),
    )
    with pytest.raises(RuntimeError):
        issue_transition(actor=world.handler, issue_id=issue.pk, action="acknowledge")
    assert SEEN == [("in_progress", "acknowledge", True)]
    issue.refresh_from_db()
    assert issue.state == "dispatched"
    assert kinds(issue)[-1] == "dispatch"


def test_what_an_action_does_is_one_declared_immutable_list():
    from issues.services import core

    assert isinstance(core.ON_EVENT, tuple)
    assert ON_EVENT == (
        "issues.supervision.escalate_if_repeated",
        "issues.notices.notify_parties",
        "api.callbacks.work_order_result_callback",
    )
    for path in ON_EVENT:
        assert callable(core._collaborator(path))


def test_system_events_raise_the_supervision_level_but_never_the_state(world, make_issue):
    issue = make_issue("in_progress")
    event = issue_record_event(
        actor=system_user(),
        issue_id=issue.pk,
        kind="supervision",
        supervision_level=2,
        data={"note": "超期 3 个工作日"},
    )
    issue.refresh_from_db()
    assert (issue.state, issue.supervision_level) == ("in_progress", 2)
    assert (event.from_state, event.to_state) == ("in_progress", "in_progress")
    with pytest.raises(WorkflowError):
        issue_record_event(actor=system_user(), issue_id=issue.pk, kind="resolve")


def test_unknown_actions_and_unknown_inputs_are_refused(world, make_issue):
    issue = make_issue("dispatched")
    with pytest.raises(WorkflowError):
        issue_transition(actor=world.handler, issue_id=issue.pk, action="close_everything")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.handler, issue_id=issue.pk, action="acknowledge", state="closed"
        )
    with pytest.raises(WorkflowError):
        issue_transition(actor=world.handler, issue_id=issue.pk + 999, action="acknowledge")
