"""The supervision ladder (督办, DESIGN §6): the sweep run by Celery beat, and the immediate
escalation after repeated reworks or returns.

Ladder of a running acknowledge / resolve limit (the clock is kept by `issues.deadlines`):

- warning 预警, when the warning band starts (the category's `warning_band`): the handler,
  else the lead unit's handlers; the supervision level is unchanged;
- reminder 催办, at the deadline: the lead unit's head(s); level ≥ 1;
- supervision notice 督办, after N overdue working days (`ISSUE_SUPERVISION_NOTICE_DAYS`, 2),
  issued in the dispatcher office's name: the lead unit's heads and handlers and its WeCom
  robots; level ≥ 2;
- escalation 提级, after M overdue working days (`ISSUE_ESCALATION_DAYS`, 5): the enterprise's
  responsible leader (包保领导), else the leaders whose region covers it, and the unit head;
  level 3, which the cockpit lists.

A revisit limit has one step: a reminder to the liaison at the deadline. Each step is one
internal `IssueEvent` by the system user (the rows `issues.services.issue_record_event` writes),
the raised supervision level with a history row, and its notifications
(`notifications.services.notify_many`), all in one transaction.

Idempotency: a step is claimed with a conditional update of the clock row
(`UPDATE issueclock SET step = n … WHERE issue_id = … AND step < n AND deadline = …`); only the
one caller that updated the row writes the event and the notifications. The sweep locks the issue
rows first (`SELECT … FOR UPDATE SKIP LOCKED`, the same lock order as the workflow service, so
a sweep never deadlocks with a transition and skips issues being worked on right now). Two
sweeps at once, a retried task or a sweep run twice therefore send each notification once.

Cost: one range scan of the partial index `issueclock_due` finds what is due; an idle sweep is
that one query (plus the calendar's change check). Due issues are processed in batches of
`batch_size` in one transaction each, events, levels, notifications and deliveries written in
bulk (`write_records`, the function behind `issue_record_event`); if a batch fails it is redone
issue by issue through `issue_record_event`, each in a savepoint, so one broken issue never
blocks the others.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Role, RoleMembership, User
from accounts.services import system_user
from issues.deadlines import (
    RETURN_ESCALATION,
    REWORK_ESCALATION,
    due_step,
    escalation_days,
    next_check,
    supervision_notice_days,
)
from issues.models import Issue, IssueClock, IssueEvent
from issues.services import core as workflow_core
from issues.services import issue_record_event
from issues.workflow import State
from workcalendar.selectors import get_work_calendar

logger = logging.getLogger(__name__)

Kind = IssueClock.Kind
Step = IssueClock.Step

# Event kind, notification kind and the supervision level each step sets (None: unchanged).
STEP_EVENT = {
    Step.WARNING: ("warning", "issue_warning", None),
    Step.REMINDER: ("reminder", "issue_reminder", 1),
    Step.SUPERVISION: ("supervision", "supervision_notice", 2),
    Step.ESCALATION: ("escalation", "escalation", 3),
}


@dataclass
class SweepResult:
    checked: int = 0  # due clocks looked at
    steps: dict[str, int] = field(default_factory=dict)  # event kind -> steps taken
    skipped_locked: int = 0  # issues being changed right now: next sweep
    failed: int = 0
    seconds: float = 0.0

    @property
    def taken(self) -> int:
        return sum(self.steps.values())

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "steps": dict(self.steps),
            "taken": self.taken,
            "skipped_locked": self.skipped_locked,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
        }


class _People:
    """Recipient look-ups, cached for one sweep (units and enterprises repeat a lot)."""

    def __init__(self) -> None:
        self._unit: dict[tuple[int, str], list[User]] = {}
        self._leader: dict[int, list[User]] = {}

    def unit(self, unit_id: int | None, role: str) -> list[User]:
        if unit_id is None:
            return []
        key = (unit_id, role)
        if key not in self._unit:
            self._unit[key] = list(
                User.objects.filter(
                    is_active=True,
                    pk__in=RoleMembership.objects.active()
                    .filter(unit_id=unit_id, role=role)
                    .values("user_id"),
                ).order_by("pk")
            )
        return self._unit[key]

    def handlers(self, issue: Issue) -> list[User]:
        if issue.handler_id and issue.handler.is_active:
            return [issue.handler]
        return self.unit(issue.lead_unit_id, Role.HANDLER) or self.unit(
            issue.lead_unit_id, Role.UNIT_HEAD
        )

    def heads(self, issue: Issue) -> list[User]:
        return self.unit(issue.lead_unit_id, Role.UNIT_HEAD)

    def leaders(self, issue: Issue) -> list[User]:
        """The enterprise's active responsible leader (包保领导); without one, the leaders whose
        jurisdiction covers the enterprise."""
        from enterprises.models import LiaisonAssignment

        ent = issue.enterprise_id
        if ent not in self._leader:
            people = list(
                User.objects.filter(
                    is_active=True,
                    pk__in=LiaisonAssignment.objects.active()
                    .filter(enterprise_id=ent, kind=LiaisonAssignment.Kind.LEADER)
                    .values("person_id"),
                )
            )
            if not people:
                region = issue.enterprise.region
                step = region.steplen
                paths = [region.path[:i] for i in range(step, len(region.path) + 1, step)]
                people = list(
                    User.objects.filter(
                        is_active=True,
                        pk__in=RoleMembership.objects.active()
                        .filter(role=Role.LEADER, region__path__in=paths)
                        .values("user_id"),
                    )
                )
            self._leader[ent] = people
        return self._leader[ent]

    def liaison(self, issue: Issue) -> list[User]:
        from enterprises.models import LiaisonAssignment

        current = (
            LiaisonAssignment.objects.active()
            .filter(enterprise_id=issue.enterprise_id, kind=LiaisonAssignment.Kind.LIAISON)
            .select_related("person")
            .first()
        )
        if current is not None and current.person.is_active:
            return [current.person]
        return [issue.liaison] if issue.liaison_id and issue.liaison.is_active else []


def _local(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _message(issue: Issue, clock: IssueClock, step: int) -> tuple[str, str]:
    """Title and body of a step's notification (Chinese; the product's primary language)."""
    limit = {
        Kind.ACK: pgettext("time limit", "签收"),
        Kind.RESOLVE: pgettext("time limit", "办理"),
        Kind.REVISIT: pgettext("time limit", "回访"),
    }.get(clock.kind, "")
    deadline = _local(clock.deadline)
    head = f"{issue.number}「{issue.title}」"
    if step == Step.WARNING:
        return (
            _("时限预警：%(issue)s") % {"issue": head},
            _("该诉求的%(limit)s期限为 %(deadline)s，已进入预警期，请抓紧办理。")
            % {"limit": limit, "deadline": deadline},
        )
    if step == Step.REMINDER and clock.kind == Kind.REVISIT:
        return (
            _("回访催办：%(issue)s") % {"issue": head},
            _("该诉求已办结，回访期限 %(deadline)s 已到，请尽快回访企业。")
            % {"deadline": deadline},
        )
    if step == Step.REMINDER:
        return (
            _("催办：%(issue)s") % {"issue": head},
            _("该诉求的%(limit)s期限 %(deadline)s 已到，请督促承办人尽快办理。")
            % {"limit": limit, "deadline": deadline},
        )
    if step == Step.SUPERVISION:
        return (
            _("督办通知：%(issue)s") % {"issue": head},
            _(
                "该诉求已超过%(limit)s期限（%(deadline)s）%(days)s 个工作日，"
                "领导小组办公室予以督办，请立即办理并反馈。"
            )
            % {"limit": limit, "deadline": deadline, "days": supervision_notice_days()},
        )
    return (
        _("提级督办：%(issue)s") % {"issue": head},
        _("该诉求已超过%(limit)s期限（%(deadline)s）%(days)s 个工作日仍未办理，提请包保领导协调。")
        % {"limit": limit, "deadline": deadline, "days": escalation_days()},
    )


def _step_message(
    *, issue: Issue, clock: IssueClock, step: int, event: IssueEvent, people: _People
):
    """The notification of a step, for `notifications.services.notify_many`."""
    from notifications.services import Message

    _kind, notification_kind, _level = STEP_EVENT[step]
    title, body = _message(issue, clock, step)
    common = {
        "kind": notification_kind,
        "title": title,
        "body": body,
        "issue_id": issue.pk,
        "source_type": "issue_event",
        "source_id": event.pk,
    }
    if step == Step.WARNING:
        return Message(recipients=people.handlers(issue), **common)
    if step == Step.REMINDER and clock.kind == Kind.REVISIT:
        return Message(recipients=people.liaison(issue), **common)
    if step == Step.REMINDER:
        return Message(recipients=people.heads(issue) or people.handlers(issue), **common)
    if step == Step.SUPERVISION:  # the lead unit's heads and handlers, and its robots
        return Message(unit=issue.lead_unit, **common)
    return Message(recipients=[*people.leaders(issue), *people.heads(issue)], **common)


def _tell(*, issue: Issue, clock: IssueClock, step: int, event: IssueEvent, people: _People):
    from notifications.services import notify_many

    notify_many(
        messages=[_step_message(issue=issue, clock=clock, step=step, event=event, people=people)]
    )


def take_step(
    *, issue: Issue, clock: IssueClock, step: int, now: datetime, next_at, people: _People
) -> bool:
    """Claim `step` of the issue's running limit and, if this caller got it, write the event
    (through `issue_record_event`) and the notifications. Returns whether the step was taken
    here. Call inside a transaction that holds the issue's row lock."""
    if not _claim(clock, step, next_at, now):
        return False  # someone else took it (or the clock changed under us)
    kind, _notification_kind, level = STEP_EVENT[step]
    event = issue_record_event(
        actor=system_user(),
        issue_id=issue.pk,
        kind=kind,
        data=_event_data(clock, step),
        supervision_level=level if clock.kind != Kind.REVISIT else None,
        at=now,
    )
    clock.step = step
    _tell(issue=issue, clock=clock, step=step, event=event, people=people)
    return True


def supervision_sweep(
    *, now: datetime | None = None, batch_size: int = 100, max_steps: int | None = None
) -> SweepResult:
    """Take every ladder step that has come due (see the module doc). Idempotent and safe to
    run concurrently. `max_steps` bounds one run (the rest is left for the next one).
    `batch_size` also bounds how long the issues of a batch stay locked against transitions
    (a transition waits for the batch's commit)."""
    started = time.monotonic()
    now = now or timezone.now()
    cal = get_work_calendar()
    people = _People()
    result = SweepResult()
    seen: set[int] = set()
    while max_steps is None or result.taken < max_steps:
        due = list(
            IssueClock.objects.filter(next_check_at__lte=now)
            .exclude(issue_id__in=seen)
            .order_by("next_check_at")
            .values_list("issue_id", flat=True)[:batch_size]
        )
        if not due:
            break
        seen.update(due)
        limit = None if max_steps is None else max_steps - result.taken
        try:
            with transaction.atomic():
                _sweep_batch(due, now=now, cal=cal, people=people, result=result, limit=limit)
        except Exception:
            # One issue broke the batch (rolled back as a whole): redo it one issue at a time,
            # each in its own savepoint, so only the broken one is left for the next sweep.
            logger.exception("supervision sweep batch failed; retrying issue by issue")
            with transaction.atomic():
                _sweep_one_by_one(due, now=now, cal=cal, people=people, result=result, limit=limit)
    result.seconds = time.monotonic() - started
    if result.taken or result.failed:
        logger.info("supervision sweep: %s", result.as_dict())
    return result


def _lock_due(ids, *, now, result: SweepResult) -> list[IssueClock]:
    """Lock the issues (skipping those a transition holds right now) and load their clocks."""
    locked = set(
        Issue.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    result.skipped_locked += len(set(ids) - locked)
    return list(
        IssueClock.objects.filter(issue_id__in=locked, next_check_at__lte=now)
        .select_related(
            "issue__handler",
            "issue__lead_unit",
            "issue__enterprise__region",
            "issue__liaison",
        )
        .order_by("next_check_at", "issue_id")
    )


def _plan(clock: IssueClock, *, now, cal) -> tuple[int | None, datetime | None]:
    """The step due on `clock` now (or None) and the next check after taking it."""
    step = due_step(cal, clock, now)
    if step is None:
        return None, next_check(cal, clock)
    after = IssueClock(kind=clock.kind, deadline=clock.deadline, warn_at=clock.warn_at, step=step)
    return step, next_check(cal, after)


def _claim(clock: IssueClock, step: int, next_at, now) -> bool:
    """The conditional update: true only for the one caller that moved the clock to `step`."""
    return (
        IssueClock.objects.filter(
            issue_id=clock.issue_id, kind=clock.kind, deadline=clock.deadline, step__lt=step
        ).update(step=step, next_check_at=next_at, updated_at=now)
        == 1
    )


def _claim_many(planned, now) -> set[int]:
    """`_claim` for a whole batch: on PostgreSQL one `UPDATE … FROM (VALUES …) RETURNING`,
    elsewhere one conditional update per clock. Returns the issue ids this caller claimed."""
    if not planned:
        return set()
    if connection.vendor != "postgresql":
        return {c.issue_id for c, step, next_at in planned if _claim(c, step, next_at, now)}
    table = IssueClock._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s::timestamptz, %s::timestamptz)"] * len(planned))
    params: list = []
    for clock, step, next_at in planned:
        params += [clock.issue_id, clock.kind, step, clock.deadline, next_at]
    sql = (
        f"UPDATE {table} AS c SET step = v.step, next_check_at = v.next_at, updated_at = %s "  # noqa: S608 - table name from model meta, values are parameters
        f"FROM (VALUES {rows}) AS v(issue_id, kind, step, deadline, next_at) "
        "WHERE c.issue_id = v.issue_id AND c.kind = v.kind AND c.deadline = v.deadline "
        "AND c.step < v.step RETURNING c.issue_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params])
        return {row[0] for row in cursor.fetchall()}


def _event_data(clock: IssueClock, step: int) -> dict:
    data = {"limit": clock.kind, "deadline": clock.deadline.isoformat(), "step": step}
    skipped = [STEP_EVENT[s][0] for s in range(clock.step + 1, step) if s in STEP_EVENT]
    if skipped:
        data["skipped"] = skipped  # e.g. the sweep did not run for days: only the top step
    return data


def _sweep_batch(ids, *, now, cal, people, result: SweepResult, limit) -> None:
    """The fast path: claim each due step, then write the batch's events and supervision levels
    in bulk through `issues.services.core.write_records` — the very function behind
    `issue_record_event` — and the notifications with one `notify_many`."""
    from notifications.services import notify_many

    planned: list[tuple[IssueClock, int, datetime | None]] = []
    for clock in _lock_due(ids, now=now, result=result):
        result.checked += 1
        step, next_at = _plan(clock, now=now, cal=cal)
        if step is None:  # nothing due after all (moved by a transition): re-aim the check
            IssueClock.objects.filter(issue_id=clock.issue_id, step=clock.step).update(
                next_check_at=next_at
            )
            continue
        if limit is not None and len(planned) >= limit:
            break
        planned.append((clock, step, next_at))
    claimed = _claim_many(planned, now)
    taken = [(clock, step) for clock, step, _next_at in planned if clock.issue_id in claimed]
    if not taken:
        return  # someone else took them
    events = workflow_core.write_records(
        [
            workflow_core.Record(
                issue=clock.issue,
                kind=STEP_EVENT[step][0],
                at=now,
                data=_event_data(clock, step),
                supervision_level=STEP_EVENT[step][2] if clock.kind != Kind.REVISIT else None,
            )
            for clock, step in taken
        ],
        actor=system_user(),
    )
    messages = []
    for (clock, step), event in zip(taken, events, strict=True):
        messages.append(
            _step_message(issue=clock.issue, clock=clock, step=step, event=event, people=people)
        )
        clock.step = step
        kind = STEP_EVENT[step][0]
        result.steps[kind] = result.steps.get(kind, 0) + 1
    notify_many(messages=messages)  # the batch's notifications and deliveries in bulk


def _sweep_one_by_one(ids, *, now, cal, people, result: SweepResult, limit) -> None:
    """The careful path (after a batch failed): each issue in its own savepoint, through the
    engine's `issue_record_event`."""
    taken = 0
    for clock in _lock_due(ids, now=now, result=SweepResult()):
        if limit is not None and taken >= limit:
            break
        step, next_at = _plan(clock, now=now, cal=cal)
        if step is None:
            continue
        try:
            with transaction.atomic():
                if take_step(
                    issue=clock.issue,
                    clock=clock,
                    step=step,
                    now=now,
                    next_at=next_at,
                    people=people,
                ):
                    taken += 1
                    kind = STEP_EVENT[step][0]
                    result.steps[kind] = result.steps.get(kind, 0) + 1
        except Exception:
            result.failed += 1
            logger.exception("supervision sweep failed for issue %s", clock.issue_id)


# --- Escalation on repetition -------------------------------------------------------------------


def escalate_if_repeated(*, issue: Issue, event: IssueEvent) -> bool:
    """Escalate at once (提级) after the 3rd rework or once 3 different units returned the issue.
    Listed in the workflow service's `ON_EVENT`: runs inside the transition's transaction.
    Once per issue: claimed with a conditional update of its clock row."""
    reason = None
    reworked = event.kind == "reopen" or (
        event.kind == "revisit" and event.to_state == State.IN_PROGRESS
    )
    if reworked and issue.rework_count >= REWORK_ESCALATION:
        reason = "reworks"
    elif event.kind == "return" and issue.returned_unit_count >= RETURN_ESCALATION:
        reason = "returns"
    if reason is None:
        return False
    IssueClock.objects.get_or_create(issue_id=issue.pk)
    if (
        IssueClock.objects.filter(issue_id=issue.pk, auto_escalated=False).update(
            auto_escalated=True
        )
        != 1
    ):
        return False
    from notifications.services import notify

    if reason == "reworks":
        body = _("该诉求已重办 %(n)s 次，企业仍不满意，提请包保领导协调。") % {
            "n": issue.rework_count
        }
    else:
        body = _("该诉求已被 %(n)s 个单位退回，提请包保领导协调确定承办单位。") % {
            "n": issue.returned_unit_count
        }
    record = issue_record_event(
        actor=system_user(),
        issue_id=issue.pk,
        kind="escalation",
        data={
            "reason": reason,
            "rework_count": issue.rework_count,
            "returned_unit_count": issue.returned_unit_count,
        },
        supervision_level=3,
        at=event.at,
    )
    issue.supervision_level = 3  # keep the caller's instance in step with the row
    people = _People()
    dispatchers = []
    if reason == "returns":
        from notifications.services import region_people

        dispatchers = list(region_people(region=issue.enterprise.region, roles=[Role.DISPATCHER]))
    notify(
        recipients=[*people.leaders(issue), *people.heads(issue), *dispatchers],
        kind="escalation",
        title=_("提级督办：%(issue)s") % {"issue": f"{issue.number}「{issue.title}」"},
        body=body,
        issue_id=issue.pk,
        source_type="issue_event",
        source_id=record.pk,
    )
    return True
