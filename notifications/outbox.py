"""Handing deliveries to Celery after commit — without ever failing the caller.

`notify` runs inside the transaction of the event that causes it. Once that transaction commits,
the new deliveries are published to the broker. If the broker is down, publishing fails fast
(CELERY_BROKER_CONNECTION_TIMEOUT, no publish retries): the error is logged and the rows simply
stay pending; the beat's retry sweep publishes them once the broker is back. Nothing is lost and
the user's request still succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def publish(delivery_ids: Iterable[int]) -> int:
    """Queue a send task for each delivery; stop at the first publishing error (the broker is
    down: trying the others would only add connection timeouts). Returns how many were queued."""
    from notifications.tasks import delivery_send_task

    ids = list(delivery_ids)
    for queued, delivery_id in enumerate(ids):
        try:
            delivery_send_task.delay(delivery_id)
        except Exception as exc:  # the broker is unreachable: the sweep will publish them later
            logger.warning(
                "could not queue %s deliveries (broker unavailable, they stay pending): %s",
                len(ids) - queued,
                exc,
            )
            return queued
    return len(ids)


def publish_on_commit(delivery_ids: Iterable[int]) -> None:
    """Publish the deliveries once the current transaction commits (nothing if it rolls back)."""
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(partial(publish, ids))
