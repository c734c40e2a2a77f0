"""The one place that applies the transition table (DESIGN §5): `issue_transition`.

Every change of an issue's state — from the web pages, the portal, the API, imports, Celery —
goes through `apply_action` below, inside one transaction, on a row locked with
`SELECT … FOR UPDATE`, so two concurrent actions on the same issue cannot both win:

1. check the state, the person's right (`issues.workflow.can`) and the input — a
   `WorkflowError` (a ValidationError with a Chinese message) leaves everything unchanged;
2. mutate the issue (the action's handler in `issues.services.handlers`), `full_clean()`, save
   once with the actor as history user (one simple-history row);
3. write exactly ONE `IssueEvent` (kind = the action);
4. call every function in `TRANSITION_HOOKS` with (issue, event), still inside the transaction —
   this is how the time-limits code computes deadlines and how notifications are written to the
   outbox in the same transaction. A hook that changes the issue saves it itself (with
   `_history_user`); a hook that raises rolls the whole action back;
5. after commit, call every function in `AFTER_COMMIT_HOOKS` with (issue_id, event_id) — for
   work that must only happen once the change is durable (queueing Celery tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from issues.models import Issue, IssueEvent
from issues.workflow import ACTIONS, Action, Party, State, can

logger = logging.getLogger(__name__)

# fn(issue, event) -> None, called inside the transaction after the event is written.
TRANSITION_HOOKS: list[Callable[[Issue, IssueEvent], None]] = []
# fn(issue_id, event_id) -> None, called after the transaction commits.
AFTER_COMMIT_HOOKS: list[Callable[[int, int], None]] = []


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
    save_issue(issue, actor=actor, at=now if backdated else None)
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
    run_hooks(issue, event)
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


def run_hooks(issue: Issue, event: IssueEvent) -> None:
    for hook in list(TRANSITION_HOOKS):
        hook(issue, event)
    transaction.on_commit(partial(_after_commit, issue.pk, event.pk, event.kind))


def _after_commit(issue_id: int, event_id: int, kind: str) -> None:
    logger.debug("issue %s: %s (event %s)", issue_id, kind, event_id)
    for hook in list(AFTER_COMMIT_HOOKS):
        try:
            hook(issue_id, event_id)
        except Exception:  # the change is committed; a failing side effect must not hide it
            logger.exception("after-commit hook %r failed for issue %s", hook, issue_id)


@transaction.atomic
def issue_transition(
    *, actor, issue_id: int, action: str, at: datetime | None = None, **data
) -> Issue:
    """Apply one action of the transition table (`issues.workflow.ACTIONS`) to an issue.

    Locks the issue row, checks state, permission and input (raising `WorkflowError` — nothing
    changes), mutates, saves once (one history row attributed to `actor`), writes exactly one
    `IssueEvent` (kind = `action`), runs `TRANSITION_HOOKS` and queues `AFTER_COMMIT_HOOKS`.
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
    the level changes, one history row. Kinds of the transition table are refused."""
    if kind in ACTIONS:
        raise WorkflowError(_("状态类操作必须通过办理流程执行。"), code="unknown_action")
    issue = lock_issue(issue_id)
    now = at or timezone.now()
    if supervision_level is not None and supervision_level > issue.supervision_level:
        issue.supervision_level = min(supervision_level, 3)
        issue.full_clean()
        issue._history_user = actor
        issue.save(update_fields=["supervision_level"])
    event = IssueEvent.objects.create(
        issue=issue,
        kind=kind,
        actor=actor,
        at=now,
        from_state=issue.state,
        to_state=issue.state,
        data=data or {},
        is_public=is_public,
    )
    transaction.on_commit(partial(_after_commit, issue.pk, event.pk, kind))
    return event


__all__ = [
    "AFTER_COMMIT_HOOKS",
    "TRANSITION_HOOKS",
    "State",
    "WorkflowError",
    "apply_action",
    "issue_record_event",
    "issue_transition",
    "lock_issue",
]
