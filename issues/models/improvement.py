"""Improve (优化提升): from solving one case to solving a class of cases (DESIGN §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, Role, Unit
from accounts.scope import scope_for
from issues.models.issue import Issue


class ImprovementActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImprovementActionQuerySet:
        """Dispatchers, leaders and administrators: actions of regions in their subtrees; unit
        staff: actions their unit owns; anyone: the actions they proposed."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        q = scope.region_q("region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        q |= Q(created_by_id=scope.user_id)
        unit_ids = scope.unit_ids()
        if unit_ids:
            q |= Q(owner_unit_id__in=unit_ids)
        return self.filter(q)


class ImprovementAction(models.Model):
    class Kind(models.TextChoices):
        POLICY_CHANGE = "policy_change", _("政策完善")
        PROCESS_SIMPLIFICATION = "process_simplification", _("流程简化")
        KNOWLEDGE_ARTICLE = "knowledge_article", _("知识库文章")
        SYSTEMIC_FIX = "systemic_fix", _("系统性整改")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("已提出")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    # status -> the statuses it may move to
    STATUS_FLOW = {
        Status.PROPOSED: frozenset({Status.IN_PROGRESS, Status.DONE}),
        Status.IN_PROGRESS: frozenset({Status.DONE}),
        Status.DONE: frozenset(),
    }

    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("类型"), max_length=25, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        help_text=_("事项所属的辖区：该辖区的派单员和领导可以看到并推进它。"),
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
    )
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.PROPOSED
    )
    issues = models.ManyToManyField(
        Issue, verbose_name=_("关联诉求"), blank=True, related_name="improvement_actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImprovementActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[issues])

    class Meta:
        verbose_name = _("优化提升事项")
        verbose_name_plural = _("优化提升事项")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "policy_change",
                        "process_simplification",
                        "knowledge_article",
                        "systemic_fix",
                    ]
                ),
                name="improvement_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "in_progress", "done"]),
                name="improvement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | ~Q(status="done"),
                name="improvement_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.STATUS_FLOW[self.Status(self.status)]
