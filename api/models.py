"""The REST API's own records (DESIGN §11): access tokens, integration accounts and the external
work orders they sent.

- `ApiToken`: a bearer token of one person or of one integration account. Only a SHA-256 of the
  key is stored; the key is shown once when it is issued. Revoking sets `revoked_at`.
- `Integration`: another system (a city's 12345 hotline) with its own account (a user without
  any role), the region whose enterprises it may file for, the category its orders land in, and
  where its results go back (a webhook URL and the HMAC secret the body is signed with).
- `WorkOrder`: one external work order (工单) and the issue it became; unique per integration
  and order number, which is what makes the intake idempotent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属账号"),
        on_delete=models.CASCADE,
        # "api_tokens" is taken by Wagtail 8's own wagtailcore.APIToken.
        related_name="qinqing_api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, help_text=_("用于辨认令牌，不是密钥。"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Integration(models.Model):
    """Another system that files work orders and takes results back (e.g. 12345)."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接口账号"),
        on_delete=models.PROTECT,
        related_name="integration",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("受理辖区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("只受理该辖区（含下级）内企业的工单。"),
    )
    default_category = models.ForeignKey(
        "issues.Category",
        verbose_name=_("默认诉求分类"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    webhook_url = models.URLField(_("结果回传地址"), max_length=500, blank=True)
    secret = models.CharField(
        _("签名密钥"),
        max_length=128,
        help_text=_("回传内容以 HMAC-SHA256 签名，对方用同一密钥验证。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("对接系统")
        verbose_name_plural = _("对接系统")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkOrder(models.Model):
    """An external work order (工单) and the issue it was registered as."""

    integration = models.ForeignKey(
        Integration, verbose_name=_("对接系统"), on_delete=models.PROTECT, related_name="orders"
    )
    order_no = models.CharField(_("工单编号"), max_length=50)
    issue = models.OneToOneField(
        "issues.Issue",
        verbose_name=_("诉求"),
        on_delete=models.PROTECT,
        related_name="work_order",
    )
    caller = models.CharField(_("来电人"), max_length=50, blank=True)
    required_by = models.DateTimeField(_("要求办结时间"), null=True, blank=True)
    payload = models.JSONField(_("原始工单"), default=dict, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外部工单")
        verbose_name_plural = _("外部工单")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "order_no"], name="workorder_unique_per_integration"
            ),
            models.CheckConstraint(condition=~Q(order_no=""), name="workorder_order_no_set"),
        ]

    def __str__(self) -> str:
        return f"{self.integration.code}:{self.order_no}"
