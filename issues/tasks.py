"""Celery tasks of the issues app (time limits and the supervision ladder)."""

from __future__ import annotations

from celery import shared_task

from issues.supervision import supervision_sweep
from ops.beacons import beacon_touch


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 3},
)
def issues_supervision_sweep_task(self) -> dict:
    """Take the supervision ladder's due steps (warning, reminder, supervision notice,
    escalation). Idempotent: a retried or doubled run sends nothing twice."""
    result = supervision_sweep().as_dict()
    beacon_touch(name="supervision_sweep")
    return result
