"""The cockpit's additive rollup (`FactGrain`): the figures of ANY period — a custom one, or a
trend bucket that `cockpit.cube` does not hold — from a few thousand rollup rows and a few
facts, instead of a scan of the period's facts (a city's year is two million of them).

The figures of DESIGN §10 are not sums over days: each counts a fact of [s, e) by a condition
on s and e (`cockpit.metrics.conditions`: the span that holds the period's end, the first
acknowledgement in the period, the latest revisit, a return before the end …). But for almost
every fact, that condition gives the same answer for every period that holds its `t`: the one
it gives for a period from before all time to after it (`metrics.additive_aggregates`). The
exceptions are the facts whose WINDOW (`cockpit.facts.window_of`) holds the period's end (a
span that ended after it, a revisit followed by another after it, a return after it) or its
start (an acknowledgement or a resolution that repeats one from before it). So:

    figures of [s, e) = Σ over the grains that tile [s, e) of their additive counts
                      + Σ over the facts of [s, e) whose window holds s or e of
                        (what the fact counts in [s, e) − what it counts additively).

The grains are whole months, then whole weeks (from Monday), then days (`decompose`): a year
is about twenty of them. The windows that hold one instant are those of the issues in flight
at that moment — a few thousand facts in a city — and SP-GiST indexes on PostgreSQL find them
(migration cockpit 0006). A trend needs twelve instants, so every calendar week and month is
also kept counted as a period of its own (grains WEEK_PERIOD, MONTH_PERIOD): a trend reads
those, and corrects only its last bucket when the period ends inside it (with the period's own
lookup of its end, when the bucket starts in the period).

The rows are kept like the cube's: `rebuild` builds them from every fact (the command and the
nightly rebuild); `apply` adds, for the issues whose facts are being replaced, their old facts'
counts with a minus sign and then their new facts' counts, inside the facts' locked
transaction. Until the first rebuild has run (`built`), periods are counted on the facts. The
tests hold the two paths equal, and equal to the recompute from the events.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Region
from cockpit import cube, metrics
from cockpit.facts import empty, local_midnight, month_start, next_month
from cockpit.models import Fact, FactGrain, Level, RollupState

G = FactGrain.Grain
COLUMN = {
    G.DAY: "day_start",
    G.WEEK: "week_start",
    G.MONTH: "month_start",
    G.WEEK_PERIOD: "week_start",
    G.MONTH_PERIOD: "month_start",
}
BUCKET_OF = {G.WEEK_PERIOD: "week", G.MONTH_PERIOD: "month"}  # the grains that are periods
PERIOD_GRAIN = {bucket: grain for grain, bucket in BUCKET_OF.items()}
STATE_KEY = "grains"

Grains = list[tuple[int, date]]  # (grain, first day)


def decompose(first: date, end: date) -> Grains:
    """The days [first, end) as (grain, first day) tiles: a whole month wherever one starts
    and fits, else a whole week wherever one starts (Monday), fits and does not cross into a
    month that fits whole, else a day."""
    result, day = [], first
    while day < end:
        month_ahead = next_month(day)
        week_ahead = day + timedelta(days=7)
        if day.day == 1 and month_ahead <= end:
            result.append((G.MONTH, day))
            day = month_ahead
        elif (
            day.weekday() == 0
            and week_ahead <= end
            and not (month_ahead < week_ahead and next_month(month_ahead) <= end)
        ):
            result.append((G.WEEK, day))
            day = week_ahead
        else:
            result.append((G.DAY, day))
            day += timedelta(days=1)
    return result


def of_period(start: datetime, end: datetime) -> list[tuple[int, datetime]]:
    """The grains of [start, end) (two local midnights), as (grain, start) of their rows.

    No fact is later than now: for a period that ends after now, tiles may run past its end
    into days that hold nothing. The fewest tiles of [start, end), of [start, the Monday after)
    and of [start, the first of the month after) are taken: "the last 30 days" ends with this
    month's row instead of a row per day of it."""
    first, last = timezone.localdate(start), timezone.localdate(end)
    days = decompose(first, last)
    if end > timezone.now():
        monday = last + timedelta(days=-last.weekday() % 7)
        first_of_month = last if last.day == 1 else next_month(month_start(last))
        for ahead in sorted({monday, first_of_month} - {last}):
            tiles = decompose(first, ahead)
            if len(tiles) < len(days):
                days = tiles
    return [(grain, local_midnight(day)) for grain, day in days]


def _which(grains) -> Q:
    """The rows of these (grain, start)."""
    starts: dict[int, list[datetime]] = {}
    for grain, start in grains:
        starts.setdefault(grain, []).append(start)
    q = Q(pk__in=[])
    for grain, values in starts.items():
        q |= Q(grain=grain, start__in=values)
    return q


# --- Writing ----------------------------------------------------------------------------------


def _aggregates(grain: int) -> dict:
    """How a grain counts its facts: additively, or as the week or month that it is."""
    if grain in BUCKET_OF:
        bucket = BUCKET_OF[grain]
        return metrics.aggregates(F(f"{bucket}_start"), F(f"{bucket}_end"))
    return metrics.additive_aggregates()


def _from_facts(facts: QuerySet[Fact], grain: int, level: int) -> QuerySet:
    return (
        facts.annotate(g_grain=Value(int(grain)), g_start=F(COLUMN[grain]))
        .values("g_grain", "g_start", "region_path", *cube.LEVEL_DIMS[level])
        .annotate(**_aggregates(grain))
        .order_by()
    )


def _from_full(grain: int, level: int) -> QuerySet:
    return (
        FactGrain.objects.filter(grain=grain, level=Level.FULL)
        .annotate(g_grain=F("grain"), g_start=F("start"))
        .values("g_grain", "g_start", "region_path", *cube.LEVEL_DIMS[level])
        .annotate(**cube.sums())
        .order_by()
    )


def _insert(sources: list[tuple[int, QuerySet]], sign: int) -> None:
    cube.insert_counts(
        FactGrain, sources, sign=sign, columns={"grain": "g_grain", "start": "g_start"}
    )


def rebuild() -> None:
    """Drop the rows and build them anew from the facts. Call it holding the facts' lock."""
    empty(FactGrain)
    for grain in G:
        _insert([(Level.FULL, _from_facts(Fact.objects.all(), grain, Level.FULL))], 1)
        coarse = [level for level in cube.LEVEL_DIMS if level != Level.FULL]
        _insert([(level, _from_full(grain, level)) for level in coarse], 1)
    RollupState.objects.update_or_create(key=STATE_KEY, defaults={"rebuilt_at": timezone.now()})


def apply(issue_ids, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) the counts of these issues' current facts, at every
    grain and level. Call it holding the facts' lock, around replacing their facts. One
    query."""
    facts = Fact.objects.filter(issue_id__in=list(issue_ids))
    _insert([(level, _from_facts(facts, g, level)) for g in G for level in cube.LEVEL_DIMS], sign)


def built() -> bool:
    """Whether the rows have been built (by a rebuild since they were introduced). One query."""
    return RollupState.objects.filter(key=STATE_KEY, rebuilt_at__isnull=False).exists()


# --- Reading ----------------------------------------------------------------------------------


SINCE = "since_"  # the prefix of the END corrections of the facts from a later instant on


def corrections(
    facts: QuerySet[Fact], start: datetime, end: datetime, *, since: datetime | None = None
) -> dict[str, tuple[QuerySet, dict]]:
    """The facts of [start, end) whose window holds a bound of it, with the aggregates of their
    corrections: the ACK and RESOLVE facts that hold its start (their START_KEYS) and the
    SPAN, REVISIT and DISPATCH facts that hold its end (their END_KEYS), as two lookups, one
    for each window index. A period that ends after now (the usual "last N days") has no fact
    whose window holds its end — every window closes at an event, and no event is later than
    now — so only its start is looked up.

    `since` (an instant in the period) adds to the end's lookup the corrections of its facts
    from `since` on, as SINCE-prefixed keys: those of a period [since, end), the last bucket
    of the period's trend, from the same lookup."""
    facts = facts.filter(t__gte=start, t__lt=end)
    held = {
        "start": (
            facts.filter(metrics.window_holds_start(start)),
            metrics.correction_aggregates(start, end, keys=metrics.START_KEYS),
        )
    }
    if end <= timezone.now():
        sums = metrics.end_correction_aggregates(end)
        if since is not None:
            later = metrics.end_correction_aggregates(end, within=Q(t__gte=since))
            sums |= {SINCE + key: value for key, value in later.items()}
        held["end"] = (facts.filter(metrics.window_holds_end(start, end)), sums)
    return held


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        into[key] = into.get(key, 0) + value


def breakdowns(
    rows: QuerySet[FactGrain],
    facts: QuerySet[Fact],
    *,
    start: datetime,
    end: datetime,
    root: Region | None,
    level: int,
    dims: tuple[str, ...] = metrics.DIMENSIONS,
    since: datetime | None = None,
):
    """The totals and the counts per value of each dimension of `dims` in [start, end): from
    the rows of its grains (`rows`, narrowed to the filters: the coarse levels when `level`
    is REGION, else that level's) and the corrections of its facts (`facts`, narrowed alike).
    Three queries at most. With `since`, also the end's corrections of the facts from `since`
    on (see `corrections`; None when the end needs none), for `trend`."""
    rows = rows.filter(_which(of_period(start, end)))
    totals, per = cube.level_breakdowns(rows, level=level, root=root, dims=dims)
    later = None
    for bound, (held, sums) in corrections(facts, start, end, since=since).items():
        fix_totals, fix_per = metrics.all_breakdowns(
            held, start=start, end=end, root=root, sums=sums, dims=dims
        )
        if bound == "end" and since is not None:
            later = metrics.counts_of(
                {key: fix_totals.pop(SINCE + key, 0) for key in metrics.END_KEYS}
            )
        _add(totals, fix_totals)
        for dim, values in fix_per.items():
            for value, counts in values.items():
                _add(per[dim].setdefault(value, {}), counts)
    return totals, metrics.without_empty(per), later


def _calendar_end(start: datetime, bucket: str) -> datetime:
    day = timezone.localdate(start)
    following = day + timedelta(days=7) if bucket == "week" else next_month(day)
    return local_midnight(following)


def trend(
    rows: QuerySet[FactGrain],
    facts: QuerySet[Fact],
    *,
    bounds: list[tuple[datetime, datetime]],
    bucket: str,
    end_corrections: dict[tuple[datetime, datetime], dict[str, int]] | None = None,
) -> dict[datetime, dict[str, int]]:
    """The counts of each trend bucket [start, end) of `bounds` (weeks or months, `bucket`),
    keyed by start: a whole week or month from its own rows (WEEK_PERIOD, MONTH_PERIOD), and so
    one that ends after now; one that ends early (the last, at a past period's end) from the
    additive rows of its grains and its facts' corrections. `rows` are narrowed to the filters
    and to one level. `end_corrections` are the end's corrections of a partial bucket that are
    already known (the period's own lookup counted them: `breakdowns` with `since`). Three
    queries at most."""
    bucket_of: dict[tuple[int, datetime], datetime] = {}
    partial = []
    now = timezone.now()
    for start, end in bounds:
        # A bucket cut short by a period that ends after now counts as its whole week or
        # month: the days it leaves out hold no fact, and as of its end or of the week's or
        # month's end, every fact counts alike (no event lies between them).
        if end == _calendar_end(start, bucket) or end > now:
            bucket_of[PERIOD_GRAIN[bucket], start] = start
            continue
        partial.append((start, end))
        for key in of_period(start, end):
            bucket_of[key] = start
    grain_rows = (
        rows.filter(_which(bucket_of)).values("grain", "start").annotate(**cube.sums()).order_by()
    )
    result: dict[datetime, dict[str, int]] = {}
    for row in grain_rows:
        _add(result.setdefault(bucket_of[row["grain"], row["start"]], {}), metrics.counts_of(row))
    known = end_corrections or {}
    for start, end in partial:
        for bound, (held, sums) in corrections(facts, start, end).items():
            if bound == "end" and (start, end) in known:
                _add(result.setdefault(start, {}), known[start, end])
            else:
                _add(result.setdefault(start, {}), metrics.counts_of(held.aggregate(**sums)))
    return result
