"""Import jobs: dry run on upload, then the import itself — in the request for small files,
as a Celery task (`enterprise_import_task`) with a progress bar for files of 1,000 rows or more.
"""

from __future__ import annotations

import json
import logging

from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.ledger.apply import apply_plan
from enterprises.ledger.reader import MAX_BYTES, LedgerFileError, Table, read_table
from enterprises.ledger.validate import plan_import
from enterprises.models import ImportJob

logger = logging.getLogger(__name__)

ASYNC_THRESHOLD = 1000  # rows; from here on the import runs as a Celery task
PREVIEW_UPDATES = 50  # how many "will update" rows the preview lists
Status = ImportJob.Status


def ledger_dry_run(*, actor: User, uploaded_file) -> ImportJob:
    """Read and check an uploaded ledger; nothing but the job row (and, when the file is
    valid, the stored file) is written. The job says what an import would do, or why not."""
    name = (getattr(uploaded_file, "name", "") or "ledger")[-200:]
    job = ImportJob(created_by=actor, original_name=name, status=Status.INVALID)
    if uploaded_file.size > MAX_BYTES:
        job.errors = [
            _file_error(
                _("文件过大（超过 %(mb)d MB），请拆分后分批导入。")
                % {"mb": MAX_BYTES // 1024 // 1024}
            )
        ]
        job.save()
        return job
    content = uploaded_file.read()
    try:
        table = read_table(content, name)
    except LedgerFileError as exc:
        job.errors = [_file_error(str(exc))]
        job.save()
        return job
    plan = plan_import(table, actor=actor)
    job.total = len(table.rows)
    if plan.errors:
        job.errors = plan.errors
        job.save()
        return job
    job.status = Status.UPLOADED
    job.preview = {
        "create": len(plan.creates),
        "update": len(plan.updates),
        "updates": [
            [r.row, r.credit_code, r.fields.get("name", "")] for r in plan.updates[:PREVIEW_UPDATES]
        ],
    }
    job.file.save(f"ledger-{timezone.now():%Y%m%d%H%M%S}{_suffix(name)}", ContentFile(content))
    # the rows as read, so that the import need not parse the spreadsheet again
    job.file.storage.save(_rows_name(job), ContentFile(json.dumps(table.rows, ensure_ascii=False)))
    return job


def ledger_import_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """The person confirms the dry run. Small files are imported now; large ones are queued.
    A second confirmation (a double click) does nothing."""
    if job.created_by_id != actor.pk or job.status != Status.UPLOADED:
        return job
    if job.total >= ASYNC_THRESHOLD:
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, status=Status.UPLOADED).update(
                status=Status.QUEUED
            )
            if claimed:
                from enterprises.tasks import enterprise_import_task

                enterprise_import_task.delay_on_commit(job.pk)
        job.refresh_from_db()
        return job
    if ImportJob.objects.filter(pk=job.pk, status=Status.UPLOADED).update(status=Status.RUNNING):
        ledger_import_run(job=job)
    job.refresh_from_db()
    return job


def ledger_import_run(*, job: ImportJob, report_progress: bool = False) -> ImportJob:
    """Check the stored file again (things may have changed since the dry run) and import it in
    one transaction. Any error: nothing is written and the job says why."""
    job.refresh_from_db()
    progress = _ProgressWriter(job) if report_progress else None
    try:
        table = _stored_table(job)
        plan = plan_import(table, actor=job.created_by, progress=progress and progress.rows)
        if plan.errors:
            _finish(job, Status.FAILED, errors=plan.errors)
            return job
        result = apply_plan(
            plan,
            actor=job.created_by,
            reason=_("台账导入 #%(id)d") % {"id": job.pk},
            progress=progress and progress.steps,
        )
    except LedgerFileError as exc:
        _finish(job, Status.FAILED, errors=[_file_error(str(exc))])
        return job
    except Exception:
        logger.exception("enterprise import %s failed", job.pk)
        _finish(job, Status.FAILED, errors=[_file_error(_("导入时发生系统错误，未写入任何数据。"))])
        return job
    finally:
        if progress is not None:
            progress.close()
    _finish(job, Status.DONE, created=result.created, updated=result.updated)
    return job


def _rows_name(job: ImportJob) -> str:
    return f"{job.file.name}.rows.json"


def _stored_table(job: ImportJob) -> Table:
    """The rows read at the dry run; the spreadsheet itself if they are gone."""
    storage = job.file.storage
    if storage.exists(_rows_name(job)):
        with storage.open(_rows_name(job), "rb") as fh:
            rows = [(number, values) for number, values in json.loads(fh.read())]
        return Table(keys=[], rows=rows)
    with job.file.open("rb") as fh:
        return read_table(fh.read(), job.original_name)


def _finish(job: ImportJob, status: str, *, errors=None, created=0, updated=0) -> None:
    job.status = status
    job.errors = errors or []
    job.created_count, job.updated_count = created, updated
    job.processed = job.total if status == Status.DONE else job.processed
    job.finished_at = timezone.now()
    job.save()


class _ProgressWriter:
    """Progress for the page's progress bar while the import runs in a Celery task.

    Checking the rows is the first 30 %, writing the rest. The writing happens inside one
    transaction, invisible to the web process until it commits; so on PostgreSQL the progress
    goes through a second, autocommit connection. (SQLite allows one writer at a time: there the
    bar shows the checking progress, then waits at 30 % until the import is done.)
    """

    def __init__(self, job: ImportJob):
        self.job_id, self.total = job.pk, max(job.total, 1)
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection("default")

    def _write(self, processed: int) -> None:
        processed = min(int(processed), self.total)
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    "UPDATE enterprises_importjob SET processed = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        elif not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed=processed)

    def rows(self, done: int) -> None:
        self._write(done / self.total * 0.3 * self.total)

    def steps(self, done: int, of: int) -> None:
        self._write((0.3 + 0.7 * done / of) * self.total)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _file_error(message: str) -> dict:
    return {"row": 0, "column": "", "message": message}


def _suffix(name: str) -> str:
    return ".csv" if name.lower().endswith(".csv") else ".xlsx"
