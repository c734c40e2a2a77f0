"""The issue closed loop (DESIGN §5): states, phases and THE transition table, as data.

Nothing here writes. `issues.services.issue_transition` is the only code that applies this table
(and the only code that changes `Issue.state`); the pages ask `issue_available_actions` which
actions to offer, which evaluates the same table. Each `Action` says:

- `sources`: the states it may start from;
- `target`: the state it leads to — a state, `None` (no state change), or a function of the
  issue and the input (resolve → review when the category requires it; revisit 不满意 →
  in_progress; review reject → in_progress);
- `allowed`: who may do it, a predicate over a `Party` (the person × the issue, computed from
  `accounts.scope`);
- `guard`: a further condition on the issue (reopen window, a pending extension …) returning the
  Chinese reason it is not possible now, or None;
- `requires` / `optional`: the input it takes (validated by the service's handler);
- `public`: whether the event it writes is shown on the enterprise's (public) timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import Scope, scope_for


class State(models.TextChoices):
    NEW = "new", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    RETURNED = "returned", _("退回待审")
    IN_PROGRESS = "in_progress", _("办理中")
    WAITING_ENTERPRISE = "waiting_enterprise", _("待企业补充")
    REVIEW = "review", _("办结待审")
    RESOLVED = "resolved", _("已办结待回访")
    CLOSED = "closed", _("已销号")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


class Phase(models.TextChoices):
    DISCOVER = "discover", _("发现问题")
    RESPOND = "respond", _("快速响应")
    FOLLOW_UP = "follow_up", _("跟踪问效")
    IMPROVE = "improve", _("优化提升")
    ENDED = "ended", _("已终止")


PHASE_OF_STATE: dict[str, str] = {
    State.NEW: Phase.DISCOVER,
    State.DISPATCHED: Phase.RESPOND,
    State.RETURNED: Phase.RESPOND,
    State.IN_PROGRESS: Phase.FOLLOW_UP,
    State.WAITING_ENTERPRISE: Phase.FOLLOW_UP,
    State.REVIEW: Phase.FOLLOW_UP,
    State.RESOLVED: Phase.FOLLOW_UP,
    State.CLOSED: Phase.IMPROVE,
    State.WITHDRAWN: Phase.ENDED,
    State.MERGED: Phase.ENDED,
}


def states_in_phase(phase: str) -> list[str]:
    return [s for s, p in PHASE_OF_STATE.items() if p == phase]


# Waiting for someone in government (the queues; time limits run except while waiting_enterprise).
OPEN_STATES = frozenset(
    {
        State.NEW,
        State.DISPATCHED,
        State.RETURNED,
        State.IN_PROGRESS,
        State.WAITING_ENTERPRISE,
        State.REVIEW,
    }
)
BEFORE_RESOLUTION = frozenset(
    {State.NEW, State.DISPATCHED, State.RETURNED, State.IN_PROGRESS, State.WAITING_ENTERPRISE}
)
ENDED_STATES = frozenset({State.WITHDRAWN, State.MERGED})
ALL_STATES = frozenset(State)


class Outcome(models.TextChoices):
    SOLVED = "solved", _("已解决")
    PARTLY_SOLVED = "partly_solved", _("部分解决")
    EXPLAINED = "explained", _("已释因")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


def reopen_window() -> timedelta:
    """How long after closure the enterprise may reopen (setting ISSUE_REOPEN_WINDOW_DAYS)."""
    return timedelta(days=getattr(settings, "ISSUE_REOPEN_WINDOW_DAYS", 30))


# --- Who is acting ----------------------------------------------------------------------------


@dataclass
class Party:
    """A person in relation to one issue. Each relation costs at most one query, asked lazily
    and once, so evaluating the whole table for a page stays cheap."""

    user: object
    issue: object
    now: datetime | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.user)

    @cached_property
    def is_system(self) -> bool:
        from accounts.services import SYSTEM_USERNAME

        return getattr(self.user, "username", None) == SYSTEM_USERNAME

    @cached_property
    def is_dispatcher(self) -> bool:
        return self.scope.user_id is not None and self.scope.covers_region(
            self.issue.enterprise.region, Role.DISPATCHER
        )

    @cached_property
    def covers_region(self) -> bool:
        """Dispatcher, leader or administrator of the enterprise's region (staff read access)."""
        return self.scope.user_id is not None and self.scope.covers_region(
            self.issue.enterprise.region, Role.DISPATCHER, Role.LEADER, Role.ADMIN
        )

    @cached_property
    def in_lead_unit(self) -> bool:
        lead = self.issue.lead_unit_id
        return lead is not None and lead in self.scope.unit_ids()

    @cached_property
    def is_unit_head(self) -> bool:
        lead = self.issue.lead_unit_id
        return lead is not None and lead in self.scope.unit_ids(Role.UNIT_HEAD)

    @cached_property
    def in_supporting_unit(self) -> bool:
        ids = self.scope.unit_ids()
        if not ids or self.issue.pk is None:
            return False
        from issues.models import IssueSupport

        return IssueSupport.objects.filter(issue_id=self.issue.pk, unit_id__in=ids).exists()

    @cached_property
    def is_liaison(self) -> bool:
        """The issue's liaison, or the enterprise's active liaison (after a handover)."""
        if self.scope.user_id is None:
            return False
        if self.issue.liaison_id == self.scope.user_id:
            return True
        return self._assigned(kinds=("liaison",))

    @cached_property
    def is_assigned_staff(self) -> bool:
        """Liaison or responsible leader (包保领导) of the enterprise."""
        return self.is_liaison or self._assigned(kinds=("leader",))

    def _assigned(self, *, kinds: tuple[str, ...]) -> bool:
        from enterprises.models import LiaisonAssignment

        return (
            LiaisonAssignment.objects.active()
            .filter(enterprise_id=self.issue.enterprise_id, person_id=self.scope.user_id)
            .filter(kind__in=kinds)
            .exists()
        )

    @cached_property
    def is_enterprise_user(self) -> bool:
        if self.scope.user_id is None:
            return False
        from enterprises.models import EnterpriseMembership

        return EnterpriseMembership.objects.filter(
            enterprise_id=self.issue.enterprise_id, user_id=self.scope.user_id, is_active=True
        ).exists()

    @cached_property
    def is_registrant(self) -> bool:
        return self.scope.user_id is not None and self.issue.registered_by_id == self.scope.user_id

    @cached_property
    def is_staff_side(self) -> bool:
        """Sees the issue as government staff: internal events and comments included."""
        return (
            self.scope.is_superuser
            or self.covers_region
            or self.in_lead_unit
            or self.in_supporting_unit
            or self.is_assigned_staff
            or (self.is_registrant and self.scope.is_staff_member)
        )

    @cached_property
    def is_participant(self) -> bool:
        return self.is_staff_side or self.is_enterprise_user


# Predicates used by the table (named so the pages and the docs can list them).
def dispatcher(p: Party) -> bool:
    return p.is_dispatcher


def lead_unit(p: Party) -> bool:
    return p.in_lead_unit


def unit_head(p: Party) -> bool:
    return p.is_unit_head


def enterprise_or_liaison(p: Party) -> bool:
    return p.is_enterprise_user or p.is_liaison


def enterprise(p: Party) -> bool:
    return p.is_enterprise_user


def enterprise_or_registrant(p: Party) -> bool:
    return p.is_enterprise_user or p.is_registrant


def revisit_staff(p: Party) -> bool:
    """The enterprise, its liaison or a dispatcher — never anyone in the lead unit, who would
    be rating their own work."""
    return (p.is_enterprise_user or p.is_liaison or p.is_dispatcher) and not p.in_lead_unit


def participant(p: Party) -> bool:
    return p.is_participant


# --- Guards -----------------------------------------------------------------------------------


def _return_not_final(p: Party) -> str | None:
    if p.issue.return_final:
        return _("派单员已裁定由本单位办理（终审），不能再次退回。")
    return None


def _no_pending_extension(p: Party) -> str | None:
    from issues.models import ExtensionRequest

    if ExtensionRequest.objects.filter(issue_id=p.issue.pk, status="pending").exists():
        return _("已有一份待审批的延期申请。")
    deadline = p.issue.resolve_deadline
    if deadline is not None and p.now is not None and p.now > deadline:
        return _("已超过办理时限，不能再申请延期。")
    return None


def _pending_extension(p: Party) -> str | None:
    from issues.models import ExtensionRequest

    if not ExtensionRequest.objects.filter(issue_id=p.issue.pk, status="pending").exists():
        return _("没有待审批的延期申请。")
    return None


def _within_reopen_window(p: Party) -> str | None:
    closed_at = p.issue.closed_at
    if closed_at is None or p.now is None or p.now - closed_at > reopen_window():
        return _("已超过销号后 %(days)s 天的重新办理期限。") % {"days": reopen_window().days}
    return None


# --- Targets ----------------------------------------------------------------------------------


def _resolve_target(issue, data: dict) -> str:
    return State.REVIEW if issue.category.requires_review else State.RESOLVED


def _review_target(issue, data: dict) -> str:
    return State.RESOLVED if data.get("decision") == "pass" else State.IN_PROGRESS


def _revisit_target(issue, data: dict) -> str:
    if data.get("satisfaction") == Satisfaction.DISSATISFIED:
        return State.IN_PROGRESS
    return State.CLOSED


def _public_when_resolved(from_state: str, to_state: str | None, data: dict) -> bool:
    return to_state == State.RESOLVED


def _public_when_comment_public(from_state: str, to_state: str | None, data: dict) -> bool:
    return data.get("visibility") == "public"


def _public_attachment(from_state: str, to_state: str | None, data: dict) -> bool:
    return bool(data.get("is_public"))


# --- The table --------------------------------------------------------------------------------

Target = str | Callable[[object, dict], str] | None
Publicity = bool | Callable[[str, str | None, dict], bool]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: Target
    allowed: Callable[[Party], bool]
    who: str
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    guard: Callable[[Party], str | None] | None = None
    public: Publicity = True

    def target_state(self, issue, data: dict) -> str | None:
        if callable(self.target):
            return self.target(issue, data)
        return self.target

    @property
    def changes_state(self) -> bool:
        return self.target is not None

    def is_public(self, from_state: str, to_state: str | None, data: dict) -> bool:
        if callable(self.public):
            return self.public(from_state, to_state, data)
        return self.public


_NOT_MERGED = ALL_STATES - {State.MERGED}
_WORKING = frozenset({State.IN_PROGRESS, State.WAITING_ENTERPRISE})

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # register is applied by issues.services.issue_register (it creates the issue).
        Action(
            "register",
            _("登记"),
            frozenset(),
            State.NEW,
            participant,
            "liaison, enterprise user, dispatcher, system (imports / API)",
        ),
        Action(
            "dispatch",
            _("派单"),
            frozenset({State.NEW}),
            State.DISPATCHED,
            dispatcher,
            "dispatcher",
            requires=("lead_unit",),
            optional=("supporting_units", "note"),
        ),
        Action(
            "acknowledge",
            _("签收"),
            frozenset({State.DISPATCHED}),
            State.IN_PROGRESS,
            lead_unit,
            "lead unit",
        ),
        Action(
            "return",
            _("退回"),
            frozenset({State.DISPATCHED}),
            State.RETURNED,
            lead_unit,
            "lead unit",
            requires=("reason",),
            guard=_return_not_final,
            public=False,
        ),
        Action(
            "rule_return",
            _("退回裁定"),
            frozenset({State.RETURNED}),
            State.DISPATCHED,
            dispatcher,
            "dispatcher (final)",
            requires=("ruling",),
            optional=("lead_unit", "supporting_units", "reason"),
            public=False,
        ),
        Action(
            "ask_enterprise",
            _("请企业补充"),
            frozenset({State.IN_PROGRESS}),
            State.WAITING_ENTERPRISE,
            lead_unit,
            "lead unit",
            requires=("question",),
        ),
        Action(
            "answer",
            _("补充材料"),
            frozenset({State.WAITING_ENTERPRISE}),
            State.IN_PROGRESS,
            enterprise_or_liaison,
            "enterprise user or liaison",
            requires=("text",),
        ),
        Action(
            "comment",
            _("留言"),
            _NOT_MERGED,
            None,
            participant,
            "anyone who takes part (enterprise users: public only)",
            requires=("text",),
            optional=("visibility",),
            public=_public_when_comment_public,
        ),
        Action(
            "attach",
            _("上传附件"),
            _NOT_MERGED,
            None,
            participant,
            "anyone who takes part (enterprise users: public only)",
            requires=("file",),
            optional=("is_public",),
            public=_public_attachment,
        ),
        Action(
            "progress_reply",
            _("阶段性答复"),
            _WORKING,
            None,
            lead_unit,
            "lead unit",
            requires=("text",),
        ),
        Action(
            "request_extension",
            _("申请延期"),
            _WORKING,
            None,
            lead_unit,
            "lead unit, before the deadline",
            requires=("days", "reason"),
            guard=_no_pending_extension,
            public=False,
        ),
        Action(
            "decide_extension",
            _("审批延期"),
            _WORKING,
            None,
            dispatcher,
            "dispatcher",
            requires=("decision",),
            optional=("note",),
            guard=_pending_extension,
            public=False,
        ),
        Action(
            "resolve",
            _("办结"),
            frozenset({State.IN_PROGRESS}),
            _resolve_target,
            lead_unit,
            "lead unit",
            requires=("outcome", "reply"),
            optional=("outcome_reason", "policy_basis"),
            public=_public_when_resolved,
        ),
        Action(
            "review",
            _("办结审核"),
            frozenset({State.REVIEW}),
            _review_target,
            dispatcher,
            "dispatcher",
            requires=("decision",),
            optional=("reason",),
            public=_public_when_resolved,
        ),
        Action(
            "revisit",
            _("回访"),
            frozenset({State.RESOLVED}),
            _revisit_target,
            revisit_staff,
            "enterprise user, liaison or dispatcher — never the lead unit",
            requires=("satisfaction",),
            optional=("comment",),
        ),
        Action(
            "reopen",
            _("重新办理"),
            frozenset({State.CLOSED}),
            State.IN_PROGRESS,
            enterprise,
            "enterprise user, within the window after closure",
            requires=("reason",),
            guard=_within_reopen_window,
        ),
        Action(
            "withdraw",
            _("撤回"),
            BEFORE_RESOLUTION,
            State.WITHDRAWN,
            enterprise_or_registrant,
            "enterprise user or registrant, before resolution",
            optional=("reason",),
        ),
        Action(
            "merge",
            _("合并"),
            BEFORE_RESOLUTION,
            State.MERGED,
            dispatcher,
            "dispatcher",
            requires=("into",),
            optional=("reason",),
        ),
        Action(
            "assign_handler",
            _("指定承办人"),
            frozenset({State.DISPATCHED, State.IN_PROGRESS, State.WAITING_ENTERPRISE}),
            None,
            unit_head,
            "unit head of the lead unit",
            requires=("handler",),
            public=False,
        ),
    )
}

TRANSITION_ACTIONS = tuple(name for name in ACTIONS if name != "register")


def can(action: Action, party: Party) -> tuple[bool, str | None]:
    """Whether `party` may take `action` on its issue now, and if not, the reason (Chinese)."""
    if party.issue.state not in action.sources:
        return False, _("诉求当前为「%(state)s」，不能%(action)s。") % {
            "state": State(party.issue.state).label,
            "action": action.label,
        }
    if not action.allowed(party):
        return False, _("您无权对此诉求执行「%(action)s」。") % {"action": action.label}
    if action.guard is not None:
        reason = action.guard(party)
        if reason:
            return False, reason
    return True, None
