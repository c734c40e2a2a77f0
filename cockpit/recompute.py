"""The cockpit's figures recomputed from the `IssueEvent` rows alone (DESIGN §8).

A second, deliberately plain implementation of DESIGN §10: issue by issue, it reads the
timeline up to the period's end and applies each definition literally. It does not use the
`Fact` rows, so the tests can hold the fast path (`cockpit.metrics`) equal to it, and it answers
"what did the cockpit say for that period" at any later time: events are append-only and every
on-time fact and duration it needs is written on the events themselves.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from cockpit.facts import (
    DONE_STATES,
    ENDED_STATES,
    EVENT_ON_TIME,
    EVENT_WORK_SECONDS,
    SATISFIED,
)
from issues.models import IssueEvent


def recompute(*, start: datetime, end: datetime, issue_ids=None) -> dict[str, int]:
    """Counts of DESIGN §10 for the period [start, end), as of `end`, over `issue_ids` (all
    issues when None). The keys are those of `cockpit.metrics.COUNT_KEYS`."""
    events = IssueEvent.objects.filter(at__lt=end).order_by("issue_id", "at", "pk")
    if issue_ids is not None:
        events = events.filter(issue_id__in=list(issue_ids))
    timelines: dict[int, list] = defaultdict(list)
    for row in events.values_list("issue_id", "kind", "at", "to_state", "data"):
        timelines[row[0]].append(row[1:])
    totals: dict[str, int] = defaultdict(int)
    for timeline in timelines.values():
        for key, value in _one_issue(timeline, start, end).items():
            totals[key] += value
    return dict(totals)


def _in(at: datetime, start: datetime, end: datetime) -> bool:
    return start <= at < end


def _one_issue(timeline: list, start: datetime, end: datetime) -> dict[str, int]:
    c: dict[str, int] = defaultdict(int)
    registered = next((at for kind, at, _s, _d in timeline if kind == "register"), None)
    state_at_end = ""
    outcome_at_end = ""
    for kind, _at, to_state, data in timeline:  # all of them are before `end`
        if to_state:
            state_at_end = to_state
        if kind == "resolve":
            outcome_at_end = data.get("outcome", "")

    # 受理量, 办结, 解决: registered in the period, judged as of its end.
    registered_in = registered is not None and _in(registered, start, end)
    if registered_in and state_at_end not in ENDED_STATES:
        c["accepted"] += 1
        if state_at_end in DONE_STATES:
            c["done"] += 1
            c[f"outcome_{outcome_at_end}"] += 1

    # 签收: the issue's first acknowledgement in the period.
    acks = [
        (at, d) for kind, at, _s, d in timeline if kind == "acknowledge" and _in(at, start, end)
    ]
    if acks and acks[0][1].get(EVENT_ON_TIME) is not None:
        c["acked"] += 1
        c["acked_on_time"] += bool(acks[0][1][EVENT_ON_TIME])
        if acks[0][1].get(EVENT_WORK_SECONDS) is not None:
            c["ack_timed"] += 1
            c["ack_seconds"] += int(acks[0][1][EVENT_WORK_SECONDS])

    # 办结: the issue's first resolve event in the period; duration of the first one ever.
    resolves = [(at, d) for kind, at, _s, d in timeline if kind == "resolve"]
    in_period = [(at, d) for at, d in resolves if _in(at, start, end)]
    if in_period and in_period[0][1].get(EVENT_ON_TIME) is not None:
        c["resolved"] += 1
        c["resolved_on_time"] += bool(in_period[0][1][EVENT_ON_TIME])
    if resolves and _in(resolves[0][0], start, end):
        seconds = resolves[0][1].get(EVENT_WORK_SECONDS)
        if seconds is not None:
            c["resolve_timed"] += 1
            c["resolve_seconds"] += int(seconds)

    # 回访: the issue's latest revisit in the period; reworks up to the period's end.
    revisits = [d for kind, at, _s, d in timeline if kind == "revisit" and _in(at, start, end)]
    if revisits:
        c["revisited"] += 1
        c["satisfied"] += revisits[-1].get("satisfaction") in SATISFIED
        c["reworked"] += any(
            kind == "reopen" or (kind == "revisit" and d.get("satisfaction") == "dissatisfied")
            for kind, _at, _s, d in timeline
        )

    # 退单: dispatched in the period, returned by its end.
    dispatches = [at for kind, at, _s, _d in timeline if kind == "dispatch"]
    if dispatches and _in(dispatches[0], start, end):
        c["dispatched"] += 1
        c["returned"] += any(kind == "return" for kind, _a, _s, _d in timeline)
    return c
