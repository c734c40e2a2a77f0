"""Enterprises, their contacts and their one-on-one liaisons (DESIGN §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Region, Role
from accounts.scope import BranchVisibility
from crm.lib.plugins import plugins
from crm.lib.urls import pk_url
from enterprises.validators import validate_credit_code


class Sector(models.TextChoices):
    """The five statistical sectors of the demo and the cockpit ("服务5大行业"), plus 其他.

    GB/T 4754-2017 门类 map onto them in `enterprises.industries.SECTOR_OF_SECTION`:
    工业 B, C, D; 建筑业 E; 批零餐饮业 F, H; 房地产业 K; 服务业 G, I, J, L–T. Agriculture (A) is
    none of the five in the statistics offices' usage, so it is counted as 其他（农业）.
    """

    INDUSTRY = "industry", _("工业")
    CONSTRUCTION = "construction", _("建筑业")
    TRADE_CATERING = "trade_catering", _("批零餐饮业")
    REAL_ESTATE = "real_estate", _("房地产业")
    SERVICES = "services", _("服务业")
    OTHER = "other", _("其他（农业）")


class Industry(models.Model):
    """GB/T 4754-2017: 门类 (one letter, A–T) and optionally 大类 (two digits) under it."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("门类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    sector = models.CharField(
        _("统计行业"), max_length=20, choices=Sector.choices, default=Sector.OTHER
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sector__in=[s.value for s in Sector]), name="industry_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.code, self.name)

    NAME_COLUMNS = ("code", "name")

    @staticmethod
    def name_of(code: str, name: str) -> str:
        return f"{code} {name}"


class Tag(models.Model):
    """An editable taxonomy of enterprise labels (专精特新, 四上企业, 高新技术企业, 重点企业 …)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(BranchVisibility, models.QuerySet):
    def visible_branches(self, scope) -> list[Q]:
        """Why a person sees an enterprise (DESIGN §2), one Q each (`visible_to` is their OR):

        - dispatchers, leaders and administrators: everything in their region subtrees;
        - liaisons and responsible leaders: the enterprises actively assigned to them;
        - enterprise users: the enterprises they are bound to;
        - unit staff: enterprises with an issue where their unit leads or supports
          (the rules listed in the setting `QINQING_UNIT_ENTERPRISE_VISIBILITY`: the issues
          app's, which this app cannot import).
        """
        branches = []
        if scope.paths(Role.DISPATCHER, Role.LEADER, Role.ADMIN):
            branches.append(scope.region_q("region", Role.DISPATCHER, Role.LEADER, Role.ADMIN))
        if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
            branches.append(
                Q(
                    Exists(
                        LiaisonAssignment.objects.active().filter(
                            enterprise=OuterRef("pk"), person_id=scope.user_id
                        )
                    )
                )
            )
        branches.append(
            Q(
                Exists(
                    EnterpriseMembership.objects.filter(
                        enterprise=OuterRef("pk"), user_id=scope.user_id, is_active=True
                    )
                )
            )
        )
        unit_ids = scope.unit_ids()
        if unit_ids:
            branches += [rule(unit_ids) for rule in plugins("QINQING_UNIT_ENTERPRISE_VISIBILITY")]
        return branches

    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=Enterprise.Status.ACTIVE)


class Enterprise(models.Model):
    class Scale(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        DEREGISTERED = "deregistered", _("注销")

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    scale = models.CharField(_("规模"), max_length=10, choices=Scale.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="+")
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.ACTIVE
    )
    visit_frequency_days = models.PositiveSmallIntegerField(_("走访频次（天）"), default=30)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__in=["", "large", "medium", "small", "micro"]),
                name="enterprise_scale_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "deregistered"]),
                name="enterprise_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(visit_frequency_days__gte=1), name="enterprise_visit_frequency_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("enterprises:detail", self.pk)


class Contact(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LiaisonAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class LiaisonAssignment(models.Model):
    """Enterprise × person × role (liaison | leader), from / to: the "dual responsibility"."""

    class Kind(models.TextChoices):
        LIAISON = "liaison", _("联络员")
        LEADER = "leader", _("包保领导")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    kind = models.CharField(_("包保类型"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    handover_note = models.TextField(_("交接说明"), blank=True)

    objects = LiaisonAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("包保关系")
        verbose_name_plural = _("包保关系")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_active_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["liaison", "leader"]), name="assignment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "enterprise"],
                condition=Q(ended_on__isnull=True),
                name="assignment_active_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()} · {self.person}"


class EnterpriseMembership(models.Model):
    """An enterprise user bound to an enterprise (the portal's "my enterprises")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业用户"),
        on_delete=models.CASCADE,
        related_name="enterprise_memberships",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业用户绑定")
        verbose_name_plural = _("企业用户绑定")
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="membership_user_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"


class ImportJob(models.Model):
    """One upload of the enterprise ledger (企业台账): its dry-run result, then its import.

    uploaded (dry run found no error, waiting for the person to confirm) | invalid (errors, nothing
    written) → queued (large files, waiting for the Celery worker) → running → done | failed.
    The file itself lives under MEDIA_ROOT, which is never served directly.
    """

    class Status(models.TextChoices):
        INVALID = "invalid", _("校验未通过")
        UPLOADED = "uploaded", _("待确认导入")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导入失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="enterprise_imports",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # kept only for files that passed the dry run (the import reads it again)
    file = models.FileField(_("文件"), upload_to="imports/enterprises/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    # [{"row": 3, "column": "统一社会信用代码", "message": "…"}], row 0 for file-level errors
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # the dry run's summary: {"create": n, "update": n, "updates": [[row, credit code, name], …]}
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["invalid", "uploaded", "queued", "running", "done", "failed"]
                ),
                name="importjob_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:import_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
