"""The issue (诉求) and its supporting units (DESIGN §5)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, Role, Unit
from accounts.scope import MATCH_NOTHING, Scope, scope_for
from crm.lib.urls import pk_url
from issues.models.catalogue import Category
from issues.workflow import (
    BEFORE_RESOLUTION,
    OPEN_STATES,
    PHASE_OF_STATE,
    Outcome,
    Phase,
    Satisfaction,
    State,
    states_in_phase,
)

# The open states (workflow.OPEN_STATES) as the partial indexes' conditions name them: a list in
# a fixed order, since a migration compares the conditions as written.
OPEN_STATE_NAMES = ["new", "dispatched", "returned", "in_progress", "waiting_enterprise", "review"]


class StateChangeOutsideWorkflow(RuntimeError):
    """`state` changes only through issues.services.issue_transition."""


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> IssueQuerySet:
        """Issues `user` may see (DESIGN §2):

        - dispatchers, leaders, administrators: the enterprise's region in their subtrees;
        - liaisons and responsible leaders: issues of their actively assigned enterprises, plus
          the issues they registered themselves;
        - unit staff: issues where their unit leads or supports;
        - enterprise users: the issues of their enterprises (the portal);
        - superusers: everything; anyone else: nothing.
        """
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        return self.filter(staff_q(scope) | enterprise_user_q(scope))

    def visible_parts(self, user) -> list[IssueQuerySet]:
        """`visible_to(user)` as querysets whose union it is, one per reason to see an issue
        (region, liaison assignment, registration, lead unit, supporting unit, enterprise
        membership). Each is a plain condition that an index serves, where their OR in
        `visible_to` is not; the issue list counts its rows as the union of these."""
        scope = scope_for(user)
        if scope.is_superuser:
            return [self.all()]
        if scope.user_id is None:
            return []
        return [self.filter(q) for q in [*staff_branches(scope), enterprise_user_q(scope)]]

    def staff_visible_to(self, user) -> IssueQuerySet:
        """The part of `visible_to` that sees an issue as government staff (internal events
        and comments included)."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        return self.filter(staff_q(scope))

    def open(self) -> IssueQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def in_phase(self, phase: str) -> IssueQuerySet:
        return self.filter(state__in=states_in_phase(Phase(phase)))

    def in_state(self, *states: str) -> IssueQuerySet:
        return self.filter(state__in=states)

    def overdue(self, now=None) -> IssueQuerySet:
        """Past a deadline that is still running: not acknowledged in time (dispatched), or not
        resolved in time (returned / in progress; the clock is paused while waiting for the
        enterprise), or not revisited in time (resolved)."""
        return self.filter(running_deadline_q(lt=now or timezone.now()))

    def for_unit(self, unit_ids) -> IssueQuerySet:
        """Issues where one of `unit_ids` leads or supports."""
        return self.filter(unit_q(unit_ids))

    def update(self, **kwargs):
        if "state" in kwargs:
            raise StateChangeOutsideWorkflow("use issues.services.issue_transition")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "state" in fields:
            raise StateChangeOutsideWorkflow("use issues.services.issue_transition")
        return super().bulk_update(objs, fields, batch_size=batch_size)


def running_deadline_q(**lookups) -> Q:
    """Issues whose running deadline matches `lookups` (e.g. lt=now, range=(a, b)): the
    acknowledge deadline while dispatched, the resolve deadline while returned or in progress
    (paused while waiting for the enterprise), the revisit deadline while resolved."""
    parts = [
        Q(state__in=states, **{f"{column}__{op}": value for op, value in lookups.items()})
        for states, column in (
            ([State.DISPATCHED], "ack_deadline"),
            ([State.RETURNED, State.IN_PROGRESS], "resolve_deadline"),
            ([State.RESOLVED], "revisit_deadline"),
        )
    ]
    return parts[0] | parts[1] | parts[2]


def running_deadline():
    """The deadline running in the issue's state, as an expression (None when none runs): the
    acknowledge deadline while dispatched, the resolve deadline while returned or in progress,
    the revisit deadline while resolved. The index issue_unit_urgent holds it: keep the two the
    same."""
    return Case(
        When(state=State.DISPATCHED, then=F("ack_deadline")),
        When(state__in=[State.RETURNED, State.IN_PROGRESS], then=F("resolve_deadline")),
        When(state=State.RESOLVED, then=F("revisit_deadline")),
        default=None,
    )


def warning_band_q(now) -> Q:
    """Issues inside the warning band of their running limit and not yet past it (the clock's
    `warn_at` is the start of the band). The issues in the band are one set the database builds
    once from the running clocks whose deadline is still ahead (the index
    issueclock_band_cover), not a join with every clock nor a probe per issue: the handler's
    home counts it over a unit's whole queue."""
    from issues.models.clock import IssueClock

    in_band = IssueClock.objects.filter(warn_at__lte=now, deadline__gt=now).exclude(kind="")
    return Q(pk__in=in_band.values("issue_id"))


def unit_q(unit_ids, prefix: str = "") -> Q:
    """Rows whose issue (reached through `prefix`, e.g. "issue__") is led or supported by one of
    `unit_ids`."""
    ids = list(unit_ids)
    if not ids:
        return MATCH_NOTHING
    lead, support = _unit_branches(ids, prefix)
    return lead | support


def _unit_branches(ids: list[int], prefix: str) -> tuple[Q, Q]:
    outer = f"{prefix}pk" if prefix else "pk"
    return (
        Q(**{f"{prefix}lead_unit_id__in": ids}),
        Q(Exists(IssueSupport.objects.filter(issue_id=OuterRef(outer), unit_id__in=ids))),
    )


def staff_branches(scope: Scope, prefix: str = "") -> list[Q]:
    """The reasons a member of staff sees an issue, one Q each (their OR is `staff_q`): the
    issue's region inside a subtree where they dispatch, lead or administer; an active liaison
    assignment to its enterprise; having registered it; their unit leading or supporting it."""
    from enterprises.models import LiaisonAssignment

    branches = []
    if scope.paths(Role.DISPATCHER, Role.LEADER, Role.ADMIN):
        branches.append(
            scope.region_id_q(f"{prefix}region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        )
    if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        branches.append(
            Q(
                Exists(
                    LiaisonAssignment.objects.active().filter(
                        enterprise_id=OuterRef(f"{prefix}enterprise_id"), person_id=scope.user_id
                    )
                )
            )
        )
    if scope.is_staff_member:
        branches.append(Q(**{f"{prefix}registered_by_id": scope.user_id}))
    unit_ids = list(scope.unit_ids())
    if unit_ids:
        branches.extend(_unit_branches(unit_ids, prefix))
    return branches


def staff_q(scope: Scope, prefix: str = "") -> Q:
    q = MATCH_NOTHING
    for branch in staff_branches(scope, prefix):
        q |= branch
    return q


def enterprise_user_q(scope: Scope, prefix: str = "") -> Q:
    from enterprises.models import EnterpriseMembership

    return Q(
        Exists(
            EnterpriseMembership.objects.filter(
                enterprise_id=OuterRef(f"{prefix}enterprise_id"),
                user_id=scope.user_id,
                is_active=True,
            )
        )
    )


class Source(models.TextChoices):
    VISIT = "visit", _("走访发现")
    PORTAL = "portal", _("企业网上提交")
    HOTLINE = "hotline_12345", _("12345 热线")
    BANCHENG = "bancheng", _("“办不成事”窗口")
    PHONE = "phone", _("电话反映")
    OTHER = "other", _("其他")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Via(models.TextChoices):
    WEB = "web", _("工作台")
    PORTAL = "portal", _("企业门户")
    VISIT = "visit", _("走访记录")
    API = "api", _("接口")
    IMPORT = "import", _("导入")


class Issue(models.Model):
    """An enterprise's need or problem, and its way through the closed loop.

    `state` is changed only by `issues.services.issue_transition` (the transition table is
    `issues.workflow.ACTIONS`); `IssueQuerySet.update(state=…)` raises. The time-limit fields
    (`*_deadline`, `paused_*`) are computed by the time-limits code
    (`issues.deadlines.plan_time_limits`) before the action's one save; `acknowledged_on_time` /
    `resolved_on_time` are set by the workflow service by comparing the moment of the transition
    with the deadline then in force.
    """

    Source = Source
    Priority = Priority
    Via = Via

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="issues",
    )
    # The enterprise's region, copied onto the issue so that "everything in a region subtree"
    # (dispatchers, leaders, the region filter) is one indexed condition on this table instead
    # of a join through the enterprise. A region id, not its path: moving a node of the tree
    # rewrites paths but never ids. Written by issue_register; enterprise_update rewrites it on
    # an enterprise's issues when the enterprise changes region.
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the composite indexes below
    )
    source = models.CharField(_("来源"), max_length=15, choices=Source.choices)
    registered_via = models.CharField(
        _("登记途径"), max_length=10, choices=Via.choices, default=Via.WEB
    )
    # The visit this issue was raised on. A plain integer until the visits app adds its model;
    # it may then become a ForeignKey over the same column.
    visit_id = models.BigIntegerField(_("走访记录"), null=True, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="issues"
    )
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("诉求内容"))
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.NEW)

    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_issues",
    )
    supporting_units = models.ManyToManyField(
        Unit,
        verbose_name=_("协办单位"),
        through="IssueSupport",
        blank=True,
        related_name="supported_issues",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_issues",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_issues",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="registered_issues",
    )

    # Counters.
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    returned_unit_ids = models.JSONField(_("退回过的单位"), default=list, blank=True)
    returned_unit_count = models.PositiveSmallIntegerField(_("退回单位数"), default=0)
    return_final = models.BooleanField(_("退回已终审"), default=False)
    rework_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    supervision_level = models.PositiveSmallIntegerField(
        _("督办级别"), default=0, validators=[MaxValueValidator(3)]
    )

    # The answer.
    outcome = models.CharField(_("办理结果"), max_length=15, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("释因说明"), blank=True)
    policy_basis = models.TextField(_("政策依据"), blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_issues",
    )

    # Timestamps for the cockpit.
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    first_resolved_at = models.DateTimeField(_("首次办结时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    revisited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("最近动态"), default=timezone.now)

    # Time limits (computed by the time-limits code).
    ack_deadline = models.DateTimeField(_("签收期限"), null=True, blank=True)
    resolve_deadline = models.DateTimeField(_("办理期限"), null=True, blank=True)
    revisit_deadline = models.DateTimeField(_("回访期限"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时于"), null=True, blank=True)
    paused_total = models.DurationField(_("累计暂停"), default=timedelta)
    # The same pauses counted in working time (the cockpit's resolution time excludes them).
    paused_business = models.DurationField(_("累计暂停（工作时间）"), default=timedelta)
    acknowledged_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    resolved_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)

    objects = IssueQuerySet.as_manager()
    # `region` is derived from the enterprise: an enterprise's move is not a change of its issues.
    history = HistoricalRecords(excluded_fields=["region"])

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-registered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="issue_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in Source]), name="issue_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["normal", "urgent"]), name="issue_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *[o.value for o in Outcome]]),
                name="issue_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__in=["", *[s.value for s in Satisfaction]]),
                name="issue_satisfaction_valid",
            ),
            models.CheckConstraint(
                condition=Q(supervision_level__lte=3), name="issue_supervision_level_range"
            ),
            models.CheckConstraint(
                condition=(Q(state="merged") & Q(merged_into__isnull=False))
                | (~Q(state="merged") & Q(merged_into__isnull=True)),
                name="issue_merged_iff_merged_into",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["new", "withdrawn", "merged"]) | Q(lead_unit__isnull=False),
                name="issue_dispatched_has_lead_unit",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="explained") | ~Q(outcome_reason=""),
                name="issue_explained_has_reason",
            ),
            models.UniqueConstraint(
                fields=["external_ref"],
                condition=~Q(external_ref=""),
                name="issue_external_ref_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "lead_unit"], name="issue_state_unit"),
            # The lists' reasons to see an issue, each with the state filter after it: a
            # region's issues (dispatchers, leaders) by state and recent activity, a lead
            # unit's (unit staff), a liaison's. The id last: the issue list counts the union
            # of its parts' ids (crm.lib.pagination), read from the index alone.
            models.Index(
                fields=["region", "state", "-last_activity_at", "id"],
                name="issue_region_state_activity",
            ),
            models.Index(fields=["lead_unit", "state", "id"], name="issue_unit_state"),
            models.Index(fields=["liaison", "state"], name="issue_liaison_state"),
            models.Index(fields=["enterprise", "-registered_at"], name="issue_enterprise_recent"),
            # The issue list's default order, with what its visibility filter reads: a deep
            # page's OFFSET is counted off this index alone, not off 10,000 wide rows.
            models.Index(
                fields=["-registered_at", "-id"],
                include=["region", "registered_by", "enterprise", "state"],
                name="issue_registered_cover",
            ),
            models.Index(fields=["category", "-registered_at"], name="issue_category_recent"),
            models.Index(
                fields=["lead_unit", "-registered_at"],
                condition=Q(state__in=OPEN_STATE_NAMES[1:]),
                name="issue_open_by_unit",
            ),
            models.Index(
                fields=["resolve_deadline"],
                condition=Q(state__in=["returned", "in_progress"]),
                name="issue_running_resolve_deadline",
            ),
            models.Index(
                fields=["ack_deadline"],
                condition=Q(state="dispatched"),
                name="issue_running_ack_deadline",
            ),
            # The cockpit's lists (overdue, escalated, reworked) of the issues still watched,
            # in the lists' order, with every column they count or filter by: read from the
            # index alone, in order, without visiting the wide rows.
            models.Index(
                fields=["-supervision_level", "registered_at", "id"],
                include=[
                    "region",
                    "state",
                    "ack_deadline",
                    "resolve_deadline",
                    "revisit_deadline",
                    "rework_count",
                    "lead_unit",
                    "category",
                    "liaison",
                    "enterprise",
                ],
                condition=Q(state__in=[*OPEN_STATE_NAMES, "resolved"]),
                name="issue_watch_order",
            ),
            # A unit's queue with what the handler's home and to-do count it by (who holds it,
            # the running deadlines): counted from the index alone, not from the wide rows —
            # a unit with 48,781 open issues counts them in 15 ms instead of 170.
            models.Index(
                fields=["lead_unit", "state"],
                include=["handler", "ack_deadline", "resolve_deadline", "revisit_deadline", "id"],
                condition=Q(state__in=["dispatched", "in_progress", "waiting_enterprise"]),
                name="issue_unit_queue",
            ),
            # The to-do's "new, to acknowledge" queue of a unit, oldest first: a few among a
            # unit's tens of thousands open, read in order (not filtered out of them).
            models.Index(
                fields=["lead_unit", "registered_at", "id"],
                condition=Q(state="dispatched"),
                name="issue_unit_new",
            ),
            # The handler's home lists the most urgent issues of a unit's queue: by the running
            # deadline (running_deadline), read in that order instead of sorting the queue.
            models.Index(
                F("lead_unit"),
                running_deadline(),
                F("registered_at"),
                F("id"),
                condition=Q(state__in=["dispatched", "in_progress", "waiting_enterprise"]),
                name="issue_unit_urgent",
            ),
            # The dispatcher's home counts the open 办不成事 and escalated issues of a region
            # (workbench.selectors.FLAGGED): a few hundred rows among tens of thousands open.
            models.Index(
                fields=["region"],
                condition=Q(state__in=OPEN_STATE_NAMES)
                & (Q(source="bancheng") | Q(supervision_level__gte=3)),
                name="issue_open_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return pk_url("issues:detail", self.pk)

    @property
    def number(self) -> str:
        """The human-readable number (诉求编号), e.g. SQ2026000123."""
        year = timezone.localtime(self.registered_at).year if self.registered_at else 0
        return f"SQ{year}{self.pk or 0:06d}"

    @property
    def phase(self) -> str:
        return PHASE_OF_STATE[self.state]

    def get_phase_display(self) -> str:
        return Phase(self.phase).label

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def before_resolution(self) -> bool:
        return self.state in BEFORE_RESOLUTION


class IssueSupport(models.Model):
    """A supporting unit (协办单位) of an issue."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="supports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="issue_supports"
    )
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")
        constraints = [
            models.UniqueConstraint(fields=["issue", "unit"], name="issue_support_unique"),
        ]
        indexes = [models.Index(fields=["unit", "issue"], name="issue_support_unit")]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.unit}"
