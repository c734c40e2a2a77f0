"""Time limits on Chinese working days (DESIGN §6): the clocks the transition service starts,
moves, pauses and stops.

`plan_time_limits(...)` is called by the workflow service (`issues.services.core.apply_action`)
on the locked issue after the action's handler and BEFORE the action's one save, so the deadlines
are part of that save and of its one history row (nothing here saves the issue or touches
history); the clock row is written right after the save:

- dispatch, rule_return (→ dispatched): `ack_deadline` = the category's acknowledge limit
  from now;
- acknowledge: `resolve_deadline` = the resolve limit from the acknowledgement;
- return: the acknowledge clock stops (the dispatcher rules);
- ask_enterprise: the resolve clock pauses (`paused_at`, set by the workflow);
- answer: the business time paused is added back to `resolve_deadline` (`extend_deadline`);
- decide_extension (approve): `resolve_deadline` moves by N working days
  (`add_extension_days`);
- resolve / review pass (→ resolved): `revisit_deadline` = the revisit limit from now;
- resolve (→ review): no clock while the dispatcher reviews;
- revisit 不满意, reopen, review reject (rework): a new `resolve_deadline` from now (the 3rd
  rework, and the 3rd distinct returning unit, escalate: `issues.supervision.
  escalate_if_repeated`, listed in the service's `ON_EVENT`);
- revisit (→ closed), withdraw, merge: the clock stops.

Limits are read from the category (`ack_limit`/`ack_unit`, `resolve_*`, `revisit_*`,
`warning_band`) and counted on `workcalendar.selectors.get_work_calendar()`: whole working days
end at the close of business of the n-th working day after the start day; a fractional part of a
day, and hour limits, walk business hours. The resolve limit runs from the acknowledgement (the
unit cannot work on an issue it has not signed for; the acknowledge limit covers the time
before). A deadline in a year the calendar does not know is computed with weekends only and
logged as a warning — it never fails the transition.

The workflow compares the transition time with the deadline in force to set
`acknowledged_on_time` / `resolved_on_time`; since pauses and extensions move `resolve_deadline`
here as they happen, that comparison is pause-adjusted and extension-aware.

The sweep's bookkeeping (`IssueClock`: the running limit, its warning time, the ladder step and
the next time to look) is kept in step here; see `issues.supervision`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from issues.models import Category, Issue, IssueClock, IssueEvent, LimitUnit
from issues.workflow import State
from workcalendar.selectors import get_work_calendar, warn_if_unknown
from workcalendar.worktime import (
    WorkCalendar,
    add_extension_days,
    add_working_days,
    add_working_hours,
    extend_deadline,
    warning_start,
    working_time_between,
)

logger = logging.getLogger(__name__)

Kind = IssueClock.Kind
Step = IssueClock.Step

# Issue fields this module writes.
DEADLINE_FIELDS = ("ack_deadline", "resolve_deadline", "revisit_deadline")

REWORK_ESCALATION = 3  # reworks (重办) before the issue is escalated
RETURN_ESCALATION = 3  # distinct units that returned it before the issue is escalated


def supervision_notice_days() -> int:
    """Overdue working days before the dispatcher's supervision notice (督办)."""
    return int(getattr(settings, "ISSUE_SUPERVISION_NOTICE_DAYS", 2))


def escalation_days() -> int:
    """Overdue working days before escalation (提级) to the responsible leader."""
    return int(getattr(settings, "ISSUE_ESCALATION_DAYS", 5))


# --- Arithmetic -------------------------------------------------------------------------------


def limit_deadline(cal: WorkCalendar, start: datetime, amount: Decimal, unit: str) -> datetime:
    """The deadline of a limit of `amount` working days or hours from `start`.

    Whole days: close of business of the n-th working day after the start day (0 = today, or the
    next working day after hours). A fractional day (1.5) adds that part of a business day in
    business hours after it."""
    amount = Decimal(amount)
    if unit == LimitUnit.WORKING_HOURS:
        return add_working_hours(cal, start, amount)
    whole = int(amount)
    deadline = add_working_days(cal, start, whole)
    fraction = amount - whole
    if fraction:
        deadline = add_working_hours(cal, deadline, cal.business_day_length * float(fraction))
    return deadline


def overdue_point(cal: WorkCalendar, deadline: datetime, days: int) -> datetime:
    """The moment an issue has been overdue for `days` working days (business time)."""
    return extend_deadline(cal, deadline, cal.business_day_length * days)


def step_times(cal: WorkCalendar, clock: IssueClock) -> dict[int, datetime]:
    """When each ladder step of the running limit falls due.

    The unit's limits (acknowledge, resolve) climb the whole ladder: warning at `warn_at`,
    reminder at the deadline, supervision notice after N overdue working days, escalation after
    M. The revisit limit has one step: a reminder to the liaison at the deadline."""
    if clock.deadline is None or clock.kind == Kind.NONE:
        return {}
    if clock.kind == Kind.REVISIT:
        return {Step.REMINDER: clock.deadline}
    times = {Step.REMINDER: clock.deadline}
    if clock.warn_at is not None and clock.warn_at < clock.deadline:
        times[Step.WARNING] = clock.warn_at
    times[Step.SUPERVISION] = overdue_point(cal, clock.deadline, supervision_notice_days())
    times[Step.ESCALATION] = overdue_point(cal, clock.deadline, escalation_days())
    return times


def next_check(cal: WorkCalendar, clock: IssueClock, *, paused: bool = False) -> datetime | None:
    """When the sweep must look at this clock again: the earliest step not yet taken."""
    if paused:
        return None
    later = [at for step, at in step_times(cal, clock).items() if step > clock.step]
    return min(later) if later else None


def due_step(cal: WorkCalendar, clock: IssueClock, now: datetime) -> int | None:
    """The highest ladder step not yet taken whose time has come, or None."""
    due = [step for step, at in step_times(cal, clock).items() if step > clock.step and at <= now]
    return max(due) if due else None


def deadline_status(
    issue: Issue, now: datetime | None = None, *, cal: WorkCalendar | None = None
) -> str | None:
    """The colour of the issue's running deadline for pages and lists: "overdue" past it,
    "warning" inside the category's warning band, "ok" before, None when no clock runs
    (new, returned, in review, closed …) or while waiting for the enterprise (paused).

    In lists, `select_related("category", "clock")`: the clock's warning point (exact after
    pauses, extensions and reworks) is used when present; otherwise it is computed from the
    limit's start on the calendar — fetch that once (`get_work_calendar()`) and pass it as `cal`.
    Either way no query per issue."""
    now = now or timezone.now()
    if issue.state == State.DISPATCHED:
        deadline, start = issue.ack_deadline, issue.dispatched_at
    elif issue.state == State.IN_PROGRESS:
        deadline, start = issue.resolve_deadline, issue.acknowledged_at
    elif issue.state == State.RESOLVED:
        deadline, start = issue.revisit_deadline, issue.resolved_at
    else:
        return None
    if deadline is None:
        return None
    if now > deadline:
        return "overdue"
    clock = issue._state.fields_cache.get("clock")  # when the list selected it
    if clock is not None and clock.deadline == deadline and clock.warn_at is not None:
        return "warning" if now >= clock.warn_at else "ok"
    if start is None:
        return "ok"
    band = issue.category.warning_band
    warn_at = warning_start(cal or get_work_calendar(), min(start, deadline), deadline, band)
    return "warning" if now >= warn_at else "ok"


# --- Planning an action's time limits -----------------------------------------------------


class _Change:
    """What an action does to the time limits: the issue's deadline fields, set in memory
    BEFORE the action's one save (so that save and its one history row hold them), and the
    clock row, written after it (`save_clock`)."""

    def __init__(
        self, cal: WorkCalendar, issue: Issue, *, kind: str, to_state: str, data: dict, now
    ) -> None:
        self.cal = cal
        self.issue = issue
        self.kind = kind
        self.to_state = to_state
        self.data = data
        self.now = now
        self.clock: IssueClock | None = None
        self.clock_dirty = False

    def load_clock(self) -> IssueClock:
        if self.clock is None:
            self.clock = IssueClock.objects.filter(issue_id=self.issue.pk).first() or IssueClock(
                issue_id=self.issue.pk
            )
        return self.clock

    def set(self, name: str, value) -> None:
        setattr(self.issue, name, value)

    def start(self, kind: str, amount: Decimal, unit: str, field: str) -> None:
        deadline = limit_deadline(self.cal, self.now, amount, unit)
        warn_if_unknown(self.cal, self.now, deadline)
        self.set(field, deadline)
        clock = self.load_clock()
        clock.kind = kind
        clock.started_at = self.now
        clock.deadline = deadline
        clock.warn_at = warning_start(
            self.cal, self.now, deadline, self.issue.category.warning_band
        )
        clock.step = Step.NONE
        clock.next_check_at = next_check(self.cal, clock)
        self.clock_dirty = True

    def stop(self) -> None:
        clock = self.load_clock()
        if clock._state.adding:
            return  # never had a clock: nothing to stop
        clock.kind = Kind.NONE
        clock.started_at = clock.deadline = clock.warn_at = clock.next_check_at = None
        clock.step = Step.NONE
        self.clock_dirty = True

    def move_resolve_deadline(self, new_deadline: datetime, shift: Callable) -> None:
        """Move the running resolve limit to `new_deadline`; `shift` moves the warning point
        by the same business time. The ladder re-arms: a limit pushed back out of the warning
        band will warn again, one still inside it stays warned."""
        old = self.issue.resolve_deadline
        warn_if_unknown(self.cal, old or self.now, new_deadline)
        self.set("resolve_deadline", new_deadline)
        clock = self.load_clock()
        if clock.kind != Kind.RESOLVE:
            return
        clock.deadline = new_deadline
        if clock.warn_at is not None:
            clock.warn_at = shift(clock.warn_at)
        if self.now < (clock.warn_at or new_deadline):
            clock.step = Step.NONE
        else:
            clock.step = min(clock.step, Step.WARNING)
        clock.next_check_at = next_check(
            self.cal, clock, paused=self.issue.state == State.WAITING_ENTERPRISE
        )
        self.clock_dirty = True

    def save_clock(self) -> None:
        """Write the clock row (after the issue's save: it points at the issue)."""
        if self.clock_dirty:
            self.clock.save()
            self.clock_dirty = False


class _NoChange:
    def save_clock(self) -> None:
        pass


def _category(issue: Issue) -> Category:
    return issue.category


def _start_ack(c: _Change) -> None:
    cat = _category(c.issue)
    c.start(Kind.ACK, cat.ack_limit, cat.ack_unit, "ack_deadline")
    c.set("resolve_deadline", None)
    c.set("revisit_deadline", None)


def _start_resolve(c: _Change) -> None:
    cat = _category(c.issue)
    c.start(Kind.RESOLVE, cat.resolve_limit, cat.resolve_unit, "resolve_deadline")
    c.set("revisit_deadline", None)


def _start_revisit(c: _Change) -> None:
    cat = _category(c.issue)
    c.start(Kind.REVISIT, cat.revisit_limit, cat.revisit_unit, "revisit_deadline")


def _pause(c: _Change) -> None:
    clock = c.load_clock()
    if clock.next_check_at is not None:
        clock.next_check_at = None
        c.clock_dirty = True


def _resume(c: _Change) -> None:
    """Add the business time spent waiting for the enterprise back to the resolve limit."""
    pause_started = (
        IssueEvent.objects.filter(issue_id=c.issue.pk, kind="ask_enterprise", at__lte=c.now)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    if pause_started is None:  # paused outside the workflow: fall back to the action's figure
        pause_started = c.now - timedelta(seconds=c.data.get("paused_seconds", 0))
    paused = working_time_between(c.cal, pause_started, c.now)
    deadline = c.issue.resolve_deadline
    if deadline is None:
        return
    c.move_resolve_deadline(
        extend_deadline(c.cal, deadline, paused),
        lambda at: extend_deadline(c.cal, at, paused),
    )


def _extension(c: _Change) -> None:
    if c.data.get("decision") != "approve":
        return
    deadline = c.issue.resolve_deadline
    if deadline is None:
        return
    days = int(c.data.get("days") or 0)
    new_deadline = add_extension_days(c.cal, deadline, days)
    added = working_time_between(c.cal, deadline, new_deadline)
    c.move_resolve_deadline(new_deadline, lambda at: extend_deadline(c.cal, at, added))


def _dispatched(c: _Change) -> None:
    if c.to_state == State.DISPATCHED:
        _start_ack(c)


def _returned(c: _Change) -> None:
    c.stop()


def _resolved(c: _Change) -> None:
    if c.to_state == State.RESOLVED:
        _start_revisit(c)
    elif c.to_state == State.IN_PROGRESS:  # review reject: do it again
        _start_resolve(c)
    else:
        c.stop()


def _revisited(c: _Change) -> None:
    if c.to_state == State.IN_PROGRESS:
        _start_resolve(c)
    else:
        c.stop()


_EFFECTS: dict[str, Callable[[_Change], None]] = {
    "dispatch": _dispatched,
    "rule_return": _dispatched,
    "acknowledge": _start_resolve,
    "return": _returned,
    "ask_enterprise": _pause,
    "answer": _resume,
    "decide_extension": _extension,
    "resolve": _resolved,
    "review": _resolved,
    "revisit": _revisited,
    "reopen": _start_resolve,
    "withdraw": _returned,
    "merge": _returned,
}


def plan_time_limits(
    *, issue: Issue, action: str, to_state: str, data: dict, now: datetime
) -> _Change | _NoChange:
    """Start, move, pause or stop the issue's clock for `action` (see the module doc).

    Called by the workflow service on the locked issue AFTER the action's handler has mutated
    it and BEFORE its one save: the deadlines are set on `issue` in memory, so the save — and
    its one history row, attributed to the actor — already holds them. `data` is the action's
    event data. Returns the change, whose `save_clock()` the service calls after the save."""
    effect = _EFFECTS.get(action)
    if effect is None:
        return _NoChange()
    change = _Change(get_work_calendar(), issue, kind=action, to_state=to_state, data=data, now=now)
    effect(change)
    return change
