"""The figures of DESIGN §10, counted on the `Fact` rows (the fast path).

Every figure is a count of issues selected by one condition on the facts, so the same condition
gives the number, its drill-down list (`issue_ids_for`) and its breakdowns. `conditions(s, e)`
takes the period's bounds either as datetimes (a period) or as bucket columns (a trend), so a
trend is one grouped query. Each condition selects at most one fact per issue by construction
(the span that contains the period's end, the first acknowledgement / resolution in the period,
the latest revisit in the period, the one dispatch), so COUNT(*) counts issues.

`cockpit.recompute` computes the same counts from the events alone; the tests hold them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from cockpit.facts import END_WINDOW_KINDS, START_WINDOW_KINDS
from cockpit.models import Fact

K = Fact.Kind
S = Fact.Status


def _in_period(s, e) -> Q:
    return Q(t__gte=s, t__lt=e)


def conditions(s, e) -> dict[str, Q]:
    """The counting conditions for the period [s, e), as of e (see the module doc)."""
    span = Q(kind=K.SPAN, span_start__lt=e) & (Q(span_end__gte=e) | Q(span_end__isnull=True))
    accepted = span & ~Q(status=S.ENDED)
    done = span & Q(status=S.DONE)
    first_ack = Q(kind=K.ACK) & (Q(prev_at__isnull=True) | Q(prev_at__lt=s))
    acked = first_ack & Q(flag__isnull=False)
    first_res = Q(kind=K.RESOLVE) & (Q(prev_at__isnull=True) | Q(prev_at__lt=s))
    resolved = first_res & Q(flag__isnull=False)
    revisited = Q(kind=K.REVISIT) & (Q(next_at__isnull=True) | Q(next_at__gte=e))
    dispatched = Q(kind=K.DISPATCH)
    return {
        "accepted": accepted,
        "done": done,
        "outcome_solved": done & Q(outcome="solved"),
        "outcome_partly_solved": done & Q(outcome="partly_solved"),
        "outcome_explained": done & Q(outcome="explained"),
        "acked": acked,
        "acked_on_time": acked & Q(flag=True),
        "ack_timed": first_ack & Q(flag__isnull=False, seconds__isnull=False),
        "resolved": resolved,
        "resolved_on_time": resolved & Q(flag=True),
        "resolve_timed": Q(kind=K.RESOLVE, first_ever=True, seconds__isnull=False),
        "revisited": revisited,
        "satisfied": revisited & Q(flag=True),
        "reworked": revisited & Q(mark_at__lt=e),
        "dispatched": dispatched,
        "returned": dispatched & Q(mark_at__lt=e),
    }


COUNT_KEYS = tuple(conditions(None, None))
SUM_KEYS = {"ack_seconds": "ack_timed", "resolve_seconds": "resolve_timed"}


def aggregates(s, e) -> dict:
    conds = conditions(s, e)
    result = {key: Count("pk", filter=q) for key, q in conds.items()}
    for key, base in SUM_KEYS.items():
        result[key] = Sum("seconds", filter=conds[base])
    return result


# Bounds before and after every fact: with them, `conditions` counts each fact as the additive
# rollup does (`cockpit.grains`): only the last span, the first acknowledgement and resolution
# ever, the last revisit, and every return and rework.
FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 12, 30, tzinfo=UTC)


def additive_aggregates() -> dict:
    """How each fact counts in the additive rollup, whatever the period."""
    return aggregates(FAR_PAST, FAR_FUTURE)


# The keys a fact whose window holds the period's start (an ACK or RESOLVE: its first-in-period
# condition) or its end (a SPAN, REVISIT or DISPATCH: its as-of-the-end condition) can count
# otherwise than additively; every other key of those facts counts alike whatever the period.
START_KEYS = ("acked", "acked_on_time", "ack_timed", "resolved", "resolved_on_time", "ack_seconds")
END_KEYS = (
    "accepted",
    "done",
    "outcome_solved",
    "outcome_partly_solved",
    "outcome_explained",
    "revisited",
    "satisfied",
    "reworked",
    "returned",
)


def correction_aggregates(s, e, keys=None, within: Q | None = None) -> dict:
    """For facts of [s, e) whose window holds a bound of it: what each counts in the period
    minus what it counts in the additive rollup (for `keys`, by default all; of the facts
    `within`, by default all)."""
    exact, additive = conditions(s, e), conditions(FAR_PAST, FAR_FUTURE)
    if within is not None:
        exact = {k: q & within for k, q in exact.items()}
        additive = {k: q & within for k, q in additive.items()}
    result = {k: Count("pk", filter=exact[k]) - Count("pk", filter=additive[k]) for k in exact}
    for key, base in SUM_KEYS.items():
        result[key] = Coalesce(Sum("seconds", filter=exact[base]), 0) - Coalesce(
            Sum("seconds", filter=additive[base]), 0
        )
    return result if keys is None else {k: result[k] for k in keys}


def end_correction_aggregates(e, within: Q | None = None) -> dict:
    """`correction_aggregates(s, e, keys=END_KEYS)` for the facts whose window holds the end
    `e` (`window_holds_end`), written out for them: half the aggregates, and simple ones, for
    the thousands of facts a past period's end holds. The tests hold the two equal.

    - A span that ended after e is the span at e: +1 to its status's keys. The issue's last
      span, begun after e, is not yet: -1 to them.
    - A revisit followed by another after e is the latest at e: +1 revisited (and satisfied),
      and reworked if its rework came before e. The last revisit, reworked after e: -1
      reworked.
    - A dispatch returned after e: -1 returned."""
    within = within if within is not None else Q()
    sign = Case(When(span_end__isnull=True, then=Value(-1)), default=Value(1))
    span = Q(kind=K.SPAN) & within
    done = span & Q(status=S.DONE)
    followed = Q(kind=K.REVISIT, next_at__isnull=False) & within
    last = Q(kind=K.REVISIT, next_at__isnull=True, mark_at__isnull=False) & within

    def signed(q: Q):
        return Coalesce(Sum(sign, filter=q), 0)

    return {
        "accepted": signed(span & ~Q(status=S.ENDED)),
        "done": signed(done),
        "outcome_solved": signed(done & Q(outcome="solved")),
        "outcome_partly_solved": signed(done & Q(outcome="partly_solved")),
        "outcome_explained": signed(done & Q(outcome="explained")),
        "revisited": Count("pk", filter=followed),
        "satisfied": Count("pk", filter=followed & Q(flag=True)),
        "reworked": Count("pk", filter=followed & Q(mark_at__lt=e)) - Count("pk", filter=last),
        "returned": -Count("pk", filter=Q(kind=K.DISPATCH) & within),
    }


def window_holds_end(s: datetime, e: datetime) -> Q:
    """The SPAN, DISPATCH and REVISIT facts of [s, e) whose window holds its end `e`.

    Such a window never opens before its fact (t <= w_lo), so these are the facts whose
    (t, w_hi] holds e and lies after s, and whose w_lo is before e. On PostgreSQL the first
    two conditions are one question to the SP-GiST index over (t, w_hi] (migration cockpit
    0006), which reads only the facts of the period: a quad tree over (t, w_hi) answers both
    bounds at once."""
    q = Q(kind__in=END_WINDOW_KINDS, w_lo__isnull=False, w_lo__lt=e)
    if connection.vendor != "postgresql":
        return q & Q(t__gte=s, t__lt=e, w_hi__gte=e)
    span = _range_sql("t", "w_hi")
    # The table name is ours; the instants are parameters.
    within = RawSQL(  # noqa: S611
        f"{span} @> %s AND {span} <@ tstzrange(%s, NULL, '[)')",
        (e, s),
        output_field=BooleanField(),
    )
    return q & Q(within)


def window_holds_start(s: datetime) -> Q:
    """The ACK and RESOLVE facts whose window holds the period's start `s`. On PostgreSQL
    written as the SP-GiST index over the window (migration cockpit 0006) is, so that it
    answers it."""
    q = Q(kind__in=START_WINDOW_KINDS, w_lo__isnull=False)
    if connection.vendor != "postgresql":
        return q & Q(w_lo__lt=s, w_hi__gte=s)
    # The table name is ours; the instant is a parameter.
    holds = RawSQL(  # noqa: S611
        f"{_range_sql('w_lo', 'w_hi')} @> %s", (s,), output_field=BooleanField()
    )
    return q & Q(holds)


def _range_sql(lower: str, upper: str) -> str:
    table = connection.ops.quote_name(Fact._meta.db_table)
    return f"""tstzrange({table}."{lower}", {table}."{upper}", '(]')"""


def counts_of(row: dict) -> dict[str, int]:
    return {k: int(row.get(k) or 0) for k in (*COUNT_KEYS, *SUM_KEYS)}


# --- What the page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    definition: str
    num_key: str
    den_key: str


RATES = (
    Rate(
        "done_rate",
        _("办结率"),
        _("本期受理的诉求中，截至期末处于已办结或已销号状态的件数 ÷ 受理量"),
        "done",
        "accepted",
    ),
    Rate(
        "solve_rate",
        _("解决率"),
        _("本期受理的诉求中，截至期末已办结且最近一次办结结果为“已解决”的件数 ÷ 受理量"),
        "outcome_solved",
        "accepted",
    ),
    Rate(
        "partly_rate",
        _("部分解决占比"),
        _("已办结且最近一次办结结果为“部分解决”的件数 ÷ 受理量"),
        "outcome_partly_solved",
        "accepted",
    ),
    Rate(
        "explained_rate",
        _("已释因占比"),
        _("已办结且最近一次办结结果为“已释因”的件数 ÷ 受理量"),
        "outcome_explained",
        "accepted",
    ),
    Rate(
        "ack_rate",
        _("按时签收率"),
        _("本期签收的诉求中，在签收当时有效的签收时限内签收的件数 ÷ 本期签收件数"),
        "acked_on_time",
        "acked",
    ),
    Rate(
        "on_time_rate",
        _("按时办结率"),
        _(
            "本期内首次办结的诉求中，该次办结未超过当时有效办理期限（含批准延期、扣除待企业补充）"
            "的件数 ÷ 本期内有办结的件数"
        ),
        "resolved_on_time",
        "resolved",
    ),
    Rate(
        "satisfaction_rate",
        _("满意率"),
        _("本期回访的诉求中，本期最近一次回访为“满意”或“基本满意”的件数 ÷ 本期回访件数"),
        "satisfied",
        "revisited",
    ),
    Rate(
        "rework_rate",
        _("重办率"),
        _("本期回访的诉求中，截至期末有过重办（不满意回访或企业重新办理）的件数 ÷ 本期回访件数"),
        "reworked",
        "revisited",
    ),
    Rate(
        "return_rate",
        _("退单率"),
        _("本期派单的诉求中，截至期末被承办单位退回过的件数 ÷ 本期派单件数"),
        "returned",
        "dispatched",
    ),
)
RATE_BY_KEY = {r.key: r for r in RATES}

COUNT_LABELS = {
    "accepted": _("受理量"),
    "done": _("办结件数"),
    "outcome_solved": _("已解决件数"),
    "outcome_partly_solved": _("部分解决件数"),
    "outcome_explained": _("已释因件数"),
    "acked": _("签收件数"),
    "acked_on_time": _("按时签收件数"),
    "resolved": _("办结（本期首次）件数"),
    "resolved_on_time": _("按时办结件数"),
    "revisited": _("回访件数"),
    "satisfied": _("满意件数"),
    "reworked": _("重办件数"),
    "dispatched": _("派单件数"),
    "returned": _("退单件数"),
    "ack_timed": _("计入签收用时的件数"),
    "resolve_timed": _("计入办理用时的件数"),
}
ACCEPTED_DEFINITION = _("本期登记的诉求件数（截至期末已撤回或已合并的不计）")
ACK_TIME_DEFINITION = _("本期签收的诉求，从最近一次派单到签收的工作时长（小时）的平均值")
RESOLVE_TIME_DEFINITION = _(
    "本期内首次办结的诉求，从登记到首次办结的工作日数的平均值，扣除待企业补充的时间"
)

BUSINESS_DAY_SECONDS = 9 * 3600  # 08:30–17:30, as workcalendar's default business day


def percent(num: int, den: int) -> float | None:
    return None if not den else round(num * 100.0 / den, 1)


@dataclass
class Figures:
    """The counts of one period (or one breakdown row) and what the page derives from them."""

    counts: dict[str, int]
    label: str = ""
    key: object = None
    rates: dict[str, float | None] = field(init=False)

    def __post_init__(self) -> None:
        c = self.counts
        self.rates = {r.key: percent(c[r.num_key], c[r.den_key]) for r in RATES}

    def __getitem__(self, key):
        return self.counts[key]

    @property
    def ack_hours(self) -> float | None:
        n = self.counts["ack_timed"]
        return round(self.counts["ack_seconds"] / n / 3600, 1) if n else None

    @property
    def resolve_days(self) -> float | None:
        n = self.counts["resolve_timed"]
        return round(self.counts["resolve_seconds"] / n / BUSINESS_DAY_SECONDS, 1) if n else None


# --- Queries ----------------------------------------------------------------------------------


def figures(facts: QuerySet[Fact], *, start: datetime, end: datetime) -> Figures:
    """The counts of [start, end) over `facts` (already narrowed to jurisdiction and filters).
    One query."""
    row = facts.filter(_in_period(start, end)).aggregate(**aggregates(start, end))
    return Figures(counts_of(row))


DIMENSIONS = ("unit", "region", "industry", "category", "liaison")
_DIM_FIELD = {
    "unit": "unit_id",
    "industry": "industry_root_id",
    "category": "category_root_id",
    "liaison": "liaison_id",
}


def breakdown(
    facts: QuerySet[Fact], *, start: datetime, end: datetime, dim: str, root: Region | None
) -> dict[object, dict[str, int]]:
    """Counts of [start, end) per value of `dim` (regions: per child of `root`). One query."""
    return all_breakdowns(facts, start=start, end=end, root=root)[1][dim]


def region_prefix(model, root: Region | None) -> tuple[str, RawSQL]:
    """The SQL (and the expression) of the path of the child of `root` (or of the root region)
    that a row's `region_path` lies in: what the region breakdown groups by."""
    length = len(root.path) + Region.steplen if root is not None else Region.steplen
    # The table and the length are ours: inlined, so the GROUP BY holds no parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    region_sql = f'SUBSTRING({table}."region_path", 1, {int(length)})'
    return region_sql, RawSQL(region_sql, ())  # noqa: S611 — no outside input


def all_breakdowns(
    facts: QuerySet,
    *,
    start: datetime,
    end: datetime,
    root: Region | None,
    sums: dict | None = None,
    dims: tuple[str, ...] = DIMENSIONS,
) -> tuple[dict[str, int], dict[str, dict[object, dict[str, int]]]]:
    """The totals and the counts per value of every dimension, from ONE scan of the period's
    facts — or, given `sums` (`cockpit.cube.sums()`), of the period's rollup rows, which carry
    the same dimension columns. On PostgreSQL the database sums per dimension (GROUPING
    SETS); elsewhere the scan is grouped by all five dimensions at once and summed here. Only
    the dimensions `dims` are broken down (each costs the database a grouping set). Keys of
    `sums` other than the figures' are summed into the totals only."""
    region_sql, region = region_prefix(facts.model, root)
    if sums is None:
        facts, sums = facts.filter(_in_period(start, end)), aggregates(start, end)
    extra = [key for key in sums if key not in COUNT_KEYS and key not in SUM_KEYS]
    if not dims:
        return _totals_of(facts.aggregate(**sums), extra), {}
    if connection.vendor == "postgresql":
        # Grouped by the chosen dimensions only: GROUPING SETS may name no other column.
        chosen = [d for d in ("region", *_DIM_FIELD) if d in dims]
        qs = (
            facts.annotate(g_region=region)
            .values(*(_GROUPED_BY[d] for d in chosen))
            .annotate(**sums)
            .order_by()
        )
        totals, per = _grouping_sets(qs, region_sql, chosen, extra)
        return totals, without_empty(per)
    qs = (
        facts.annotate(g_region=region)
        .values("g_region", *_DIM_FIELD.values())
        .annotate(**sums)
        .order_by()
    )
    keys = (*COUNT_KEYS, *SUM_KEYS)
    totals = dict.fromkeys((*keys, *extra), 0)
    per: dict[str, dict[object, dict[str, int]]] = {d: {} for d in dims}
    for row in qs:
        counts = _totals_of(row, extra)
        for k in totals:
            totals[k] += counts[k]
        for dim in dims:
            value = row["g_region"] if dim == "region" else row[_DIM_FIELD[dim]]
            target = per[dim].setdefault(value, dict.fromkeys(keys, 0))
            for k in keys:
                target[k] += counts[k]
    return totals, without_empty(per)


def without_empty(per: dict[str, dict[object, dict[str, int]]]):
    """The breakdown rows that count something: a dimension value whose facts in the period
    meet no condition (or whose rollup rows cancel out) is left off."""
    return {
        dim: {value: c for value, c in rows.items() if any(c.values())} for dim, rows in per.items()
    }


_GROUPED_BY = {"region": "g_region", **_DIM_FIELD}  # the column of each dimension


def _totals_of(row: dict, extra: list[str]) -> dict[str, int]:
    return counts_of(row) | {key: int(row.get(key) or 0) for key in extra}


def _grouping_sets(qs: QuerySet, region_sql: str, dims: list[str], extra: list[str]):
    """Run `qs` (grouped by the columns of `dims`, in that order) as GROUPING SETS: the totals
    (with the `extra` keys) and one set per dimension, summed by PostgreSQL. The SQL is
    Django's own; only its GROUP BY changes."""
    sql, params = qs.query.sql_with_params()
    head, sep, group_by = sql.rpartition(" GROUP BY ")
    if not sep or len(_split_top_level(group_by)) != len(dims):
        raise RuntimeError(f"expected a query grouped by {len(dims)} columns: {group_by}")
    table = connection.ops.quote_name(qs.model._meta.db_table)
    columns = [
        region_sql if d == "region" else f"{table}.{connection.ops.quote_name(_DIM_FIELD[d])}"
        for d in dims
    ]
    sets = ", ".join(["()", *[f"({c})" for c in columns]])
    head = head.replace("SELECT ", f"SELECT GROUPING({', '.join(columns)}) AS g_set, ", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"{head} GROUP BY GROUPING SETS ({sets})", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    # GROUPING(…) has a 1 bit for each column summed over, the first column's the highest.
    every = (1 << len(dims)) - 1
    dim_of = {every: None} | {every ^ (1 << (len(dims) - 1 - i)): d for i, d in enumerate(dims)}
    totals = dict.fromkeys((*COUNT_KEYS, *SUM_KEYS), 0)
    per: dict[str, dict[object, dict[str, int]]] = {d: {} for d in dims}
    for row in rows:
        dim = dim_of[row["g_set"]]
        if dim is None:
            totals = _totals_of(row, extra)
        else:
            per[dim][row[_GROUPED_BY[dim]]] = counts_of(row)
    return totals, per


def _split_top_level(text: str) -> list[str]:
    """Split a SQL list on the commas outside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def trend(
    facts: QuerySet[Fact], *, first: datetime, end: datetime, bucket: str
) -> dict[datetime, dict[str, int]]:
    """Counts per week or month (`bucket`) from `first` (a bucket start) to `end`, each bucket
    as of its own end. One query."""
    # The last bucket is counted as of `end` when `end` falls inside it, so a past period's
    # trend never changes either.
    s, e = F(f"{bucket}_start"), Least(F(f"{bucket}_end"), Value(end))
    rows = (
        facts.filter(_in_period(first, end))
        .values(f"{bucket}_start")
        .annotate(**aggregates(s, e))
        .order_by(f"{bucket}_start")
    )
    return {r[f"{bucket}_start"]: counts_of(r) for r in rows}


def cube_trend(cube: QuerySet, *, bounds: list[tuple[datetime, datetime]], sums: dict) -> dict:
    """The counts of each period [start, end) of `bounds` from its rollup rows (`cube`, the
    `FactCube` rows narrowed to the filters), keyed by start. One query."""
    which = Q(pk__in=[])
    for start, end in bounds:
        which |= Q(start=start, end=end)
    rows = cube.filter(which).values("start").annotate(**sums).order_by("start")
    return {r["start"]: counts_of(r) for r in rows}


def issue_ids_for(
    facts: QuerySet[Fact], *, start: datetime, end: datetime, key: str
) -> QuerySet[Fact]:
    """The issues counted by `key` (a COUNT_KEYS name) in [start, end): a subquery of ids."""
    cond = conditions(start, end)[key]
    return facts.filter(_in_period(start, end)).filter(cond).values("issue_id")
