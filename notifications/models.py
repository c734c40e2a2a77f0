"""Notifications (DESIGN §7): an in-app inbox per person plus an outbox of external deliveries.

A `Notification` is one message to one person, shown in their inbox. Each external channel the
person wants (e-mail, SMS) — and each WeCom group robot of the unit or region concerned — gets a
`Delivery` row, written in the same transaction as the notification and thus as the event that
caused it (an outbox). Celery sends deliveries after commit; the beat retries what is still
pending, so a broker outage delays messages but never loses them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, Unit


class Kind(models.TextChoices):
    """What a notification is about. Extend freely (a migration of this app follows)."""

    ISSUE_REGISTERED = "issue_registered", _("新诉求待派单")
    ISSUE_DISPATCHED = "issue_dispatched", _("诉求派单")
    ISSUE_RETURNED = "issue_returned", _("诉求退回")
    ISSUE_UPDATE = "issue_update", _("诉求办理进展")
    ISSUE_RESOLVED = "issue_resolved", _("诉求办结待回访")
    ISSUE_CLOSED = "issue_closed", _("诉求销号")
    EXTENSION = "extension", _("延期申请与审批")
    ISSUE_WARNING = "issue_warning", _("时限预警")
    ISSUE_REMINDER = "issue_reminder", _("催办")
    SUPERVISION_NOTICE = "supervision_notice", _("督办通知")
    ESCALATION = "escalation", _("提级")
    VISIT_PLANNED = "visit_planned", _("走访计划提醒")
    COVERAGE_OVERDUE = "coverage_overdue", _("走访超期")
    POLICY_MATCH = "policy_match", _("政策匹配")
    CAMPAIGN = "campaign", _("专项行动")
    BULLETIN = "bulletin", _("通报")
    GENERIC = "generic", _("其他")


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信群")
    # A signed JSON POST to another system (e.g. the 12345 result callback, api.callbacks).
    WEBHOOK = "webhook", _("外部系统回调")


# Channels a person receives by kind until they say otherwise (in-app is always on).
PERSONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    kind: frozenset({Channel.EMAIL})
    for kind in Kind.values
    if kind not in ("issue_update", "generic")
}
for _urgent in (Kind.ISSUE_REMINDER, Kind.SUPERVISION_NOTICE, Kind.ESCALATION):
    DEFAULT_CHANNELS[_urgent] = frozenset({Channel.EMAIL, Channel.SMS})


KIND_ICONS = {
    Kind.ISSUE_REGISTERED: "inbox",
    Kind.ISSUE_DISPATCHED: "send",
    Kind.ISSUE_RETURNED: "arrow-return-left",
    Kind.ISSUE_RESOLVED: "check2-circle",
    Kind.ISSUE_CLOSED: "patch-check",
    Kind.EXTENSION: "hourglass-split",
    Kind.ISSUE_WARNING: "exclamation-triangle",
    Kind.ISSUE_REMINDER: "alarm",
    Kind.SUPERVISION_NOTICE: "megaphone",
    Kind.ESCALATION: "graph-up-arrow",
    Kind.VISIT_PLANNED: "calendar-event",
    Kind.COVERAGE_OVERDUE: "geo-alt",
    Kind.POLICY_MATCH: "journal-text",
    Kind.CAMPAIGN: "flag",
    Kind.BULLETIN: "file-earmark-bar-graph",
}


def default_channels(kind: str) -> frozenset[str]:
    return DEFAULT_CHANNELS.get(kind, frozenset())


def validate_link(value: str) -> None:
    """Links point inside the product: a path, never another site (no open redirects)."""
    if value and (not value.startswith("/") or value.startswith("//") or "\\" in value):
        raise ValidationError(_("链接必须是站内路径，例如 /issues/12/。"))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A person sees their own notifications and nobody else's (administrators included)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_link])
    issue_id = models.PositiveBigIntegerField(_("诉求编号"), null=True, blank=True, db_index=True)
    source_type = models.CharField(_("来源类型"), max_length=50, blank=True)
    source_id = models.CharField(_("来源编号"), max_length=50, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("触发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def icon(self) -> str:
        return KIND_ICONS.get(self.kind, "bell")

    @property
    def target_url(self) -> str:
        """Where the notification leads: its link, else the issue it is about (if that page
        exists), else nowhere."""
        if self.link:
            return self.link
        if self.issue_id:
            try:
                return reverse("issues:detail", args=[self.issue_id])
            except NoReverseMatch:
                return ""
        return ""


class WeComRobot(models.Model):
    """A WeCom group robot (企业微信群机器人) of a unit or a region: one message per notification
    addressed to that unit or region is posted to the group."""

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wecom_robots",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wecom_robots",
    )
    webhook_url = models.URLField(
        _("Webhook 地址"),
        max_length=500,
        help_text=_(
            "群机器人的 Webhook 地址，形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业微信群机器人")
        verbose_name_plural = _("企业微信群机器人")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False, region=None) | Q(unit=None, region__isnull=False)),
                name="wecomrobot_unit_or_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.unit_id is None) == (self.region_id is None):
            raise ValidationError(_("请选择单位或辖区之一。"))

    @property
    def masked_url(self) -> str:
        """The webhook without its secret key, for lists and logs."""
        base, _sep, key = self.webhook_url.partition("key=")
        return f"{base}key=…{key[-4:]}" if key else base


class Delivery(models.Model):
    """One message to send on one external channel (the outbox row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        GAVE_UP = "gave_up", _("已放弃")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("站内消息"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    robot = models.ForeignKey(
        WeComRobot,
        verbose_name=_("群机器人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    address = models.CharField(_("地址"), max_length=500, blank=True)
    # Webhook deliveries: the HTTP headers sent with the body (its signature among them).
    headers = models.JSONField(_("请求头"), default=dict, blank=True)
    subject = models.CharField(_("主题"), max_length=255, blank=True)
    body = models.TextField(_("正文"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms", "wecom", "webhook"]),
                name="delivery_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "gave_up"]),
                name="delivery_status_valid",
            ),
        ]
        indexes = [
            # The retry sweep's scan: only rows still waiting (or claimed) are indexed.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or self.robot} ({self.status})"


class NotificationPreference(models.Model):
    """A person's external channels for one kind of notification (in-app is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    email = models.BooleanField(_("电子邮件"), default=False)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(c for c in PERSONAL_CHANNELS if getattr(self, c))
