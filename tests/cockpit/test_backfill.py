"""The data migration that gives existing acknowledge / resolve events their timing facts, from
the issue's history (issues/migrations/0005_event_timing_facts.py)."""

import importlib
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection

from issues.models import Issue, IssueEvent
from tests.cockpit.conftest import TZ

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("issues.migrations.0005_event_timing_facts").backfill
guard = importlib.import_module("issues.migrations.0006_issueevent_append_only")


@contextmanager
def before_the_append_only_guard():
    """The backfill runs before migration 0006 puts the database guard on the timeline: lift it
    for the test, as the database was then."""
    vendor = connection.vendor
    down = {"postgresql": guard.POSTGRESQL_DOWN, "sqlite": guard.SQLITE_DOWN}[vendor]
    up = {"postgresql": guard.POSTGRESQL_UP, "sqlite": guard.SQLITE_UP}[vendor]
    with connection.cursor() as cursor:
        for sql in down:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in up:
                cursor.execute(sql)


TIMING = ("deadline", "on_time", "work_seconds")


def _strip(event: IssueEvent) -> None:
    """Make an event look as events did before the facts were written (test setup only)."""
    data = {k: v for k, v in event.data.items() if k not in (*TIMING, "paused_business_seconds")}
    IssueEvent._base_manager.filter(pk=event.pk).update(data=data)


def test_old_events_get_the_deadline_and_on_time_fact_the_history_kept(scenario):
    scenario.run_until(datetime(2026, 3, 16, tzinfo=TZ))
    issues = [scenario.issues[n] for n in (12, 14, 19, 24)]  # late ack, a pause, late, late
    events = list(
        IssueEvent.objects.filter(issue__in=issues, kind__in=["acknowledge", "resolve", "answer"])
    )
    written = {e.pk: dict(e.data) for e in events}

    with before_the_append_only_guard():
        for event in events:
            _strip(event)
        Issue.objects.filter(pk__in=[i.pk for i in issues]).update(paused_business=timedelta(0))
        backfill(apps, None)

    for event in IssueEvent.objects.filter(pk__in=written):
        for key in (*TIMING, "paused_business_seconds"):
            if key in written[event.pk]:
                assert event.data.get(key) == written[event.pk][key], (event.kind, key)
    assert Issue.objects.get(pk=scenario.issues[14].pk).paused_business.total_seconds() == 27 * 3600


def test_the_issue_list_filters_by_liaison_for_the_drill_down(played, db, client):
    w = played.w
    client.force_login(w.leader)

    response = client.get("/issues/list/", {"liaison": w.deputy.pk})

    assert [i.pk for i in response.context["issues"]] == [played.issues[31].pk]
