"""Sending the outbox: claim a delivery, send it on its channel, record the outcome.

Exactly-once from the product's side: a delivery is claimed with a conditional UPDATE
(`pending` and due → `sending`), so two tasks for the same row — a retried task, or two sweeps
that queued it at once — cannot both send it. Failures are retried with exponential backoff up to
`MAX_ATTEMPTS`, then the delivery is given up. A claim that is never settled (the worker died
mid-send) expires after the lease (`sending_lease()`, 10 minutes unless DELIVERY_LEASE_SECONDS
says otherwise) and the sweep makes the row pending again: the message
may then go out twice, which we prefer to losing it.

These functions run outside any transaction on purpose: the claim must be committed (visible to
the other workers) before the slow network call, and the outcome committed right after it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import F
from django.utils import timezone

from notifications.models import Channel, Delivery
from notifications.sms import get_sms_backend
from notifications.webhook import WebhookConfigError, post_json
from notifications.wecom import WeComConfigError, post_markdown

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
SWEEP_BATCH = 500
EMAIL_TIMEOUT_SECONDS = 30
Status = Delivery.Status


class PermanentDeliveryError(Exception):
    """Retrying cannot help (no robot any more, a revoked webhook …): the delivery fails now."""


def sending_lease() -> timedelta:
    """How long a claim holds before the sweep may hand the delivery to another worker. Longer
    than any send can take (the e-mail timeout is 30 s)."""
    return timedelta(seconds=settings.QINQING_DELIVERY_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after `attempts` failed ones: 1, 2, 4, 8 … minutes (≤ 1 h)."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _send_email(delivery: Delivery) -> None:
    # A hung SMTP server must not hold the claim past its lease: bound the connection.
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT_SECONDS
    send_mail(
        delivery.subject,
        delivery.body,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.address],
        fail_silently=False,
        connection=get_connection(timeout=timeout),
    )


def _send_sms(delivery: Delivery) -> None:
    get_sms_backend().send(phone=delivery.address, text=delivery.body)


def _send_wecom(delivery: Delivery) -> None:
    robot = delivery.robot
    if robot is None or not robot.is_active:
        raise PermanentDeliveryError("群机器人已停用或删除")
    try:
        post_markdown(robot.webhook_url, delivery.body)
    except WeComConfigError as exc:
        raise PermanentDeliveryError(str(exc)) from exc


def _send_webhook(delivery: Delivery) -> None:
    try:
        post_json(delivery.address, delivery.body, headers=delivery.headers or {})
    except WebhookConfigError as exc:
        raise PermanentDeliveryError(str(exc)) from exc


SENDERS = {
    Channel.EMAIL: _send_email,
    Channel.SMS: _send_sms,
    Channel.WECOM: _send_wecom,
    Channel.WEBHOOK: _send_webhook,
}


def delivery_claim(*, delivery_id: int) -> bool:
    """Take the delivery for this worker if it is pending and due. False: someone else has it,
    it is already settled, or it is not due yet."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(
        status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + sending_lease()
    )
    return claimed == 1


def _settle(delivery: Delivery, **fields) -> None:
    # Only the claimant settles, and only while its claim stands.
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(**fields)


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery if this call wins the claim. Returns the resulting status, or
    "skipped" when there was nothing to do. Never raises for a sending error."""
    if not delivery_claim(delivery_id=delivery_id):
        return "skipped"
    delivery = Delivery.objects.select_related("robot").get(pk=delivery_id)
    try:
        SENDERS[delivery.channel](delivery)
    except PermanentDeliveryError as exc:
        logger.warning("delivery %s failed for good: %s", delivery.pk, exc)
        _settle(delivery, status=Status.FAILED, last_error=str(exc)[:2000])
        return Status.FAILED
    except Exception as exc:  # any other channel error is retried, then given up
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            logger.error(
                "delivery %s gave up after %s attempts: %s", delivery.pk, MAX_ATTEMPTS, error
            )
            _settle(delivery, status=Status.GAVE_UP, last_error=error)
            return Status.GAVE_UP
        retry_at = timezone.now() + backoff(delivery.attempts)
        logger.warning(
            "delivery %s failed (attempt %s), retry at %s: %s",
            *(delivery.pk, delivery.attempts, retry_at, error),
        )
        _settle(delivery, status=Status.PENDING, last_error=error, next_attempt_at=retry_at)
        return Status.PENDING
    _settle(delivery, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return Status.SENT


def deliveries_release_stale() -> int:
    """Make deliveries whose claim expired (the worker died mid-send) pending again, or give
    them up when they have used all their attempts. Returns how many were released."""
    now = timezone.now()
    stale = Delivery.objects.filter(status=Status.SENDING, next_attempt_at__lte=now)
    given_up = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.GAVE_UP, last_error="发送未确认（工作进程中断）"
    )
    released = stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.PENDING,
        next_attempt_at=now,
        last_error="发送未确认（工作进程中断），重新排队",
    )
    return given_up + released


def deliveries_due_ids(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Pending deliveries whose next attempt is due, oldest first."""
    return list(
        Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
