"""The supervision ladder: warning → reminder → supervision notice → escalation, run by the
beat's sweep, each step once; and the immediate escalation after repeated reworks or returns.

The issue is dispatched Tue 2025-09-30 10:00 to 区人社局 → acknowledge by Thu 10-09 17:30
(国庆 in between); warning band from 10-09 14:12; 2 overdue working days → Sat 10-11 17:30
(a make-up working day); 5 → Wed 10-15 17:30.
"""

import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from accounts.models import Role
from issues.models import Issue, IssueClock, IssueEvent
from issues.services import issue_register, issue_transition
from issues.supervision import supervision_sweep
from issues.tasks import issues_supervision_sweep_task
from notifications.models import Delivery, Notification
from tests.factories import UnitFactory, UserFactory, grant

SH = ZoneInfo("Asia/Shanghai")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def sent(kind: str) -> list[tuple[str, str]]:
    """(recipient username, notification kind) of the ladder's notifications of `kind`."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "kind"))


def ladder_notifications(issue):
    """The issue's notifications from the ladder (not those of its register and dispatch)."""
    kinds = ["issue_warning", "issue_reminder", "supervision_notice", "escalation"]
    return Notification.objects.filter(issue_id=issue.pk, kind__in=kinds)


@pytest.fixture
def overdue(world, cats):
    issue = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="用工缺口",
        description="需要招聘焊工 30 名。",
        at=t("2025-09-30 10:00"),
    )
    issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="dispatch",
        lead_unit=world.line_unit,
        at=t("2025-09-30 10:00"),
    )
    issue.refresh_from_db()
    return issue


def test_nothing_happens_before_the_warning_band(overdue):
    result = supervision_sweep(now=t("2025-10-09 14:00"))
    assert result.taken == 0
    assert not IssueEvent.objects.filter(kind="warning").exists()


def test_the_ladder_climbs_one_step_at_a_time_and_tells_the_right_people(overdue, world):
    # warning to the handlers of the lead unit (nobody has signed for it yet)
    assert supervision_sweep(now=t("2025-10-09 14:30")).steps == {"warning": 1}
    assert sent("issue_warning") == [("handler1", "issue_warning")]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 0

    # reminder to the unit head at the deadline
    assert supervision_sweep(now=t("2025-10-09 17:31")).steps == {"reminder": 1}
    assert sent("issue_reminder") == [("unithead1", "issue_reminder")]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 1

    # not yet 2 overdue working days on Saturday morning (a make-up working day)
    assert supervision_sweep(now=t("2025-10-11 12:00")).taken == 0
    assert supervision_sweep(now=t("2025-10-11 17:31")).steps == {"supervision": 1}
    assert sent("supervision_notice") == [
        ("handler1", "supervision_notice"),
        ("unithead1", "supervision_notice"),
    ]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 2

    # escalation to the responsible leader (and the unit head) after 5 overdue working days
    assert supervision_sweep(now=t("2025-10-15 17:00")).taken == 0
    assert supervision_sweep(now=t("2025-10-15 17:31")).steps == {"escalation": 1}
    assert sent("escalation") == [("bbleader1", "escalation"), ("unithead1", "escalation")]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 3
    assert IssueClock.objects.get(issue=overdue).next_check_at is None  # the ladder is done

    events = list(
        IssueEvent.objects.filter(issue=overdue)
        .exclude(kind__in=["register", "dispatch"])
        .order_by("at")
        .values_list("kind", "actor__username", "is_public")
    )
    assert events == [
        ("warning", "system", False),
        ("reminder", "system", False),
        ("supervision", "system", False),
        ("escalation", "system", False),
    ]
    # the level changes are in the issue's history, attributed to the system
    assert overdue.history.filter(supervision_level=3, history_user__username="system").exists()


def test_running_the_sweep_twice_sends_each_notification_once(overdue):
    now = t("2025-10-09 17:31")
    first = supervision_sweep(now=now)
    second = supervision_sweep(now=now)
    assert first.taken == 1
    assert second.taken == 0
    assert ladder_notifications(overdue).count() == 1
    assert IssueEvent.objects.filter(issue=overdue, kind="reminder").count() == 1
    # and the retried / doubled Celery task does nothing either
    assert issues_supervision_sweep_task.apply().get()["taken"] in (0, 1)
    assert IssueEvent.objects.filter(issue=overdue, kind="reminder").count() == 1


def test_after_a_long_outage_only_the_top_step_is_sent(overdue):
    result = supervision_sweep(now=t("2025-10-20 09:00"))
    assert result.steps == {"escalation": 1}
    event = IssueEvent.objects.get(issue=overdue, kind="escalation")
    assert event.data["skipped"] == ["warning", "reminder", "supervision"]
    assert ladder_notifications(overdue).exclude(kind="escalation").count() == 0


def test_acknowledging_starts_a_fresh_ladder_on_the_resolve_limit(overdue, world):
    supervision_sweep(now=t("2025-10-09 17:31"))  # reminder on the acknowledge limit
    issue_transition(
        actor=world.handler, issue_id=overdue.pk, action="acknowledge", at=t("2025-10-10 09:00")
    )
    clock = IssueClock.objects.get(issue=overdue)
    assert (clock.kind, clock.step) == ("resolve", 0)
    # resolve by 10-16 17:30 (10-11 Sat, 13, 14, 15, 16)
    overdue.refresh_from_db()
    assert overdue.resolve_deadline == t("2025-10-16 17:30")
    assert supervision_sweep(now=t("2025-10-16 17:31")).steps == {"reminder": 1}
    # the level never goes down
    overdue.refresh_from_db()
    assert overdue.supervision_level == 1


def test_a_paused_issue_is_not_chased(overdue, world):
    issue_transition(
        actor=world.handler, issue_id=overdue.pk, action="acknowledge", at=t("2025-10-09 09:00")
    )
    issue_transition(
        actor=world.handler,
        issue_id=overdue.pk,
        action="ask_enterprise",
        question="请补充材料。",
        at=t("2025-10-09 10:00"),
    )
    assert supervision_sweep(now=t("2025-12-31 10:00")).taken == 0


def test_an_extension_pushing_the_deadline_out_of_the_band_re_arms_the_warning(overdue, world):
    issue_transition(
        actor=world.handler, issue_id=overdue.pk, action="acknowledge", at=t("2025-10-10 09:00")
    )  # resolve by 10-16 17:30; warning from 10-15 15:48
    assert supervision_sweep(now=t("2025-10-16 10:00")).steps == {"warning": 1}
    issue_transition(
        actor=world.handler,
        issue_id=overdue.pk,
        action="request_extension",
        days=5,
        reason="需要协调用地指标。",
        at=t("2025-10-16 10:30"),
    )
    issue_transition(
        actor=world.dispatcher,
        issue_id=overdue.pk,
        action="decide_extension",
        decision="approve",
        at=t("2025-10-16 11:00"),
    )
    # 5 more working days: 10-23 17:30, warning from 10-22 15:48 — the ladder starts again
    assert IssueClock.objects.get(issue=overdue).step == 0
    assert supervision_sweep(now=t("2025-10-16 17:31")).taken == 0  # no longer due
    assert supervision_sweep(now=t("2025-10-23 17:00")).steps == {"warning": 1}
    assert supervision_sweep(now=t("2025-10-23 17:31")).steps == {"reminder": 1}


def test_the_revisit_limit_reminds_the_liaison(overdue, world):
    issue_transition(
        actor=world.handler, issue_id=overdue.pk, action="acknowledge", at=t("2025-10-09 09:00")
    )
    issue_transition(
        actor=world.handler,
        issue_id=overdue.pk,
        action="resolve",
        outcome="solved",
        reply="已推荐 30 名焊工。",
        at=t("2025-10-09 10:00"),
    )
    # revisit by 10-11 17:30 (Sat, a working day)
    assert supervision_sweep(now=t("2025-10-11 17:31")).steps == {"reminder": 1}
    assert sent("issue_reminder") == [("liaison1", "issue_reminder")]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 0  # a late revisit is not the unit's failure


def test_the_third_rework_escalates_at_once_and_only_once(world, make_issue):
    issue = make_issue("resolved")
    for n in range(1, 5):
        issue_transition(
            actor=world.liaison,
            issue_id=issue.pk,
            action="revisit",
            satisfaction="dissatisfied",
            comment=f"第 {n} 次仍未解决",
        )
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="resolve",
            outcome="solved",
            reply="已再次协调。",
        )
        issue.refresh_from_db()
        escalations = IssueEvent.objects.filter(issue=issue, kind="escalation")
        assert escalations.count() == (1 if n >= 3 else 0)
        assert issue.supervision_level == (3 if n >= 3 else 0)
    assert escalations.get().data["reason"] == "reworks"
    assert sent("escalation") == [("bbleader1", "escalation"), ("unithead1", "escalation")]


def test_returns_by_three_different_units_escalate_at_once(world, make_issue):
    third = UnitFactory(name="区市场监管局", region=world.district)
    third_handler = UserFactory(username="handler3")
    grant(third_handler, Role.HANDLER, unit=third)
    issue = make_issue("dispatched")
    for unit, handler in [
        (world.street_unit, world.handler),
        (third, world.street_handler),
        (None, third_handler),
    ]:
        issue_transition(actor=handler, issue_id=issue.pk, action="return", reason="非本单位职责")
        assert not IssueEvent.objects.filter(issue=issue, kind="escalation").exists() or (
            unit is None
        )
        if unit is not None:
            issue_transition(
                actor=world.dispatcher,
                issue_id=issue.pk,
                action="rule_return",
                ruling="redispatch",
                lead_unit=unit,
            )
    issue.refresh_from_db()
    assert issue.returned_unit_count == 3
    assert issue.supervision_level == 3
    event = IssueEvent.objects.get(issue=issue, kind="escalation")
    assert event.data["reason"] == "returns"
    # the responsible leader, and the dispatcher who must now find the right unit
    assert ("bbleader1", "escalation") in sent("escalation")
    assert ("dispatcher1", "escalation") in sent("escalation")


def test_the_same_unit_returning_twice_counts_once(world, make_issue):
    issue = make_issue("dispatched")
    issue_transition(actor=world.handler, issue_id=issue.pk, action="return", reason="非本单位")
    issue_transition(
        actor=world.dispatcher,
        issue_id=issue.pk,
        action="rule_return",
        ruling="redispatch",
        lead_unit=world.street_unit,
    )
    issue_transition(
        actor=world.street_handler, issue_id=issue.pk, action="return", reason="非本单位"
    )
    issue.refresh_from_db()
    assert issue.returned_unit_count == 2
    assert not IssueEvent.objects.filter(issue=issue, kind="escalation").exists()


def test_the_bancheng_window_starts_at_supervision_level_one(world, cats):
    issue = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.BANCHENG,
        category=cats.plain,
        title="多次办理未果",
        description="企业反映证照变更多次未办成。",
    )
    assert issue.supervision_level == 1
    assert issue.state == "new"


def test_the_sweep_is_on_the_beat_every_few_minutes():
    from crm.celery import app

    entry = app.conf.beat_schedule["issues-supervision-sweep"]
    assert entry["task"] == "issues.tasks.issues_supervision_sweep_task"
    assert entry["schedule"] <= 600


def test_a_failing_issue_does_not_stop_the_others(overdue, world, cats, monkeypatch):
    other = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="另一件诉求",
        description="内容",
        at=t("2025-09-30 10:00"),
    )
    issue_transition(
        actor=world.dispatcher,
        issue_id=other.pk,
        action="dispatch",
        lead_unit=world.line_unit,
        at=t("2025-09-30 10:00"),
    )
    import issues.supervision as sup

    real = sup._step_message

    def broken(*, issue, **kwargs):
        if issue.pk == overdue.pk:
            raise RuntimeError("boom")
        return real(issue=issue, **kwargs)

    monkeypatch.setattr(sup, "_step_message", broken)
    result = supervision_sweep(now=t("2025-10-09 17:31"))
    assert (result.taken, result.failed) == (1, 1)
    # the failed one was rolled back entirely and is tried again next time
    assert not IssueEvent.objects.filter(issue=overdue, kind="reminder").exists()
    assert IssueClock.objects.get(issue=overdue).step == 0
    monkeypatch.setattr(sup, "_step_message", real)
    assert supervision_sweep(now=t("2025-10-09 17:32")).steps == {"reminder": 1}


def test_max_steps_bounds_one_run_and_the_next_run_continues(overdue, world, cats):
    other = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="另一件诉求",
        description="内容",
        at=t("2025-09-30 10:00"),
    )
    issue_transition(
        actor=world.dispatcher,
        issue_id=other.pk,
        action="dispatch",
        lead_unit=world.line_unit,
        at=t("2025-09-30 10:00"),
    )
    now = t("2025-10-09 17:31")
    assert supervision_sweep(now=now, max_steps=1).taken == 1
    assert supervision_sweep(now=now, max_steps=1).taken == 1
    assert supervision_sweep(now=now).taken == 0
    assert IssueEvent.objects.filter(kind="reminder").count() == 2


# --- PostgreSQL: two sweeps at once --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_notification_once(world, cats):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT … FOR UPDATE SKIP LOCKED): PostgreSQL only")
    issues = []
    for n in range(30):
        issue = issue_register(
            actor=world.liaison,
            enterprise=world.ent_a,
            source=Issue.Source.VISIT,
            category=cats.plain,
            title=f"诉求 {n}",
            description="内容",
            at=t("2025-09-30 10:00"),
        )
        issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="dispatch",
            lead_unit=world.line_unit,
            at=t("2025-09-30 10:00"),
        )
        issues.append(issue)
    now = t("2025-10-09 17:31")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(supervision_sweep(now=now, batch_size=7))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert sum(r.taken for r in results) == 30
    assert IssueEvent.objects.filter(kind="reminder").count() == 30
    assert Notification.objects.filter(kind="issue_reminder").count() == 30
    # and a third sweep afterwards finds nothing
    assert supervision_sweep(now=now).taken == 0


# --- Broker outage -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_transitions_and_the_sweep_succeed_and_deliveries_wait(
    world, cats, caplog
):
    from tests.notifications.conftest import UNREACHABLE_BROKER, broker

    world.unit_head.email = "head@example.gov.cn"
    world.unit_head.save()
    with broker(UNREACHABLE_BROKER):
        issue = issue_register(
            actor=world.liaison,
            enterprise=world.ent_a,
            source=Issue.Source.VISIT,
            category=cats.plain,
            title="用工缺口",
            description="需要招聘焊工 30 名。",
            at=t("2025-09-30 10:00"),
        )
        issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="dispatch",
            lead_unit=world.line_unit,
            at=t("2025-09-30 10:00"),
        )
        result = supervision_sweep(now=t("2025-10-09 17:31"))
    issue.refresh_from_db()
    assert issue.state == "dispatched"
    assert issue.ack_deadline == t("2025-10-09 17:30")
    assert result.steps == {"reminder": 1}
    delivery = Delivery.objects.get(notification__kind="issue_reminder")
    assert (delivery.status, delivery.address) == (Delivery.Status.PENDING, "head@example.gov.cn")
    assert "broker unavailable" in caplog.text


def test_a_batch_of_due_steps_is_told_with_one_notify_many_call(overdue, world, cats):
    other = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="另一件诉求",
        description="内容",
        at=t("2025-09-30 10:00"),
    )
    issue_transition(
        actor=world.dispatcher,
        issue_id=other.pk,
        action="dispatch",
        lead_unit=world.line_unit,
        at=t("2025-09-30 10:00"),
    )
    import notifications.services as services

    with mock.patch.object(services, "notify_many", wraps=services.notify_many) as spy:
        assert supervision_sweep(now=t("2025-10-09 17:31")).steps == {"reminder": 2}
    assert spy.call_count == 1
    assert len(spy.call_args.kwargs["messages"]) == 2
    assert sent("issue_reminder") == [("unithead1", "issue_reminder")] * 2


def test_the_sweep_writes_its_events_through_the_function_behind_issue_record_event(
    overdue, world, monkeypatch
):
    from accounts.services import system_user
    from issues.services import core, issue_record_event

    calls = []
    real = core.write_records

    def spy(records, *, actor):
        calls.append([(r.issue.pk, r.kind, r.supervision_level) for r in records])
        return real(records, actor=actor)

    monkeypatch.setattr(core, "write_records", spy)
    # when: the sweep takes a step (batch path) and someone records an event by hand
    assert supervision_sweep(now=t("2025-10-09 17:31")).steps == {"reminder": 1}
    issue_record_event(actor=system_user(), issue_id=overdue.pk, kind="deadline", data={})
    # then: both went through the one write
    assert calls == [[(overdue.pk, "reminder", 1)], [(overdue.pk, "deadline", None)]]
    overdue.refresh_from_db()
    assert overdue.supervision_level == 1
    latest = overdue.history.first()
    assert (latest.supervision_level, latest.history_user) == (1, system_user())
