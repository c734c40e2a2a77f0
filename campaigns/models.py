"""Campaigns (专项行动, DESIGN §9): a targeted action that is not a policy — 信用修复, a 融资对接会,
a safety check — over a chosen list of enterprises, each with its own status, reported the way the
seed district reported it: "已完成43家，占应完成企业的64%"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role, Unit
from accounts.scope import scope_for
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        """Campaigns `user` may open: dispatchers, leaders and administrators of the campaign's
        region (or above); the owner unit's staff; anybody with a visible target row."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        q = scope.region_q("region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        unit_ids = scope.unit_ids()
        if unit_ids:
            q |= Q(owner_unit_id__in=unit_ids)
        q |= Q(Exists(CampaignTarget.objects.visible_to(user).filter(campaign=OuterRef("pk"))))
        return self.filter(q)


class Campaign(models.Model):
    title = models.CharField(_("行动名称"), max_length=200)
    description = models.TextField(_("工作要求"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="campaigns"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("发起人所在辖区；该辖区的派单员、领导可查看全部企业。"),
    )
    deadline = models.DateField(_("完成时限"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        return self.deadline < timezone.localdate()


class CampaignTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignTargetQuerySet:
        """Target rows `user` may see: region roles over the enterprise's region; the owner
        unit's staff, every row of their campaigns; liaisons, their enterprises' rows;
        enterprise users, their own enterprise's rows."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        q = scope.region_q("enterprise__region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        unit_ids = scope.unit_ids()
        if unit_ids:
            q |= Q(campaign__owner_unit_id__in=unit_ids)
        if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
            q |= Q(
                Exists(
                    LiaisonAssignment.objects.active().filter(
                        enterprise=OuterRef("enterprise_id"), person_id=scope.user_id
                    )
                )
            )
        q |= Q(
            Exists(
                EnterpriseMembership.objects.filter(
                    enterprise=OuterRef("enterprise_id"), user_id=scope.user_id, is_active=True
                )
            )
        )
        return self.filter(q)

    def open(self) -> CampaignTargetQuerySet:
        return self.filter(status__in=CampaignTarget.OPEN)


class CampaignTarget(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待联系")
        CONTACTED = "contacted", _("已联系")
        DONE = "done", _("已完成")
        NOT_APPLICABLE = "not_applicable", _("不适用")

    OPEN = ("pending", "contacted")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项行动"), on_delete=models.CASCADE, related_name="targets"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="campaign_rows"
    )
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    objects = CampaignTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("行动企业")
        verbose_name_plural = _("行动企业")
        ordering = ["enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_target_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "contacted", "done", "not_applicable"]),
                name="campaign_target_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_applicable") | ~Q(note=""),
                name="campaign_target_not_applicable_has_note",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="campaign_target_status")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.enterprise}"
