"""Project-level tasks: a heartbeat that shows the worker and beat are alive."""

import logging

from celery import shared_task
from django.utils import timezone

from ops.beacons import beacon_touch

logger = logging.getLogger(__name__)


@shared_task
def heartbeat_task(label: str = "beat") -> str:
    """Record, log and return a timestamped heartbeat (beat, every minute; /health/ready/ and the
    metrics read its age)."""
    now = timezone.now()
    beacon_touch(name="heartbeat", at=now)
    stamp = now.isoformat(timespec="seconds")
    logger.info("qinqing heartbeat (%s) at %s", label, stamp)
    return f"{label}:{stamp}"
