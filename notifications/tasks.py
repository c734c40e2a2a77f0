"""Celery tasks of the notification outbox: take ids, call one function, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from notifications.delivery import deliveries_due_ids, deliveries_release_stale, delivery_send
from notifications.outbox import publish
from ops.beacons import beacon_touch


@shared_task(acks_late=True, ignore_result=True)
def delivery_send_task(delivery_id: int) -> str:
    """Send one delivery. A duplicate or late task finds it claimed or settled and does nothing."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def deliveries_retry_pending_task() -> int:
    """Every minute (beat): release expired claims and queue every pending delivery that is due —
    failed attempts waiting for their retry, and deliveries queued while the broker was down."""
    deliveries_release_stale()
    queued = publish(deliveries_due_ids())
    beacon_touch(name="delivery_retry")
    return queued
