"""Publishing a policy queues its push (Wagtail's `page_published` signal → Celery, after
commit). Connected for PolicyPage only, in PoliciesConfig.ready() — the one place the policies
app listens to anything."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def queue_push(revision_id: int) -> None:
    """Queue the push task; a broker outage is logged, never raised (the beat's sweep pushes
    the revision later)."""
    from policies.tasks import policy_push_task

    try:
        policy_push_task.delay(revision_id)
    except Exception as exc:  # the broker is unreachable
        logger.warning("could not queue the push of revision %s: %s", revision_id, exc)


def policy_published(sender, instance, revision=None, **kwargs) -> None:
    if revision is None:
        return
    transaction.on_commit(lambda: queue_push(revision.pk))
