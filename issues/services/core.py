"""The one place that applies the transition table (DESIGN §5): `issue_transition`.

Every change of an issue's state — from the web pages, the portal, the API, imports, Celery —
goes through `apply_action` below, inside one transaction, on a row locked with
`SELECT … FOR UPDATE`, so two concurrent actions on the same issue cannot both win:

1. check the state, the person's right (`issues.workflow.can`) and the input — a
   `WorkflowError` (a ValidationError with a Chinese message) leaves everything unchanged;
2. mutate the issue (the action's handler in `issues.services.handlers`) and compute its time
   limits (`issues.deadlines.plan_time_limits`: deadlines set on the issue in memory);
3. `full_clean()` and save ONCE with the actor as history user: one simple-history row, which
   already holds the new state and deadlines (nothing edits a history row afterwards); then the
   clock row;
4. write exactly ONE `IssueEvent` (kind = the action);
5. call, in order, each collaborator declared in `ON_EVENT` below with (issue=, event=), still
   inside the transaction: escalation, notifications (who hears what) … A collaborator that
   raises rolls the whole action back; one that must act only once the change is durable
   queues its work with `transaction.on_commit` (as the notification outbox does).

Events that are not transitions (the supervision ladder's steps, escalations) are written by
`write_records` — through `issue_record_event` for one, by the supervision sweep for a batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from issues.deadlines import plan_time_limits
from issues.models import Issue, IssueEvent
from issues.workflow import ACTIONS, Action, Party, State, can

logger = logging.getLogger(__name__)

# --- What an action does besides its handler: THE declared list --------------------------------
#
# Every transition (register and its auto-dispatch included) runs, in this order:
#   the handler (issues.services.handlers.HANDLERS[action])
#   → issues.deadlines.plan_time_limits   (before the one save; called in apply_action)
#   → the one save, the clock row, the one IssueEvent
#   → each entry below, fn(issue=…, event=…), inside the action's transaction.
# To make actions do more, add one line here (a dotted path, imported on first use so the
# collaborators may import this module). Nothing is registered at run time.
ON_EVENT: tuple[str, ...] = (
    # 3rd rework / 3rd distinct returning unit → 提级 (writes an escalation event)
    "issues.supervision.escalate_if_repeated",
    # who hears what: issues.notices.WHO_HEARS_WHAT, through the notification outbox
    "issues.notices.notify_parties",
    # 办理结果回传: an external (12345) issue resolved / closed / returned → a signed webhook
    # to its integration, through the same outbox (api.callbacks)
    "api.callbacks.work_order_result_callback",
)


@cache
def _collaborator(path: str) -> Callable:
    return import_string(path)


class WorkflowError(ValidationError):
    """An action that is not possible: wrong state, no right, or bad input. Nothing changed."""


@dataclass
class Step:
    """One action being applied: what a handler gets and fills in."""

    actor: object
    issue: Issue
    action: Action
    data: dict
    now: datetime
    party: Party
    from_state: str = ""
    event_data: dict = field(default_factory=dict)
    # Work that needs the saved issue (related rows), run right after the save.
    after_save: list[Callable[[], None]] = field(default_factory=list)

    def text(self, name: str, *, required: bool = True, max_length: int = 4000) -> str:
        value = self.data.get(name)
        value = "" if value is None else str(value).strip()
        if required and not value:
            raise WorkflowError(_("请填写%(field)s。") % {"field": INPUT_LABELS.get(name, name)})
        if len(value) > max_length:
            raise WorkflowError(
                _("%(field)s不能超过 %(n)s 字。")
                % {"field": INPUT_LABELS.get(name, name), "n": max_length}
            )
        return value

    def choice(self, name: str, choices) -> str:
        value = str(self.data.get(name) or "")
        if value not in {str(c) for c in choices}:
            raise WorkflowError(
                _("请选择有效的%(field)s。") % {"field": INPUT_LABELS.get(name, name)}
            )
        return value


INPUT_LABELS = {
    "lead_unit": _("主办单位"),
    "supporting_units": _("协办单位"),
    "reason": _("理由"),
    "ruling": _("裁定结果"),
    "question": _("需要企业补充的内容"),
    "text": _("内容"),
    "visibility": _("可见范围"),
    "days": _("延期工作日"),
    "decision": _("审批意见"),
    "note": _("说明"),
    "outcome": _("办理结果"),
    "reply": _("答复意见"),
    "outcome_reason": _("释因说明"),
    "policy_basis": _("政策依据"),
    "satisfaction": _("满意度"),
    "comment": _("回访意见"),
    "into": _("合并目标诉求"),
    "handler": _("承办人"),
    "file": _("附件"),
    "is_public": _("企业可见"),
}


def lock_issue(issue_id: int) -> Issue:
    try:
        return (
            Issue.objects.select_for_update(of=("self",))
            .select_related("enterprise__region", "category", "lead_unit")
            .get(pk=issue_id)
        )
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise WorkflowError(_("诉求不存在。"), code="not_found") from None


def apply_action(
    *,
    actor,
    issue: Issue,
    action: Action,
    data: dict,
    now: datetime,
    check_permission: bool = True,
    backdated: bool = False,
) -> IssueEvent:
    """Apply `action` to a locked `issue`. Callers hold the transaction (see module doc)."""
    from issues.services.handlers import HANDLERS

    unknown = set(data) - set(action.requires) - set(action.optional)
    if unknown:
        raise WorkflowError(
            _("操作「%(action)s」不接受这些输入：%(names)s")
            % {"action": action.label, "names": ", ".join(sorted(unknown))}
        )
    party = Party(user=actor, issue=issue, now=now)
    if check_permission:
        ok, reason = can(action, party)
    else:  # the system acting on a rule (auto-dispatch): state and guard still apply
        ok, reason = (issue.state in action.sources), _("诉求当前状态不允许此操作。")
    if not ok:
        raise WorkflowError(reason, code="forbidden")

    step = Step(
        actor=actor,
        issue=issue,
        action=action,
        data=data,
        now=now,
        party=party,
        from_state=issue.state,
    )
    HANDLERS[action.name](step)
    to_state = action.target_state(issue, data) if action.changes_state else issue.state
    issue.state = to_state
    issue.last_activity_at = now
    clock = plan_time_limits(
        issue=issue, action=action.name, to_state=to_state, data=step.event_data, now=now
    )
    save_issue(issue, actor=actor, at=now if backdated else None)
    clock.save_clock()
    for fn in step.after_save:
        fn()
    event = IssueEvent.objects.create(
        issue=issue,
        kind=action.name,
        actor=actor,
        at=now,
        from_state=step.from_state,
        to_state=to_state,
        data=step.event_data,
        is_public=action.is_public(step.from_state, to_state, data),
    )
    run_on_event(issue, event)
    return event


# Foreign keys: their targets were loaded (and checked) by the handlers; the database enforces them.
_RELATIONS = [f.name for f in Issue._meta.concrete_fields if f.is_relation]


def save_issue(issue: Issue, *, actor, at: datetime | None = None) -> None:
    """Validate and save an issue once (one history row attributed to `actor`).

    Field validation runs in Python (`full_clean`); the model's check and unique constraints and
    the existence of related rows are left to the database — checking them in Python costs a
    query each (some twenty per action), and the handlers have already validated every input
    and loaded every related row — and a violation still surfaces as a WorkflowError with
    nothing saved."""
    try:
        issue.full_clean(exclude=_RELATIONS, validate_constraints=False)
    except ValidationError as exc:
        raise WorkflowError(exc.messages, code="invalid") from None
    issue._history_user = actor
    if at is not None:
        issue._history_date = at
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError as exc:
        logger.warning("issue %s violates a constraint: %s", issue.pk, exc)
        raise WorkflowError(_("数据不一致，操作未执行。"), code="integrity") from None


def run_on_event(issue: Issue, event: IssueEvent) -> None:
    """Call each collaborator of `ON_EVENT`, in order (inside the action's transaction)."""
    logger.debug("issue %s: %s (event %s)", issue.pk, event.kind, event.pk)
    for path in ON_EVENT:
        _collaborator(path)(issue=issue, event=event)


@transaction.atomic
def issue_transition(
    *, actor, issue_id: int, action: str, at: datetime | None = None, **data
) -> Issue:
    """Apply one action of the transition table (`issues.workflow.ACTIONS`) to an issue.

    Locks the issue row, checks state, permission and input (raising `WorkflowError` — nothing
    changes), mutates, computes its time limits, saves once (one history row attributed to
    `actor`, holding the new state and deadlines), writes exactly one `IssueEvent` (kind =
    `action`) and runs the collaborators of `ON_EVENT`.
    `data` is the action's input (see `Action.requires` / `Action.optional`).

    `at` backdates the action (event time, timestamps, history date); it exists for imports of
    historical work orders and the demo data — web views never pass it.
    """
    spec = ACTIONS.get(action)
    if spec is None or action == "register":
        raise WorkflowError(_("未知的操作。"), code="unknown_action")
    issue = lock_issue(issue_id)
    apply_action(
        actor=actor,
        issue=issue,
        action=spec,
        data=data,
        now=at or timezone.now(),
        backdated=at is not None,
    )
    return issue


@dataclass(frozen=True)
class Record:
    """One timeline event that is not a transition, for `write_records`."""

    issue: Issue  # locked by the caller
    kind: str
    at: datetime
    data: dict = field(default_factory=dict)
    is_public: bool = False
    supervision_level: int | None = None  # raise to (never lower); at most 3


def write_records(records: Sequence[Record], *, actor) -> list[IssueEvent]:
    """THE write of timeline events that are not transitions — `issue_record_event` writes one,
    the supervision sweep a batch: one event per record (from / to = the issue's current state,
    never a state change) and, for each issue whose supervision level rises, the new level with
    one history row attributed to `actor` — in bulk, a constant number of queries. Callers hold
    the transaction and the issues' row locks. Kinds of the transition table are refused."""
    for record in records:
        if record.kind in ACTIONS:
            raise WorkflowError(_("状态类操作必须通过办理流程执行。"), code="unknown_action")
    events = [
        IssueEvent(
            issue=r.issue,
            kind=r.kind,
            actor=actor,
            at=r.at,
            from_state=r.issue.state,
            to_state=r.issue.state,
            data=r.data,
            is_public=r.is_public,
        )
        for r in records
    ]
    IssueEvent.objects.bulk_create(events)
    raised: dict[int, Issue] = {}
    for r in records:
        level = r.supervision_level
        if level is not None and level > r.issue.supervision_level:
            r.issue.supervision_level = min(level, 3)
            raised[r.issue.pk] = r.issue
    if raised:
        from simple_history.utils import bulk_update_with_history

        bulk_update_with_history(
            list(raised.values()), Issue, ["supervision_level"], default_user=actor
        )
    for event in events:
        logger.debug("issue %s: %s (event %s)", event.issue_id, event.kind, event.pk)
    return events


@transaction.atomic
def issue_record_event(
    *,
    actor,
    issue_id: int,
    kind: str,
    data: dict | None = None,
    is_public: bool = False,
    supervision_level: int | None = None,
    at: datetime | None = None,
) -> IssueEvent:
    """Write a timeline event that is not a transition — the supervision ladder's warning /
    reminder / supervision / escalation, a deadline adjustment — optionally raising the
    supervision level (never lowering it). Never changes the state. Writes one event and, when
    the level changes, one history row (`write_records`, the sweep's batch write). Kinds of the
    transition table are refused."""
    if kind in ACTIONS:
        raise WorkflowError(_("状态类操作必须通过办理流程执行。"), code="unknown_action")
    issue = lock_issue(issue_id)
    record = Record(
        issue=issue,
        kind=kind,
        at=at or timezone.now(),
        data=data or {},
        is_public=is_public,
        supervision_level=supervision_level,
    )
    return write_records([record], actor=actor)[0]


__all__ = [
    "ON_EVENT",
    "Record",
    "State",
    "WorkflowError",
    "apply_action",
    "issue_record_event",
    "issue_transition",
    "lock_issue",
    "write_records",
]
