"""Invitations of enterprise contact persons to the portal (DESIGN §9).

An invitation is a one-time link: the link carries a random token, the database keeps only its
SHA-256 (a leaked database does not leak working links). It expires after
`INVITATION_LIFETIME` and works once. Accepting it binds a person to the enterprise through
`enterprises.EnterpriseMembership` — a new account, the account of the person who opened it
while signed in, or, for a re-invitation of a known binding (account recovery), that binding's
account, whose password it resets. Every row here and every binding change keeps its history.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

INVITATION_LIFETIME = timedelta(days=7)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待接受")
        USED = "used", _("已使用")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已作废")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    name = models.CharField(_("联系人姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    # Set for a re-invitation of an existing account (account recovery): accepting resets its
    # password instead of creating an account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("已有账号"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    used_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接受账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("门户邀请")
        verbose_name_plural = _("门户邀请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_used_and_revoked",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="invitation_ent")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.name}"

    def status_at(self, now) -> str:
        if self.used_at is not None:
            return self.Status.USED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if now >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)
