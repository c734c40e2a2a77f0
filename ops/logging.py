"""Structured logs with a request id that follows the work into Celery tasks.

- `RequestIdMiddleware` takes the proxy's `X-Request-ID` (if it looks sane) or makes one, keeps
  it in a context variable for the request, and returns it in the response header.
- `RequestIdFilter` puts it on every log record (`request_id`, "-" outside a request).
- `JsonFormatter` writes one JSON object per line (LOG_FORMAT=json, the production default).
- `connect_celery_signals(app)` copies the id into the headers of every task published during a
  request and restores it while the task runs, so a worker's log lines carry the id of the
  request that caused them.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from celery import signals

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
TASK_HEADER = "qinqing_request_id"


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _on_publish(headers=None, **kwargs):
    rid = _request_id.get()
    if headers is not None and rid != "-":
        headers.setdefault(TASK_HEADER, rid)


_task_tokens: dict[str, contextvars.Token] = {}


def _on_prerun(task_id=None, task=None, **kwargs):
    rid = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if rid is None and task is not None:
        rid = (task.request.headers or {}).get(TASK_HEADER) if task.request.headers else None
    _task_tokens[task_id] = _request_id.set(rid or f"task-{task_id}")


def _on_postrun(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)


def connect_celery_signals() -> None:
    """Called once from crm/celery.py, where the app is built."""
    signals.before_task_publish.connect(_on_publish, weak=False)
    signals.task_prerun.connect(_on_prerun, weak=False)
    signals.task_postrun.connect(_on_postrun, weak=False)
