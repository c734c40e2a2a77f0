"""Celery tasks of the cockpit (scheduled in crm/celery.py)."""

from celery import shared_task

from cockpit import bulletins, facts


@shared_task(acks_late=True)
def cockpit_facts_refresh_task() -> int:
    """Keep the derived facts and the rollup current (every minute); the rollup holds the
    periods of today (`cockpit.cube.sync`)."""
    return facts.refresh()


@shared_task(acks_late=True)
def cockpit_facts_rebuild_task() -> dict:
    """Rebuild every fact from the events, and the rollup from the facts (nightly): anything
    the refreshes missed — a dimension changed without an event, a transaction that committed
    late — is put right."""
    return facts.rebuild_all()


@shared_task(acks_late=True)
def cockpit_bulletins_task() -> int:
    """Make the bulletins due (daily)."""
    return len(bulletins.bulletins_due())
