"""What accumulates on an issue: attachments, comments, extension requests and the timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.lib.files import private_storage, private_upload_path
from issues.models.issue import Issue


def _attachment_path(instance: IssueAttachment, filename: str) -> str:
    return private_upload_path("issues", filename)


class IssueAttachment(models.Model):
    """A file on an issue, stored privately (no URL) and served only through
    `issues.attachments.issue_attachment_response` after a permission check. Enterprise users
    see only public attachments."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("文件"), upload_to=_attachment_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    is_public = models.BooleanField(_("企业可见"), default=True)

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class IssueComment(models.Model):
    """A remark on an issue. Internal comments are never shown to the enterprise side."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("内部")
        PUBLIC = "public", _("公开")

    issue = models.ForeignKey(
        Issue, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("内容"))
    visibility = models.CharField(
        _("可见范围"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求留言")
        verbose_name_plural = _("诉求留言")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["internal", "public"]), name="comment_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]


class ExtensionRequest(models.Model):
    """A lead unit's request for more working days; the dispatcher approves or denies it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        DENIED = "denied", _("未批准")

    issue = models.ForeignKey(
        Issue, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(
        _("审批状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "denied"]),
                name="extension_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=60), name="extension_days_range"
            ),
            models.UniqueConstraint(
                fields=["issue"], condition=Q(status="pending"), name="extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} +{self.days}"


class ImmutableEventError(RuntimeError):
    """IssueEvent rows are append-only (DESIGN §8)."""


class IssueEventQuerySet(models.QuerySet):
    def public(self) -> IssueEventQuerySet:
        return self.filter(is_public=True)

    def update(self, **kwargs):
        raise ImmutableEventError("issue events are append-only")

    def delete(self):
        raise ImmutableEventError("issue events are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableEventError("issue events are append-only")


class IssueEvent(models.Model):
    """One step of an issue's timeline: kind (the action, or a system kind such as
    warning / reminder / supervision / escalation), who, when, from / to state, data, and whether
    the enterprise sees it. Append-only: saving an existing row or deleting raises."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    is_public = models.BooleanField(_("企业可见"), default=False)

    objects = IssueEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求动态")
        verbose_name_plural = _("诉求动态")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["issue", "at"], name="issue_event_issue_at"),
            models.Index(fields=["kind", "at"], name="issue_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # Written once, as a new row with an id the database chooses: `IssueEvent(pk=existing)
        # .save()` would otherwise be an UPDATE. The database refuses UPDATE and DELETE too
        # (triggers, migration 0006), whatever the way in.
        if not self._state.adding or self.pk is not None:
            raise ImmutableEventError("issue events are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("issue events are append-only")

    @property
    def label(self) -> str:
        from issues.workflow import ACTIONS

        action = ACTIONS.get(self.kind)
        return str(action.label) if action else SYSTEM_EVENT_LABELS.get(self.kind, self.kind)


# Event kinds written outside the transition table (by the time-limits / supervision code).
SYSTEM_EVENT_LABELS = {
    "warning": _("预警"),
    "reminder": _("催办"),
    "supervision": _("督办"),
    "escalation": _("提级"),
    "deadline": _("时限调整"),
}
