"""Backfill the cockpit's timing facts on existing acknowledge / resolve events (DESIGN §10).

Until now these events carried only the unit or the outcome; the deadline in force and the
on-time fact survived only on the issue row (overwritten by the next resolution). They are
recovered from the issue's history: the history row an action wrote holds the on-time fact the
workflow computed then (`acknowledged_on_time` / `resolved_on_time`), and the row before it the
deadline then in force. Business durations (and each issue's paused business time) are
computed on today's working calendar, the best that history allows. Events that already carry
the facts are left alone; events whose history row cannot be found get the deadline from the
nearest earlier row and the on-time fact computed against it. This is a one-time repair of
derived data on the append-only timeline, done here only; the product never edits events.
"""

from datetime import timedelta

from django.db import migrations


def _calendar():
    from django.db import transaction

    try:
        with transaction.atomic():  # a savepoint: a failure must not abort the migration
            from workcalendar.selectors import get_work_calendar

            return get_work_calendar()
    except Exception:  # noqa: BLE001 — a calendar that cannot load leaves durations empty
        return None


def _business(cal, start, end):
    from workcalendar.worktime import working_time_between

    if cal is None or start is None or end is None or end <= start:
        return timedelta(0)
    return working_time_between(cal, start, end)


def backfill(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    HistoricalIssue = apps.get_model("issues", "HistoricalIssue")
    IssueEvent = apps.get_model("issues", "IssueEvent")
    issue_ids = list(
        IssueEvent.objects.filter(kind__in=["acknowledge", "resolve", "answer"])
        .values_list("issue_id", flat=True)
        .distinct()
    )
    if not issue_ids:
        return
    cal = _calendar()
    for issue_id in issue_ids:
        issue = Issue.objects.get(pk=issue_id)
        history = list(
            HistoricalIssue.objects.filter(id=issue_id)
            .order_by("history_date", "history_id")
            .values(
                "history_date",
                "dispatched_at",
                "acknowledged_at",
                "acknowledged_on_time",
                "ack_deadline",
                "resolved_at",
                "resolved_on_time",
                "resolve_deadline",
            )
        )
        paused = timedelta(0)
        pause_started = None
        for event in IssueEvent.objects.filter(issue_id=issue_id).order_by("at", "pk"):
            data = dict(event.data or {})
            if event.kind == "ask_enterprise":
                pause_started = event.at
            elif event.kind in ("answer", "withdraw", "merge") and pause_started is not None:
                business = _business(cal, pause_started, event.at)
                paused += business
                pause_started = None
                if "paused_business_seconds" not in data:
                    data["paused_business_seconds"] = int(business.total_seconds())
                    IssueEvent._base_manager.filter(pk=event.pk).update(data=data)
            elif event.kind in ("acknowledge", "resolve") and "on_time" not in data:
                _fill(event, data, history, paused, cal, issue)
                IssueEvent._base_manager.filter(pk=event.pk).update(data=data)
        if issue.paused_business != paused:
            Issue.objects.filter(pk=issue_id).update(paused_business=paused)


def _fill(event, data, history, paused, cal, issue):
    ack = event.kind == "acknowledge"
    at_field = "acknowledged_at" if ack else "resolved_at"
    own = next((i for i, h in enumerate(history) if h[at_field] == event.at), None)
    if own is None:  # the nearest row at or before the event
        earlier = [i for i, h in enumerate(history) if h["history_date"] <= event.at]
        own = earlier[-1] if earlier else None
    row = history[own] if own is not None else {}
    before = history[own - 1] if own else row
    if ack:
        deadline = row.get("ack_deadline") or before.get("ack_deadline")
        on_time = row.get("acknowledged_on_time") if row.get(at_field) == event.at else None
        started = row.get("dispatched_at") or before.get("dispatched_at")
        work = _business(cal, started, event.at)
    else:
        deadline = before.get("resolve_deadline")
        on_time = row.get("resolved_on_time") if row.get(at_field) == event.at else None
        work = _business(cal, issue.registered_at, event.at) - paused
        data["paused_business_seconds"] = int(paused.total_seconds())
    if on_time is None and deadline is not None:
        on_time = event.at <= deadline
    data["deadline"] = deadline.isoformat() if deadline is not None else None
    data["on_time"] = on_time
    data["work_seconds"] = max(int(work.total_seconds()), 0) if cal is not None else None


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0004_issue_paused_business"),
        ("workcalendar", "0002_seed_from_chinesecalendar"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
