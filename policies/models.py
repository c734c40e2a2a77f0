"""The policy library and its pushes (DESIGN §9, 政策直达).

A `PolicyPage` is a Wagtail page holding the 20 standard elements of a policy as real fields,
plus the eligibility used for matching (industries, scales, regions, tags, years since
establishment). Publishing one creates a `PolicyPush` (one per published revision) and one
`PushTarget` per matched enterprise (one per policy and enterprise, ever): notified → read →
delivered → applied / received.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment
from policies.fields import ChoiceListField
from website.models import SearchTextMixin, plain_text

RICH = ["h3", "h4", "bold", "ol", "ul", "link", "document-link"]


class PolicyType(models.TextChoices):
    REDUCE = "reduce", _("减")
    EXEMPT = "exempt", _("免")
    DEFER = "defer", _("缓")
    REWARD = "reward", _("奖")
    SUBSIDY = "subsidy", _("补")


class DeliveryMode(models.TextChoices):
    NO_APPLICATION = "no_application", _("免申即享")
    INSTANT = "instant", _("即申即享")
    ONLINE = "online", _("线上零跑动")
    ONE_VISIT = "one_visit", _("线下一次跑")


class PolicyPageQuerySet(PageQuerySet):
    def in_force(self, on: date | None = None) -> PolicyPageQuerySet:
        """Live policies whose effective period contains `on` (today by default)."""
        on = on or timezone.localdate()
        return self.live().filter(
            Q(effective_from__lte=on), Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def expired(self, on: date | None = None) -> PolicyPageQuerySet:
        on = on or timezone.localdate()
        return self.filter(expires_on__lt=on)


PolicyPageManager = PageManager.from_queryset(PolicyPageQuerySet)


class PolicyIndexPage(SearchTextMixin, Page):
    """The policy library (政策库): every live policy, filterable and searchable. Expired policies
    leave the default listing but stay reachable (the "含已失效" filter and their own URLs)."""

    intro = RichTextField(_("说明"), blank=True, features=["bold", "link"])

    max_count = 1
    parent_page_types = ["website.HomePage"]
    subpage_types = ["policies.PolicyPage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("政策库")
        verbose_name_plural = _("政策库")

    def text_for_search(self) -> str:
        return plain_text(self.title, self.intro)

    def get_context(self, request, *args, **kwargs):
        from policies.selectors import policy_library

        context = super().get_context(request, *args, **kwargs)
        context.update(policy_library(index=self, data=request.GET))
        return context


class PolicyPage(SearchTextMixin, Page):
    """One policy in the 20 standard elements (事项名称 is the page title)."""

    # 2–3: classification
    policy_type = models.CharField(_("政策类型"), max_length=10, choices=PolicyType.choices)
    delivery_mode = models.CharField(_("兑现方式"), max_length=20, choices=DeliveryMode.choices)
    # 4–8: the document
    issuer = models.CharField(_("发文单位"), max_length=200)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("发布日期"))
    effective_from = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    # 9–16: what, for whom, how
    target_audience = models.TextField(_("实施对象"))
    conditions = RichTextField(_("申报条件"), features=RICH)
    materials = RichTextField(_("申报要件"), features=RICH, blank=True)
    benefit = RichTextField(_("兑现内容/标准"), features=RICH)
    time_limit = models.CharField(_("办理时限"), max_length=100)
    procedure = RichTextField(_("办理流程"), features=RICH, blank=True)
    accepting_unit = models.CharField(_("受理单位"), max_length=200)
    hotline = models.CharField(_("咨询电话"), max_length=50)
    # 17: the source document, as a file or a link
    source_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("政策依据（文件）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_url = models.URLField(_("政策依据（链接）"), blank=True)
    # 18: interpretations
    interpretations = ParentalManyToManyField(
        "website.InterpretationPage",
        verbose_name=_("政策解读"),
        blank=True,
        related_name="policies",
    )
    # 19–20: eligibility used for matching (an empty dimension restricts nothing)
    industries = ParentalManyToManyField(
        "enterprises.Industry",
        verbose_name=_("适用行业"),
        blank=True,
        related_name="+",
        help_text=_("选门类即包含其下所有大类；不选表示不限行业。"),
    )
    scales = ChoiceListField(
        _("适用规模"),
        max_length=40,
        blank=True,
        choices=Enterprise.Scale.choices,
        help_text=_("不选表示不限规模。"),
    )
    regions = ParentalManyToManyField(
        "accounts.Region",
        verbose_name=_("适用区域"),
        blank=True,
        related_name="+",
        help_text=_("含所选区域的下级区域；不选表示不限区域。"),
    )
    tags = ParentalManyToManyField(
        "enterprises.Tag",
        verbose_name=_("企业标签"),
        blank=True,
        related_name="+",
        help_text=_("具有任一所选标签的企业；不选表示不限标签。"),
    )
    min_years = models.PositiveSmallIntegerField(_("成立年限不少于（年）"), null=True, blank=True)
    max_years = models.PositiveSmallIntegerField(_("成立年限不超过（年）"), null=True, blank=True)
    # who may record that an enterprise applied / received (besides its liaison)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("兑现单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("该单位人员可登记企业的申报、兑现情况。"),
    )
    summary = models.TextField(_("摘要"), max_length=500, blank=True)

    objects = PolicyPageManager()

    parent_page_types = ["policies.PolicyIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        FieldPanel("title", heading=_("事项名称")),
        FieldRowPanel([FieldPanel("policy_type"), FieldPanel("delivery_mode")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldPanel("document_no"),
                FieldRowPanel(
                    [
                        FieldPanel("issued_on"),
                        FieldPanel("effective_from"),
                        FieldPanel("expires_on"),
                    ]
                ),
            ],
            heading=_("发文信息"),
        ),
        FieldPanel("target_audience"),
        FieldPanel("conditions"),
        FieldPanel("materials"),
        FieldPanel("benefit"),
        MultiFieldPanel(
            [
                FieldPanel("time_limit"),
                FieldPanel("procedure"),
                FieldPanel("accepting_unit"),
                FieldPanel("hotline"),
                FieldPanel("unit"),
            ],
            heading=_("办理"),
        ),
        MultiFieldPanel(
            [FieldPanel("source_document"), FieldPanel("source_url")], heading=_("政策依据")
        ),
        FieldPanel("interpretations", widget=forms.CheckboxSelectMultiple),
    ]
    eligibility_panels = [
        FieldPanel("industries"),
        FieldPanel("scales"),
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("min_years"), FieldPanel("max_years")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("政策要素")),
            ObjectList(eligibility_panels, heading=_("匹配条件")),
            ObjectList(Page.promote_panels, heading=_("发布设置")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("benefit"),
        index.SearchField("conditions"),
        index.FilterField("policy_type"),
        index.FilterField("delivery_mode"),
    ]

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        constraints = [
            models.CheckConstraint(
                condition=Q(policy_type__in=["reduce", "exempt", "defer", "reward", "subsidy"]),
                name="policy_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery_mode__in=["no_application", "instant", "online", "one_visit"]),
                name="policy_delivery_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("effective_from")),
                name="policy_expires_after_effective",
            ),
            models.CheckConstraint(
                condition=Q(min_years__isnull=True)
                | Q(max_years__isnull=True)
                | Q(max_years__gte=models.F("min_years")),
                name="policy_years_range",
            ),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.expires_on and self.effective_from and self.expires_on < self.effective_from:
            raise ValidationError({"expires_on": _("失效日期不能早于生效日期。")})
        if (
            self.min_years is not None
            and self.max_years is not None
            and self.max_years < self.min_years
        ):
            raise ValidationError({"max_years": _("成立年限上限不能小于下限。")})

    def text_for_search(self) -> str:
        return plain_text(
            self.title,
            self.summary,
            self.issuer,
            self.document_no,
            self.target_audience,
            self.conditions,
            self.materials,
            self.benefit,
            self.procedure,
            self.accepting_unit,
        )

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.effective_from <= on and (self.expires_on is None or self.expires_on >= on)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def get_context(self, request, *args, **kwargs):
        from policies.selectors import policy_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(policy_page_context(policy=self, user=request.user))
        return context


class PolicyPush(models.Model):
    """The push of one published revision of a policy. One per revision (idempotency): a task
    that runs twice, or two at once, finds the row and does nothing more."""

    policy = models.ForeignKey(
        PolicyPage, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="pushes"
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision",
        verbose_name=_("版本"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    revision_key = models.PositiveBigIntegerField(_("版本编号"), unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("推送时间"), auto_now_add=True)
    matched = models.PositiveIntegerField(_("匹配企业数"), default=0)
    new_targets = models.PositiveIntegerField(_("新推送企业数"), default=0)

    class Meta:
        verbose_name = _("政策推送")
        verbose_name_plural = _("政策推送")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.policy.title} · {self.created_at:%Y-%m-%d}"


class PushTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> PushTargetQuerySet:
        """Push rows `user` may see:

        - dispatchers, leaders and administrators: enterprises in their region subtrees;
        - liaisons and responsible leaders: the enterprises actively assigned to them;
        - unit staff: the rows of policies their unit honours (PolicyPage.unit);
        - enterprise users: the rows of their own enterprises;
        - anybody else: nothing.
        """
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        q = scope.region_q("enterprise__region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
            q |= Q(
                Exists(
                    LiaisonAssignment.objects.active().filter(
                        enterprise=OuterRef("enterprise_id"), person_id=scope.user_id
                    )
                )
            )
        unit_ids = scope.unit_ids()
        if unit_ids:
            q |= Q(policy__unit_id__in=unit_ids)
        q |= Q(
            Exists(
                EnterpriseMembership.objects.filter(
                    enterprise=OuterRef("enterprise_id"), user_id=scope.user_id, is_active=True
                )
            )
        )
        return self.filter(q)

    def delivered(self) -> PushTargetQuerySet:
        return self.filter(delivered_at__isnull=False)

    def to_deliver(self) -> PushTargetQuerySet:
        return self.filter(delivered_at__isnull=True)


class PushTarget(models.Model):
    """A policy pushed to one enterprise: notified → read → delivered → applied / received.

    The timestamps are the record (each set once, by `policies.services`); `status` is the
    furthest step reached, kept for filtering and the report."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("已推送")
        READ = "read", _("企业已读")
        DELIVERED = "delivered", _("已宣讲")
        APPLIED = "applied", _("已申报")
        RECEIVED = "received", _("已兑现")

    push = models.ForeignKey(
        PolicyPush, verbose_name=_("推送"), on_delete=models.CASCADE, related_name="targets"
    )
    policy = models.ForeignKey(
        PolicyPage, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="targets"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_pushes"
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("推送时的包保联络员"),
    )
    reasons = models.CharField(_("匹配理由"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.NOTIFIED
    )
    notified_at = models.DateTimeField(_("推送时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("宣讲时间"), null=True, blank=True)
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("宣讲走访"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("兑现时间"), null=True, blank=True)
    outcome_note = models.CharField(_("办理说明"), max_length=200, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PushTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("推送企业")
        verbose_name_plural = _("推送企业")
        ordering = ["-notified_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="push_target_once"),
            models.CheckConstraint(
                condition=Q(status__in=["notified", "read", "delivered", "applied", "received"]),
                name="push_target_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["liaison", "policy"],
                condition=Q(delivered_at__isnull=True),
                name="push_target_to_deliver",
            ),
            models.Index(fields=["enterprise", "-notified_at"], name="push_target_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title} → {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("policies:target", kwargs={"pk": self.pk})
