"""The cockpit's rollup (`FactCube`): the figures of the periods leaders open most, kept summed
per combination of dimensions, so the page reads a few hundred rows instead of scanning the
period's facts (DESIGN §12: a city's year is two million facts).

Each period has rows at six levels: FULL (per combination of region, industry, category, unit
and liaison), read when a filter other than the region applies; and REGION, UNIT, INDUSTRY,
CATEGORY, LIAISON (per region, or per region and one dimension), from which an unfiltered page
— or one narrowed to a region — reads its totals, trend and breakdowns.

The materialised periods are the presets of today (this week, month, quarter and year) and
the week and month trend buckets the page draws for each. They are derived from the `Fact`
rows with the very conditions the page counts with (`cockpit.metrics.aggregates`), inside the
same locked transaction that writes the facts:
- `sync` materialises the periods of today that are missing and drops the others (the beat's
  refresh after midnight): the FULL rows from the facts, the other levels summed from them;
- `apply` adds, for issues whose facts are being replaced, their old facts' counts with a minus
  sign and then their new facts' counts, at every level (so the sum of a period's rows of a
  level stays the count over the facts);
- `rebuild` starts afresh (the command and the nightly rebuild).
Any other period is counted on the facts. The tests hold both paths equal, and equal to the
recompute from the events.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import Region
from cockpit import metrics
from cockpit.facts import empty
from cockpit.models import CubePeriod, Fact, FactCube
from cockpit.periods import bucket_bounds, preset_period, trend_buckets

DIMS = ("industry_root_id", "category_root_id", "unit_id", "liaison_id")
KEYS = (*metrics.COUNT_KEYS, *metrics.SUM_KEYS)
PRESETS = ("week", "month", "quarter", "year")
L = FactCube.Level
LEVEL_DIMS = {
    L.FULL: DIMS,
    L.REGION: (),
    L.UNIT: ("unit_id",),
    L.INDUSTRY: ("industry_root_id",),
    L.CATEGORY: ("category_root_id",),
    L.LIAISON: ("liaison_id",),
}
LEVEL_OF = {"unit": L.UNIT, "industry": L.INDUSTRY, "category": L.CATEGORY, "liaison": L.LIAISON}


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


def insert_counts(
    model,
    sources: list[tuple[int, QuerySet]],
    *,
    sign: int,
    constants: dict | None = None,
    columns: dict[str, str] | None = None,
) -> None:
    """Add the rows of each (level, queryset) of `sources` — grouped by the region and the
    level's dimensions, with one column per key of `KEYS` — times `sign`, as rows of `model`
    (`FactCube` or `FactGrain`) with `constants` (column → value) and `columns` (model column
    → column of the source rows). One INSERT … SELECT."""
    q = connection.ops.quote_name
    constants, columns = constants or {}, columns or {}
    names = [*constants, *columns, "level", "region_path", *DIMS, *(f"n_{k}" for k in KEYS)]
    fields = {f.column: f for f in model._meta.concrete_fields}
    values = [fields[c].get_db_prep_value(v, connection) for c, v in constants.items()]
    selects, params = [], []
    for n, (level, rows) in enumerate(sources):
        sql, sql_params = rows.query.sql_with_params()
        kept = LEVEL_DIMS[level]
        select = [
            *(["%s"] * len(constants)),
            *(f"s{n}.{q(source)}" for source in columns.values()),
            str(int(level)),
            f"s{n}.{q('region_path')}",
            *(f"s{n}.{q(d)}" if d in kept else "CAST(NULL AS integer)" for d in DIMS),
            *(f"{int(sign)} * COALESCE(s{n}.{q(k)}, 0)" for k in KEYS),
        ]
        # Names and SQL are our own (Django's compiled queries); every value is a parameter.
        selects.append(f"SELECT {', '.join(select)} FROM ({sql}) s{n}")  # noqa: S608
        params += [*values, *sql_params]
    target = f"{q(model._meta.db_table)} ({', '.join(q(c) for c in names)})"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {target} {' UNION ALL '.join(selects)}", params)


def _insert(sources: list[tuple[int, QuerySet]], start: datetime, end: datetime, sign: int):
    """Add `sources` (see `insert_counts`) as cube rows of [start, end)."""
    insert_counts(FactCube, sources, sign=sign, constants={"start": start, "end": end})


def _from_facts(facts: QuerySet[Fact], start: datetime, end: datetime, level: int) -> QuerySet:
    return (
        facts.filter(t__gte=start, t__lt=end)
        .values("region_path", *LEVEL_DIMS[level])
        .annotate(**metrics.aggregates(start, end))
        .order_by()
    )


def _from_full(start: datetime, end: datetime, level: int) -> QuerySet:
    return (
        FactCube.objects.filter(start=start, end=end, level=L.FULL)
        .values("region_path", *LEVEL_DIMS[level])
        .annotate(**sums())
        .order_by()
    )


def _materialise(start: datetime, end: datetime) -> None:
    """The period's FULL rows from the facts, then the other levels summed from those."""
    _insert([(L.FULL, _from_facts(Fact.objects.all(), start, end, L.FULL))], start, end, 1)
    coarse = [level for level in LEVEL_DIMS if level != L.FULL]
    _insert([(level, _from_full(start, end, level)) for level in coarse], start, end, 1)
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
        sources = [(level, _from_facts(facts, start, end, level)) for level in LEVEL_DIMS]
        _insert(sources, start, end, sign)


def rebuild(today: date | None = None) -> int:
    """Drop the cube and materialise today's periods from the facts anew."""
    empty(FactCube, CubePeriod)
    return sync(today)


def materialised() -> set[tuple[datetime, datetime]]:
    """The periods the cube holds. One query."""
    return set(CubePeriod.objects.values_list("start", "end"))


def level_breakdowns(
    rows: QuerySet, *, level: int, root: Region | None, dims: tuple[str, ...]
) -> tuple[dict[str, int], dict]:
    """The totals and the breakdowns of `dims` from a period's rollup rows (`rows`, of
    `FactCube` or `FactGrain`, narrowed to the filters): from the coarse levels when `level`
    is REGION (no filter but the region), else from that level's rows. One query."""
    if level == L.REGION:
        return breakdowns(rows, root=root, dims=dims)
    return metrics.all_breakdowns(
        rows.filter(level=level), start=None, end=None, root=root, sums=sums(), dims=dims
    )


def breakdowns(rows: QuerySet, *, root: Region | None, dims: tuple[str, ...] = metrics.DIMENSIONS):
    """The totals and the counts per value of every dimension from a period's rows of the
    coarse levels (`rows`, of `FactCube` or `FactGrain`, narrowed to the jurisdiction and the
    region): the totals and the regions from the REGION rows, each other dimension of `dims`
    from the rows of its level. One query of a few hundred rows."""
    _sql, region = metrics.region_prefix(rows.model, root)
    levels = [L.REGION, *(LEVEL_OF[d] for d in dims if d in LEVEL_OF)]
    grouped = (
        rows.filter(level__in=levels)
        .annotate(g_region=region)
        .values("level", "g_region", *DIMS)
        .annotate(**sums())
        .order_by()
    )
    totals = dict.fromkeys(KEYS, 0)
    per: dict[str, dict[object, dict[str, int]]] = {d: {} for d in dims}
    dim_of = {level: dim for dim, level in LEVEL_OF.items()}
    for row in grouped:
        counts = metrics.counts_of(row)
        if row["level"] == L.REGION:
            targets = [totals]
            if "region" in per:
                targets.append(per["region"].setdefault(row["g_region"], dict.fromkeys(KEYS, 0)))
        else:
            dim = dim_of[row["level"]]
            value = row[LEVEL_DIMS[row["level"]][0]]
            targets = [per[dim].setdefault(value, dict.fromkeys(KEYS, 0))]
        for target in targets:
            for k in KEYS:
                target[k] += counts[k]
    return totals, metrics.without_empty(per)
