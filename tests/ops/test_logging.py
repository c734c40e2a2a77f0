"""Request ids: on the response, on every log record, and carried into Celery tasks."""

import json
import logging

import pytest
from celery import shared_task

from ops.logging import (
    HEADER,
    TASK_HEADER,
    JsonFormatter,
    RequestIdFilter,
    current_request_id,
)

pytestmark = pytest.mark.django_db

seen: list[str] = []


@shared_task
def _remember_request_id():
    seen.append(current_request_id())


def test_every_response_carries_a_request_id(client):
    first = client.get("/health/")[HEADER]
    second = client.get("/health/")[HEADER]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_request_id_is_kept_and_junk_is_replaced(client):
    assert client.get("/health/", headers={HEADER: "abc-123-def-456"})[HEADER] == "abc-123-def-456"
    junk = client.get("/health/", headers={HEADER: "x\ny<script>"})[HEADER]
    assert junk != "x\ny<script>" and len(junk) == 32


def test_log_records_are_json_lines_with_the_request_id():
    record = logging.LogRecord("qinqing", logging.INFO, __file__, 1, "办结 %s", ("诉求",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "办结 诉求" and line["request_id"] == "-"
    assert line["level"] == "INFO" and line["logger"] == "qinqing"


def test_a_task_published_during_a_request_runs_with_its_request_id(settings):
    from celery.signals import before_task_publish

    from ops.logging import _request_id

    token = _request_id.set("req-0001-abcd")
    headers: dict = {}
    try:
        before_task_publish.send(sender="x", headers=headers)
    finally:
        _request_id.reset(token)
    assert headers[TASK_HEADER] == "req-0001-abcd"

    seen.clear()
    _remember_request_id.apply(headers={TASK_HEADER: "req-0001-abcd"})
    assert seen == ["req-0001-abcd"]
    assert current_request_id() == "-"  # reset after the task (postrun)
