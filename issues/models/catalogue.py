"""The catalogue of issue categories (诉求分类) and routing rules (DESIGN §5, §6)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, Unit


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    WORKING_HOURS = "working_hours", _("工作小时")


_LIMIT = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class CategoryQuerySet(models.QuerySet):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)

    def leaves(self) -> CategoryQuerySet:
        """Categories an issue can be filed under: second level, or a first level without
        children."""
        return self.filter(Q(parent__isnull=False) | Q(children__isnull=True)).distinct()


class Category(models.Model):
    """Two levels: 要素保障 → 用工. Each carries its time limits (read by the time-limits code:
    `ack_*` to acknowledge, `resolve_*` to resolve, `revisit_*` to revisit after resolution,
    `warning_band` = the last fraction of a limit that triggers a warning) and whether a
    resolution needs the dispatcher's review (办结审核)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(_("编码"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    requires_review = models.BooleanField(_("办结需审核"), default=False)
    ack_limit = models.DecimalField(_("签收时限"), default=Decimal("1"), **_LIMIT)
    ack_unit = models.CharField(
        _("签收时限单位"), max_length=15, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    resolve_limit = models.DecimalField(_("办理时限"), default=Decimal("5"), **_LIMIT)
    resolve_unit = models.CharField(
        _("办理时限单位"), max_length=15, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    revisit_limit = models.DecimalField(_("回访时限"), default=Decimal("2"), **_LIMIT)
    revisit_unit = models.CharField(
        _("回访时限单位"), max_length=15, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    warning_band = models.DecimalField(
        _("预警区间"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("时限最后多大比例进入预警，例如 0.2 表示最后 20%。"),
    )

    objects = CategoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ack_unit__in=["working_days", "working_hours"])
                & Q(resolve_unit__in=["working_days", "working_hours"])
                & Q(revisit_unit__in=["working_days", "working_hours"]),
                name="category_limit_units_valid",
            ),
            models.CheckConstraint(
                condition=Q(warning_band__gte=0, warning_band__lte=1),
                name="category_warning_band_fraction",
            ),
            models.CheckConstraint(
                condition=Q(ack_limit__gte=0, resolve_limit__gte=0, revisit_limit__gte=0),
                name="category_limits_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.name, self.parent.name if self.parent_id else None)

    NAME_COLUMNS = ("name", "parent__name")

    @staticmethod
    def name_of(name: str, parent_name: str | None) -> str:
        return f"{parent_name} / {name}" if parent_name else name

    def clean(self) -> None:
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("不能以自己为上级分类。")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("分类只有两级：上级分类必须是一级分类。")})


class RoutingRule(models.Model):
    """Category × region → the default lead unit (and supporting units).

    For an enterprise, the rule of the most specific region on its path to the root wins (a rule
    for 城关街道 beats one for 江南区); a rule of the exact category beats one of its parent."""

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("协办单位"), blank=True, related_name="supporting_routing_rules"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords(m2m_fields=[supporting_units])

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="routing_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.region} → {self.lead_unit}"
