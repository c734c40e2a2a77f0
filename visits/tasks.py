"""Celery tasks of the visits app."""

from celery import shared_task

from visits.reminders import visit_reminders_send


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def visit_reminders_task() -> dict:
    """Daily (beat): remind officers of tomorrow's planned visits and of overdue coverage.
    Idempotent, so a retry or a second run the same day sends nothing twice."""
    counts = visit_reminders_send()
    return {"due_tomorrow": counts.due_tomorrow, "overdue": counts.overdue}
