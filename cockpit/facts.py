"""Build the cockpit's `Fact` rows from the issue timeline (DESIGN §8, §10).

The facts are derived data. `facts_for_issue` turns one issue's events (in order) into its
facts; `rebuild_all` rebuilds every issue's (the command `cockpit_rebuild`, the nightly beat);
`refresh` rebuilds the issues that have new events since the last run (the beat, every minute,
and the cockpit page itself before it counts). Nothing else writes facts. The rollups of
`cockpit.cube` and `cockpit.grains` are kept in step here, in the same transactions.

Everything a fact says comes from the events: the state after each event (`to_state`), the lead
unit from dispatch / re-dispatch data, the outcome from resolve data, the on-time fact and the
business seconds written on acknowledge / resolve events (`EVENT_*` keys below). Only the
dimensions (the enterprise's region and industry, the issue's category and liaison) are read
from the current rows, as DESIGN §10 says the filters apply.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cockpit.models import Fact, RollupState
from crm.lib.pgcopy import copy_rows
from issues.models import Issue, IssueEvent

logger = logging.getLogger(__name__)

# Keys of the facts written on acknowledge and resolve events (issues.services.handlers).
EVENT_DEADLINE = "deadline"  # ISO datetime of the deadline in force at that moment, or None
EVENT_ON_TIME = "on_time"  # True / False; None when no deadline was in force
EVENT_WORK_SECONDS = "work_seconds"  # acknowledge: business seconds since the latest dispatch;
# resolve: business seconds since registration, time waiting for the enterprise excluded
EVENT_PAUSED_SECONDS = "paused_business_seconds"  # resolve: waiting time so far (business)

DONE_STATES = frozenset({"resolved", "closed"})
ENDED_STATES = frozenset({"withdrawn", "merged"})
SATISFIED = frozenset({"satisfied", "basically_satisfied"})

CHUNK = 2000  # issues per batch when rebuilding
LOOKBACK = 500  # event ids re-read on refresh, for transactions that committed out of order


def status_of(state: str) -> str:
    if state in DONE_STATES:
        return Fact.Status.DONE
    if state in ENDED_STATES:
        return Fact.Status.ENDED
    return Fact.Status.OPEN


def week_start(local_day: date) -> date:
    return local_day - timedelta(days=local_day.weekday())


def month_start(local_day: date) -> date:
    return local_day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def buckets(t: datetime) -> dict[str, datetime]:
    day = timezone.localdate(t)
    w, m = week_start(day), month_start(day)
    return {
        "day_start": local_midnight(day),
        "week_start": local_midnight(w),
        "week_end": local_midnight(w + timedelta(days=7)),
        "month_start": local_midnight(m),
        "month_end": local_midnight(next_month(m)),
    }


@dataclass(frozen=True)
class IssueDims:
    issue_id: int
    registered_at: datetime
    region_path: str
    industry_id: int | None
    industry_root_id: int | None
    category_id: int
    category_root_id: int
    liaison_id: int | None


@dataclass(frozen=True)
class Ev:
    """The part of an IssueEvent the facts need."""

    kind: str
    at: datetime
    to_state: str
    data: dict


# Whose window holds bounds of the period's end, and whose of its start.
END_WINDOW_KINDS = (Fact.Kind.SPAN, Fact.Kind.DISPATCH, Fact.Kind.REVISIT)
START_WINDOW_KINDS = (Fact.Kind.ACK, Fact.Kind.RESOLVE)


def window_of(kind: int, t: datetime, **fields) -> tuple[datetime | None, datetime | None]:
    """The window (lo, hi] of period bounds in which a fact counts otherwise than in the
    additive rollup (see `cockpit.grains`), or (None, None). `fields` are the fact's own.

    - SPAN: a span that ended counts only for a period ending in (span_start, span_end]; the
      last span counts for every period ending after its start, so otherwise than
      additively for one ending in (t, span_start].
    - REVISIT: one followed by another counts only for a period ending by the next one,
      (t, next_at]; the last one counts as reworked only for a period ending after the
      first rework, so otherwise for one ending in (t, mark_at].
    - DISPATCH: returned only for a period ending after the return: (t, mark_at].
    - ACK, RESOLVE: a repeated one is the first in a period starting in (prev_at, t].
    """
    lo = hi = None
    if kind == Fact.Kind.SPAN:
        if fields.get("span_end") is not None:
            lo, hi = fields["span_start"], fields["span_end"]
        else:
            lo, hi = t, fields.get("span_start")
    elif kind in START_WINDOW_KINDS:
        lo, hi = fields.get("prev_at"), t
    elif kind == Fact.Kind.REVISIT:
        lo, hi = t, fields.get("next_at") or fields.get("mark_at")
    elif kind == Fact.Kind.DISPATCH:
        lo, hi = t, fields.get("mark_at")
    if lo is None or hi is None or hi <= lo:
        return None, None
    return lo, hi


def _fact(dims: IssueDims, kind: int, t: datetime, unit_id, **fields) -> Fact:
    w_lo, w_hi = window_of(kind, t, **fields)
    return Fact(
        issue_id=dims.issue_id,
        kind=kind,
        t=t,
        unit_id=unit_id,
        region_path=dims.region_path,
        industry_id=dims.industry_id,
        industry_root_id=dims.industry_root_id,
        category_id=dims.category_id,
        category_root_id=dims.category_root_id,
        liaison_id=dims.liaison_id,
        **buckets(t),
        w_lo=w_lo,
        w_hi=w_hi,
        **fields,
    )


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def facts_for_issue(dims: IssueDims, events: Iterable[Ev]) -> list[Fact]:
    """The facts of one issue, from its events in timeline order (see `Fact`)."""
    events = list(events)
    facts: list[Fact] = []
    reg = dims.registered_at
    unit_id = None
    latest_outcome = ""
    span = None  # [status, unit, outcome, start]
    spans: list[tuple] = []

    def move_to(status: str, at: datetime) -> None:
        nonlocal span
        key = (status, unit_id, latest_outcome if status == Fact.Status.DONE else "")
        if span is not None and span[:3] == key:
            return
        if span is not None:
            spans.append((*span, at))
        span = [*key, at]

    move_to(Fact.Status.OPEN, reg)
    reworks = [e.at for e in events if e.kind == "reopen"] + [
        e.at for e in events if e.kind == "revisit" and e.data.get("satisfaction") == "dissatisfied"
    ]
    first_rework = min(reworks) if reworks else None
    returns = [e.at for e in events if e.kind == "return"]
    revisit_times = [e.at for e in events if e.kind == "revisit"]
    prev_ack = prev_resolve = None
    dispatched = False
    for ev in events:
        if ev.kind in ("dispatch", "rule_return") and ev.data.get("lead_unit_id"):
            unit_id = _int(ev.data["lead_unit_id"])
        if ev.kind == "resolve":
            latest_outcome = ev.data.get("outcome", "") or ""
        if ev.kind == "dispatch" and not dispatched:
            dispatched = True
            later = [r for r in returns if r >= ev.at]
            facts.append(
                _fact(dims, Fact.Kind.DISPATCH, ev.at, unit_id, mark_at=min(later, default=None))
            )
        elif ev.kind == "acknowledge":
            facts.append(
                _fact(
                    dims,
                    Fact.Kind.ACK,
                    ev.at,
                    unit_id,
                    prev_at=prev_ack,
                    flag=ev.data.get(EVENT_ON_TIME),
                    seconds=_int(ev.data.get(EVENT_WORK_SECONDS)),
                )
            )
            prev_ack = ev.at
        elif ev.kind == "resolve":
            first = prev_resolve is None
            facts.append(
                _fact(
                    dims,
                    Fact.Kind.RESOLVE,
                    ev.at,
                    unit_id,
                    prev_at=prev_resolve,
                    flag=ev.data.get(EVENT_ON_TIME),
                    first_ever=first,
                    outcome=latest_outcome,
                    seconds=_int(ev.data.get(EVENT_WORK_SECONDS)) if first else None,
                )
            )
            prev_resolve = ev.at
        elif ev.kind == "revisit":
            later = [t for t in revisit_times if t > ev.at]
            facts.append(
                _fact(
                    dims,
                    Fact.Kind.REVISIT,
                    ev.at,
                    unit_id,
                    next_at=min(later, default=None),
                    flag=ev.data.get("satisfaction") in SATISFIED,
                    mark_at=first_rework,
                )
            )
        if ev.to_state:
            move_to(status_of(ev.to_state), ev.at)
    spans.append((*span, None))
    for status, span_unit, outcome, start, end in spans:
        facts.append(
            _fact(
                dims,
                Fact.Kind.SPAN,
                reg,
                span_unit,
                status=status,
                outcome=outcome,
                span_start=start,
                span_end=end,
            )
        )
    return facts


def _insert(facts: list[Fact]) -> None:
    """Write facts: COPY on PostgreSQL (a city's rebuild writes millions), bulk_create
    elsewhere."""
    if connection.vendor != "postgresql" or len(facts) < 1000:
        Fact.objects.bulk_create(facts, batch_size=5000)
        return
    fields = [f for f in Fact._meta.concrete_fields if f.attname != "id"]
    copy_rows(
        Fact._meta.db_table,
        [f.column for f in fields],
        ([getattr(fact, f.attname) for f in fields] for fact in facts),
    )


def _dims(issue_ids) -> dict[int, IssueDims]:
    rows = Issue.objects.filter(pk__in=issue_ids).values_list(
        "pk",
        "registered_at",
        "enterprise__region__path",
        "enterprise__industry_id",
        "enterprise__industry__parent_id",
        "category_id",
        "category__parent_id",
        "liaison_id",
    )
    return {
        pk: IssueDims(pk, reg, path, ind, ind_parent or ind, cat, cat_parent or cat, liaison)
        for pk, reg, path, ind, ind_parent, cat, cat_parent, liaison in rows
    }


def _events(issue_ids) -> Iterator[tuple[int, list[Ev]]]:
    rows = (
        IssueEvent.objects.filter(issue_id__in=issue_ids)
        .order_by("issue_id", "at", "pk")
        .values_list("issue_id", "kind", "at", "to_state", "data")
    )
    current, batch = None, []
    for issue_id, kind, at, to_state, data in rows.iterator(chunk_size=5000):
        if issue_id != current:
            if current is not None:
                yield current, batch
            current, batch = issue_id, []
        batch.append(Ev(kind, at, to_state, data or {}))
    if current is not None:
        yield current, batch


def build_issues(issue_ids) -> int:
    """Replace the facts of `issue_ids` by facts built from their events. Returns the count."""
    issue_ids = list(issue_ids)
    dims = _dims(issue_ids)
    facts: list[Fact] = []
    seen = set()
    for issue_id, events in _events(issue_ids):
        if issue_id in dims:
            seen.add(issue_id)
            facts.extend(facts_for_issue(dims[issue_id], events))
    for issue_id in set(dims) - seen:  # no events at all (should not happen): registration only
        facts.extend(facts_for_issue(dims[issue_id], []))
    from cockpit import cube, grains

    cube.apply(issue_ids, -1)
    grains.apply(issue_ids, -1)
    Fact.objects.filter(issue_id__in=issue_ids).delete()
    _insert(facts)
    cube.apply(issue_ids, 1)
    grains.apply(issue_ids, 1)
    return len(facts)


def empty(*models) -> None:
    """Delete every row of these derived tables: TRUNCATE on PostgreSQL (millions of rows)."""
    if connection.vendor != "postgresql":
        for model in models:
            model.objects.all().delete()
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction would make
        # TRUNCATE refuse: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)}")


def _state(*, wait: bool = True) -> RollupState | None:
    """The bookkeeping row, locked; None when `wait` is false and another run holds it."""
    RollupState.objects.get_or_create(key="facts")
    qs = RollupState.objects.filter(key="facts")
    if not wait and connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True).first()
    return qs.select_for_update().get()


def lay_out() -> None:
    """On PostgreSQL, rewrite the facts in the order of the index `cockpit_fact_layout`
    (migration cockpit 0007): by when their window closes, then by t, so that the facts holding
    a past period's end lie on few pages. Call it holding the facts' lock (it takes the table's
    exclusive lock, as the TRUNCATE before it did)."""
    if connection.vendor != "postgresql":
        return
    table = Fact._meta.db_table
    with connection.cursor() as cursor:
        # The deferred checks of the facts' foreign keys first: CLUSTER refuses a table with
        # pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CLUSTER {table} USING cockpit_fact_layout")
        cursor.execute(f"ANALYZE {table}")


def rebuild_all() -> dict:
    """Rebuild every fact from the events, then the rollup from the facts (the command and the
    nightly beat). Idempotent."""
    with transaction.atomic():
        state = _state()
        last = IssueEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        empty(Fact)
        ids = list(Issue.objects.order_by("pk").values_list("pk", flat=True))
        count = 0
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            dims = _dims(chunk)
            facts: list[Fact] = []
            for issue_id, events in _events(chunk):
                facts.extend(facts_for_issue(dims[issue_id], events))
            _insert(facts)
            count += len(facts)
        lay_out()
        # Here: cube and grains import this module through cockpit.periods.
        from cockpit import cube, grains

        cube.rebuild()
        grains.rebuild()
        state.last_event_id = last
        state.rebuilt_at = state.refreshed_at = timezone.now()
        state.save()
    logger.info("cockpit facts rebuilt: %s issues, %s facts", len(ids), count)
    return {"issues": len(ids), "facts": count, "last_event_id": last}


def _nothing_newer() -> bool:
    """Whether no event is newer than the last run's, read without the lock: then a refresh
    finds nothing to do, and a page's call returns before taking the lock (whose commit is a
    flush to disk on every page view). Two index reads."""
    last = RollupState.objects.filter(key="facts").values_list("last_event_id", flat=True).first()
    newest = IssueEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last is not None and (newest is None or newest <= last)


def refresh(*, max_events: int = 20_000, wait: bool = True, sync_cube: bool = True) -> int:
    """Rebuild the facts of the issues with events newer than the last run (up to `max_events`
    events per call, oldest first; the rest on the next call), and the rollup with them
    (`cockpit.cube`; with `sync_cube`, also the rollup's periods of today). Returns the number
    of issues rebuilt. The beat calls it every minute; the page calls it with `wait=False`, a
    small batch and no sync before counting, so a viewer never queues behind another
    refresh, and takes no lock when there is nothing new."""
    from cockpit import cube

    if not wait and _nothing_newer():
        return 0
    with transaction.atomic():
        state = _state(wait=wait)
        if state is None:
            return 0
        if sync_cube:
            cube.sync()
        rows = list(
            IssueEvent.objects.filter(pk__gt=max(state.last_event_id - LOOKBACK, 0))
            .order_by("pk")
            .values_list("pk", "issue_id")[:max_events]
        )
        if not rows or rows[-1][0] <= state.last_event_id:
            return 0
        ids = sorted({issue_id for _pk, issue_id in rows})
        for i in range(0, len(ids), CHUNK):
            build_issues(ids[i : i + CHUNK])
        state.last_event_id = rows[-1][0]
        state.refreshed_at = timezone.now()
        state.save()
    return len(ids)
