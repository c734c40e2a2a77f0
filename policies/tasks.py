"""Celery tasks of the policies app: ids in, one service call, idempotent, retried."""

from celery import shared_task

from policies.services import policy_push_publish, policy_pushes_missing


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def policy_push_task(revision_id: int) -> dict:
    """Push one published revision of a policy (idempotent per revision)."""
    push = policy_push_publish(revision_id=revision_id)
    return {"push": push.pk if push else None, "new": push.new_targets if push else 0}


@shared_task
def policy_push_sweep_task() -> int:
    """Beat: push the published revisions whose task never ran (the broker was down)."""
    missing = policy_pushes_missing()
    for revision_id in missing:
        policy_push_publish(revision_id=revision_id)
    return len(missing)
