"""The cockpit's rollup (`FactCube`): the figures of the periods leaders open most, kept summed
per combination of the five dimensions, so the page reads a few thousand rows instead of
scanning the period's facts (DESIGN §12: a city's year is two million facts).

The materialised periods are the presets of today (this week, month, quarter and year) and
the week and month trend buckets the page draws for each. They are derived from the `Fact`
rows with the very conditions the page counts with (`cockpit.metrics.aggregates`), inside the
same locked transaction that writes the facts:
- `sync` materialises the periods of today that are missing and drops the others (the beat's
  refresh after midnight);
- `apply` adds, for issues whose facts are being replaced, their old facts' counts with a minus
  sign and then their new facts' counts (so the sum of a period's rows stays the count over
  the facts);
- `rebuild` starts afresh (the nightly rebuild).
Any other period is counted on the facts. The tests hold both paths equal, and equal to the
recompute from the events.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils import timezone

from cockpit import metrics
from cockpit.models import CubePeriod, Fact, FactCube
from cockpit.periods import bucket_bounds, preset_period, trend_buckets

DIMS = ("region_path", "industry_root_id", "category_root_id", "unit_id", "liaison_id")
KEYS = (*metrics.COUNT_KEYS, *metrics.SUM_KEYS)
PRESETS = ("week", "month", "quarter", "year")


def wanted(today: date) -> set[tuple[datetime, datetime]]:
    """The periods kept in the cube on `today`: [start, end) of each preset and of each of
    its week and month trend buckets."""
    result = set()
    for preset in PRESETS:
        period = preset_period(preset, today)
        result.add((period.start, period.end))
        for bucket in ("week", "month"):
            for day, following in trend_buckets(period, bucket):
                result.add(bucket_bounds(period, day, following))
    return result


def sums() -> dict:
    """The aggregates that read a period's counts off its cube rows."""
    return {key: Sum(f"n_{key}") for key in KEYS}


def _insert(facts: QuerySet[Fact], start: datetime, end: datetime, sign: int) -> None:
    """Add the counts of `facts` in [start, end), per combination of dimensions, times
    `sign`, as cube rows of that period. One INSERT … SELECT."""
    rows = (
        facts.filter(t__gte=start, t__lt=end)
        .values(*DIMS)
        .annotate(**metrics.aggregates(start, end))
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    q = connection.ops.quote_name
    columns = ["start", "end", *DIMS, *(f"n_{k}" for k in KEYS)]
    select = [
        "%s",
        "%s",
        *(f"sub.{q(d)}" for d in DIMS),
        *(f"{int(sign)} * COALESCE(sub.{q(k)}, 0)" for k in KEYS),
    ]
    bounds = [connection.ops.adapt_datetimefield_value(v) for v in (start, end)]
    target = f"{q(FactCube._meta.db_table)} ({', '.join(q(c) for c in columns)})"
    # Names and SQL are our own (Django's compiled query); every value is a parameter.
    insert = f"INSERT INTO {target} SELECT {', '.join(select)} FROM ({sql}) sub"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(insert, [*bounds, *params])


def _materialise(start: datetime, end: datetime) -> None:
    _insert(Fact.objects.all(), start, end, 1)
    CubePeriod.objects.create(start=start, end=end)


def sync(today: date | None = None) -> int:
    """Keep exactly the periods `wanted` today. Returns how many were materialised. Call it
    holding the facts' lock (`cockpit.facts`)."""
    want = wanted(today or timezone.localdate())
    have = {(p.start, p.end): p.pk for p in CubePeriod.objects.all()}
    stale = [pk for bounds, pk in have.items() if bounds not in want]
    for period in CubePeriod.objects.filter(pk__in=stale):
        FactCube.objects.filter(start=period.start, end=period.end).delete()
        period.delete()
    missing = sorted(want - set(have))
    for start, end in missing:
        _materialise(start, end)
    return len(missing)


def apply(issue_ids, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) the counts of these issues' current facts in every
    materialised period. Call it holding the facts' lock, around replacing their facts."""
    facts = Fact.objects.filter(issue_id__in=list(issue_ids))
    for start, end in CubePeriod.objects.values_list("start", "end"):
        _insert(facts, start, end, sign)


def rebuild(today: date | None = None) -> int:
    """Drop the cube and materialise today's periods from the facts anew."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {FactCube._meta.db_table}, {CubePeriod._meta.db_table}")
    else:
        FactCube.objects.all().delete()
        CubePeriod.objects.all().delete()
    return sync(today)


def materialised() -> set[tuple[datetime, datetime]]:
    """The periods the cube holds. One query."""
    return set(CubePeriod.objects.values_list("start", "end"))
