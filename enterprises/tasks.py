"""Celery tasks of the enterprises app."""

from __future__ import annotations

from celery import shared_task

from enterprises.models import ImportJob


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def enterprise_import_task(self, import_id: int) -> str:
    """Import a confirmed ledger. Idempotent: only a queued job is claimed (a conditional update),
    so a redelivered message does nothing; the import itself is one transaction, attributed to the
    person who uploaded the file."""
    from enterprises.ledger.jobs import ledger_import_run

    claimed = ImportJob.objects.filter(pk=import_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.get(pk=import_id)
    ledger_import_run(job=job, report_progress=True)
    return job.status
