"""Project-level tasks: a heartbeat that shows the worker and beat are alive."""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def heartbeat_task(label: str = "beat") -> str:
    """Log and return a timestamped heartbeat; used by beat every minute and by the worker test."""
    stamp = timezone.now().isoformat(timespec="seconds")
    logger.info("qinqing heartbeat (%s) at %s", label, stamp)
    return f"{label}:{stamp}"
