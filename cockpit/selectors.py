"""Reads of the cockpit: who may see what (jurisdiction), the filtered facts, and everything the
page, the exports, the big screen and the bulletins show — one `Cockpit` built once per
request with a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Region, Role, Unit, User
from accounts.scope import InSubquery, scope_for
from cockpit import cube, grains, metrics
from cockpit.facts import local_midnight
from cockpit.models import Bulletin, Fact, FactCube, FactGrain
from cockpit.periods import Period, bucket_bounds, trend_buckets
from enterprises.models import Enterprise, Industry, LiaisonAssignment
from issues.models import Category, ImprovementAction, Issue
from issues.models.issue import running_deadline, running_deadline_q
from issues.workflow import OPEN_STATES, State
from visits.models import Visit

COCKPIT_ROLES = (Role.LEADER, Role.DISPATCHER, Role.ADMIN)
RANKING_MIN_COUNT = 5  # a unit enters the 红黑榜 with at least this many issues counted
RANKING_SIZE = 5
LIST_SIZE = 10
LIST_ORDER = ("-supervision_level", "registered_at", "pk")
TREND_BUCKETS = 12


def jurisdiction(user) -> tuple[str, ...]:
    """The region paths whose subtrees `user` oversees in the cockpit; PermissionDenied (403)
    for anyone who holds no leader, dispatcher or administrator role. A superuser oversees
    every root region."""
    scope = scope_for(user)
    if scope.user_id is None:
        raise PermissionDenied
    if scope.is_superuser:
        return tuple(Region.get_root_nodes().values_list("path", flat=True)) or ("",)
    paths = scope.paths(*COCKPIT_ROLES)
    if not paths:
        raise PermissionDenied
    return paths


def may_use_cockpit(user) -> bool:
    try:
        jurisdiction(user)
    except PermissionDenied:
        return False
    return True


def paths_q(lookup: str, paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


@dataclass
class Filters:
    """What the figures are narrowed to: jurisdiction paths, then the chosen filters."""

    paths: tuple[str, ...]
    period: Period
    region: Region | None = None
    industry: Industry | None = None
    category: Category | None = None
    unit: Unit | None = None
    liaison: User | None = None

    def facts(self) -> QuerySet[Fact]:
        return self.narrow(Fact.objects.all())

    def narrow(self, qs: QuerySet) -> QuerySet:
        """`qs` (facts or rollup rows: the same dimension columns) within the filters."""
        qs = qs.filter(paths_q("region_path", self.paths))
        if self.region is not None:
            qs = qs.filter(region_path__startswith=self.region.path)
        if self.industry is not None:
            qs = qs.filter(industry_root_id=self.industry.pk)
        if self.category is not None:
            qs = qs.filter(category_root_id=self.category.pk)
        if self.unit is not None:
            qs = qs.filter(unit_id=self.unit.pk)
        if self.liaison is not None:
            qs = qs.filter(liaison_id=self.liaison.pk)
        return qs

    @property
    def narrowed(self) -> bool:
        """Whether a filter other than the region applies (the rollup's FULL rows are read)."""
        return any(v is not None for v in (self.industry, self.category, self.unit, self.liaison))

    @property
    def rollup_level(self) -> int:
        """The coarsest rollup level whose rows carry every chosen filter: REGION with none but
        the region, that dimension's level with one other, FULL with more."""
        return self.rollup_level_for(())

    def rollup_level_for(self, dims: tuple[str, ...]) -> int:
        """The coarsest rollup level whose rows carry every chosen filter and the columns of
        the breakdowns of `dims` (the region is on every row)."""
        chosen = {
            d for d in ("industry", "category", "unit", "liaison") if getattr(self, d) is not None
        } | {d for d in dims if d != "region"}
        if not chosen:
            return FactCube.Level.REGION
        if len(chosen) == 1:
            return cube.LEVEL_OF[chosen.pop()]
        return FactCube.Level.FULL

    def issues(self) -> QuerySet[Issue]:
        """The same narrowing on issues (current values), for the lists. The region by the
        issue's own copy of its enterprise's region, compared by id with the subtree's regions:
        no join, and the index on open issues by region serves it."""
        subtree = paths_q("path", self.paths)
        if self.region is not None:
            subtree &= Q(path__startswith=self.region.path)
        regions = Region.objects.filter(subtree).order_by().values("pk")
        qs = Issue.objects.filter(InSubquery(F("region"), Subquery(regions)))
        if self.industry is not None:
            qs = qs.filter(
                Q(enterprise__industry=self.industry)
                | Q(enterprise__industry__parent=self.industry)
            )
        if self.category is not None:
            qs = qs.filter(Q(category=self.category) | Q(category__parent=self.category))
        if self.unit is not None:
            qs = qs.filter(lead_unit=self.unit)
        if self.liaison is not None:
            qs = qs.filter(liaison=self.liaison)
        return qs

    def enterprises(self) -> QuerySet[Enterprise]:
        qs = Enterprise.objects.filter(paths_q("region__path", self.paths))
        if self.region is not None:
            qs = qs.filter(region__path__startswith=self.region.path)
        if self.industry is not None:
            qs = qs.filter(Q(industry=self.industry) | Q(industry__parent=self.industry))
        if self.liaison is not None:
            assigned = LiaisonAssignment.objects.active().filter(
                enterprise_id=OuterRef("pk"), person=self.liaison
            )
            qs = qs.filter(Exists(assigned))
        return qs

    @cached_property
    def root(self) -> Region | None:
        """The region whose children the region breakdown shows."""
        if self.region is not None:
            return self.region
        if len(self.paths) == 1:
            return Region.objects.filter(path=self.paths[0]).first()
        return None

    def params(self) -> dict[str, str]:
        """Query-string parameters that reproduce these filters."""
        p = {
            "period": self.period.preset,
            "start": self.period.first.isoformat(),
            "end": self.period.last.isoformat(),
        }
        for name in ("region", "industry", "category", "unit", "liaison"):
            value = getattr(self, name)
            if value is not None:
                p[name] = str(value.pk)
        return p


@dataclass
class Row:
    """One row of a breakdown: who (a label, a filter value) and its figures."""

    label: str
    param: str  # the filter name and value a drill-down from this row adds, e.g. "unit=3"
    figures: metrics.Figures


DIMENSION_LABELS = {
    "unit": gettext_lazy("承办单位"),
    "region": gettext_lazy("辖区"),
    "industry": gettext_lazy("行业"),
    "category": gettext_lazy("诉求分类"),
    "liaison": gettext_lazy("联络员"),
}


def _names(dim: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if dim == "unit":
        return {u.pk: u.name for u in Unit.objects.filter(pk__in=keys)}
    if dim == "region":
        return {r.path: (r.pk, r.name) for r in Region.objects.filter(path__in=keys)}
    if dim == "industry":
        return {i.pk: f"{i.code} {i.name}" for i in Industry.objects.filter(pk__in=keys)}
    if dim == "category":
        return {c.pk: c.name for c in Category.objects.filter(pk__in=keys)}
    users = User.objects.filter(pk__in=keys).only("pk", "username", "display_name")
    return {u.pk: u.display_name or u.username for u in users}


@dataclass
class Cockpit:
    """Everything shown for one user and one set of filters. Each part is computed on first
    use with a fixed number of queries (the page uses all of them)."""

    user: User
    filters: Filters
    now: datetime = field(default_factory=timezone.now)
    # The breakdowns counted with the totals: the page needs one (its first table), a tab
    # another, an export all of them.
    dims: tuple[str, ...] = metrics.DIMENSIONS

    @property
    def period(self) -> Period:
        return self.filters.period

    @cached_property
    def facts(self) -> QuerySet[Fact]:
        return self.filters.facts()

    @cached_property
    def cubed(self) -> set[tuple[datetime, datetime]]:
        """The periods the rollup holds (`cockpit.cube`). One query."""
        return cube.materialised()

    @cached_property
    def grained(self) -> bool:
        """Whether the additive rollup (`cockpit.grains`) is built. One query."""
        return grains.built()

    def _cube_rows(self) -> QuerySet[FactCube]:
        return self.filters.narrow(FactCube.objects.all())

    def _grain_rows(self) -> QuerySet[FactGrain]:
        return self.filters.narrow(FactGrain.objects.all())

    @cached_property
    def _grouped(self):
        """The period's totals and the breakdowns of `dims`."""
        return self._grouping(self.dims)

    def _grouping(self, dims: tuple[str, ...]):
        """The period's totals and the breakdowns of `dims`: off the cube when it holds the
        period, else off the additive rollup and the facts' corrections, else (before the
        rollup's first build) on the facts."""
        start, end = self.period.start, self.period.end
        root = self.filters.root
        # Unfiltered, the coarse levels give the totals and every breakdown in one query;
        # otherwise the one level whose rows carry the filters and the breakdowns.
        level = (
            FactCube.Level.REGION
            if not self.filters.narrowed
            else self.filters.rollup_level_for(dims)
        )
        if (start, end) in self.cubed:
            rows = self._cube_rows().filter(start=start, end=end)
            return cube.level_breakdowns(rows, level=level, root=root, dims=dims)
        if self.grained:
            # The period's own lookup of the facts holding its end also counts the trend's
            # last bucket's corrections (`grains.breakdowns`, `since`): one lookup, not two.
            tail = self._trend_tail if dims == self.dims else None
            totals, per, later = grains.breakdowns(
                self._grain_rows(),
                self.facts,
                start=start,
                end=end,
                root=root,
                level=level,
                dims=dims,
                since=tail and tail[0],
            )
            if later is not None:
                self._tail_corrections[tail] = later
            return totals, per
        return metrics.all_breakdowns(self.facts, start=start, end=end, root=root, dims=dims)

    @cached_property
    def _tail_corrections(self) -> dict[tuple[datetime, datetime], dict[str, int]]:
        """The end's corrections of the trend's last bucket, when the period's lookup counted
        them."""
        return {}

    @cached_property
    def _trend_tail(self) -> tuple[datetime, datetime] | None:
        """The default trend's last bucket, when it ends with the period but not with its week
        or month, and starts in the period: the one bucket the trend corrects."""
        day, following = trend_buckets(self.period, self.trend_bucket, TREND_BUCKETS)[-1]
        start, end = bucket_bounds(self.period, day, following)
        if end == local_midnight(following) or start < self.period.start:
            return None
        return start, end

    @cached_property
    def figures(self) -> metrics.Figures:
        """The period's figures (the same scan as the breakdowns)."""
        return metrics.Figures(self._grouped[0])

    def issue_ids(self, key: str):
        """The ids of the issues counted by `key` (a `metrics.COUNT_KEYS` name): a subquery,
        the same condition as the number it drills down from."""
        if key not in metrics.COUNT_KEYS:
            raise ValueError(key)
        return metrics.issue_ids_for(
            self.facts, start=self.period.start, end=self.period.end, key=key
        ).values_list("issue_id", flat=True)

    def breakdown(self, dim: str) -> list[Row]:
        """The rows of one dimension (each computed once: one query for its names)."""
        if dim not in self._breakdowns:
            self._breakdowns[dim] = self._breakdown(dim)
        return self._breakdowns[dim]

    @cached_property
    def _breakdowns(self) -> dict[str, list[Row]]:
        return {}

    def _breakdown(self, dim: str) -> list[Row]:
        # A dimension the cockpit was not made for costs its own queries.
        counts = (self._grouped if dim in self.dims else self._grouping((dim,)))[1][dim]
        names = _names(dim, counts)
        rows = []
        for key, c in counts.items():
            if dim == "region":
                pk, name = names.get(key, (None, None))
                if pk is None:
                    continue  # regions that do not exist any more
                rows.append(Row(name, f"region={pk}", metrics.Figures(c)))
            elif key is None:
                rows.append(Row(_("（未指定）"), "", metrics.Figures(c)))
            else:
                rows.append(Row(names.get(key, str(key)), f"{dim}={key}", metrics.Figures(c)))
        rows.sort(key=lambda r: (-r.figures["accepted"], r.label))
        return rows

    @cached_property
    def breakdowns(self) -> dict[str, list[Row]]:
        return {dim: self.breakdown(dim) for dim in metrics.DIMENSIONS}

    @cached_property
    def rankings(self) -> list[dict]:
        """The 红黑榜: best and worst units by 按时办结率 and by 满意率, among units with at
        least RANKING_MIN_COUNT issues in the rate's denominator."""
        result = []
        for rate_key in ("on_time_rate", "satisfaction_rate"):
            rate = metrics.RATE_BY_KEY[rate_key]
            eligible = [
                r
                for r in self.breakdown("unit")
                if r.param and r.figures[rate.den_key] >= RANKING_MIN_COUNT
            ]
            ordered = sorted(eligible, key=lambda r: (-r.figures.rates[rate_key], r.label))
            red = ordered[:RANKING_SIZE]
            black = [r for r in reversed(ordered) if r not in red][:RANKING_SIZE]
            result.append({"rate": rate, "red": red, "black": black})
        return result

    @cached_property
    def trend_bucket(self) -> str:
        return "week" if (self.period.last - self.period.first).days <= 62 else "month"

    def trend(self, bucket: str | None = None) -> list[dict]:
        """The last TREND_BUCKETS weeks or months up to the period's end, each as of its end."""
        bucket = bucket or self.trend_bucket
        last_day = self.period.last
        buckets = trend_buckets(self.period, bucket, TREND_BUCKETS)
        bounds = [bucket_bounds(self.period, day, following) for day, following in buckets]
        if all(b in self.cubed for b in bounds):
            rows = self._cube_rows().filter(level=self.filters.rollup_level)
            counts = metrics.cube_trend(rows, bounds=bounds, sums=cube.sums())
        elif self.grained:
            rows = self._grain_rows().filter(level=self.filters.rollup_level)
            if bounds[-1] == self._trend_tail and self.period.end <= self.now:
                self._grouped  # noqa: B018 — its lookup counts the last bucket's too
            counts = grains.trend(
                rows,
                self.facts,
                bounds=bounds,
                bucket=bucket,
                end_corrections=self._tail_corrections,
            )
        else:
            counts = metrics.trend(
                self.facts, first=bounds[0][0], end=self.period.end, bucket=bucket
            )
        points = []
        for day, following in buckets:
            start = local_midnight(day)
            c = counts.get(start) or dict.fromkeys((*metrics.COUNT_KEYS, *metrics.SUM_KEYS), 0)
            points.append(
                {
                    "label": f"{day:%m-%d}" if bucket == "week" else f"{day:%Y-%m}",
                    "first": day,
                    "last": min(following - timedelta(days=1), last_day),
                    "figures": metrics.Figures(c),
                }
            )
        return points

    @cached_property
    def trend_points(self) -> list[dict]:
        return self.trend()

    # --- Visits and improvements ----------------------------------------------------------

    @cached_property
    def visits(self) -> dict:
        """Visits done in the period by kind, enterprises visited, and coverage of the assigned
        enterprises (visited in the period / assigned; overdue now). Three queries."""
        from visits.selectors.coverage import _counts

        start, end = self.period.start, self.period.end
        enterprises = self.filters.enterprises()
        done = Visit.objects.filter(
            enterprise__in=enterprises,
            status=Visit.Status.DONE,
            happened_at__gte=start,
            happened_at__lt=end,
        )
        if self.filters.liaison is not None:
            done = done.filter(officers=self.filters.liaison)
        by_kind = dict(done.values_list("kind").annotate(n=Count("pk")).order_by())
        visited = done.values("enterprise_id").distinct().count()
        assigned = enterprises.filter(status=Enterprise.Status.ACTIVE).filter(
            Exists(
                LiaisonAssignment.objects.active().filter(
                    enterprise_id=OuterRef("pk"), kind=LiaisonAssignment.Kind.LIAISON
                )
            )
        )
        coverage = _counts(
            assigned,
            start=self.period.first,
            end=self.period.last,
            today=timezone.localdate(self.now),
        )
        kinds = [
            {"kind": k, "label": label, "count": by_kind.get(k, 0)}
            for k, label in Visit.Kind.choices
        ]
        return {
            "total": sum(by_kind.values()),
            "by_kind": kinds,
            "enterprises": visited,
            "assigned": coverage["assigned"],
            "covered": coverage["visited"],
            "coverage_rate": metrics.percent(coverage["visited"], coverage["assigned"]),
            "overdue": coverage["overdue"],
        }

    @cached_property
    def improvements(self) -> dict:
        """Improvement actions (优化提升) of the jurisdiction opened and completed in the
        period, and the processes simplified. One query."""
        start, end = self.period.start, self.period.end
        qs = ImprovementAction.objects.filter(paths_q("region__path", self.filters.paths))
        if self.filters.region is not None:
            qs = qs.filter(region__path__startswith=self.filters.region.path)
        simplification = ImprovementAction.Kind.PROCESS_SIMPLIFICATION
        return qs.aggregate(
            opened=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            done=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end)),
            simplified=Count(
                "pk", filter=Q(done_at__gte=start, done_at__lt=end, kind=simplification)
            ),
        )

    # --- Lists ----------------------------------------------------------------------------

    @staticmethod
    def _with_related(qs: QuerySet[Issue]) -> QuerySet[Issue]:
        return qs.select_related("enterprise", "category", "lead_unit")

    def _list(self, qs: QuerySet[Issue]) -> list[Issue]:
        return list(self._with_related(qs).order_by(*LIST_ORDER)[:LIST_SIZE])

    def _list_conditions(self) -> dict[str, Q]:
        open_ = Q(state__in=OPEN_STATES)
        return {
            "overdue": running_deadline_q(lt=self.now),
            "escalated": open_ & Q(supervision_level__gte=3),
            "reworked": open_ & Q(rework_count__gt=0),
        }

    def _list_querysets(self) -> dict[str, QuerySet[Issue]]:
        base = self.filters.issues()
        return {key: base.filter(q) for key, q in self._list_conditions().items()}

    def full_list(self, key: str, limit: int = 5000) -> list[Issue]:
        """A whole list (for the export), up to `limit` issues. One query."""
        qs = self._list_querysets()[key]
        return list(self._with_related(qs).order_by(*LIST_ORDER)[:limit])

    @cached_property
    def lists(self) -> dict[str, dict]:
        """Issues overdue now, escalated (提级, still open) and reworked (open, with a rework),
        within the filters: the count and the first LIST_SIZE of each. The counts in one
        query (which the partial index `issue_watch_order` can answer alone); on PostgreSQL
        then the first ids of each list in one query (each list in that index's order, so a
        scan of it stops after LIST_SIZE rows), then those issues; elsewhere each list."""
        conditions = self._list_conditions()
        # Every condition holds only in the states listed here, so the index on the state
        # narrows the one scan they share.
        candidates = self.filters.issues().filter(state__in=OPEN_STATES | {State.RESOLVED})
        # The same conditions, written for the tens of thousands of rows the count reads: the
        # running deadline as one CASE, and "open" as "not resolved" among the candidates.
        still_open = ~Q(state=State.RESOLVED)
        counts = candidates.aggregate(
            overdue=Count("pk", filter=LessThan(running_deadline(), self.now)),
            escalated=Count("pk", filter=still_open & Q(supervision_level__gte=3)),
            reworked=Count("pk", filter=still_open & Q(rework_count__gt=0)),
        )
        if connection.features.supports_slicing_ordering_in_compound:
            firsts = [
                candidates.filter(q)
                .order_by(*LIST_ORDER)
                .annotate(which=Value(key))
                .values_list("which", "pk")[:LIST_SIZE]
                for key, q in conditions.items()
            ]
            ids: dict[str, list[int]] = {key: [] for key in conditions}
            for key, pk in firsts[0].union(*firsts[1:], all=True):
                ids[key].append(pk)
            found = self._with_related(
                Issue.objects.filter(pk__in=[pk for some in ids.values() for pk in some])
            ).in_bulk()
            rows = {key: [found[pk] for pk in ids[key] if pk in found] for key in conditions}
        else:
            querysets = self._list_querysets()
            rows = {key: self._list(querysets[key]) for key in conditions}
        queries = {
            "overdue": "overdue=true",
            "escalated": "supervision_level=3",
            "reworked": "reworked=true",
        }
        return {
            key: {"count": counts[key], "rows": rows[key], "query": query}
            for key, query in queries.items()
        }

    # --- The sentence ---------------------------------------------------------------------

    @cached_property
    def sentence(self) -> str:
        """DESIGN §1's sentence, from the same numbers as the page."""
        f = self.figures

        def pct(value):
            return "—" if value is None else f"{value:g}%"

        return _(
            "%(period)s走访企业%(visited)s家，收集企业诉求%(accepted)s件，已解决%(solved)s件，"
            "问题解决率%(solve)s，按时办结率%(on_time)s，企业满意率%(satisfaction)s"
        ) % {
            "period": self.period.name,
            "visited": self.visits["enterprises"],
            "accepted": f["accepted"],
            "solved": f["outcome_solved"],
            "solve": pct(f.rates["solve_rate"]),
            "on_time": pct(f.rates["on_time_rate"]),
            "satisfaction": pct(f.rates["satisfaction_rate"]),
        }


def cockpit_for(*, user, cleaned: dict, dims: tuple[str, ...] = metrics.DIMENSIONS) -> Cockpit:
    """The cockpit of `user` for a validated CockpitFilterForm's data, with the breakdowns of
    `dims` counted with its totals."""
    paths = jurisdiction(user)
    filters = Filters(
        paths=paths,
        period=cleaned["the_period"],
        region=cleaned.get("region"),
        industry=cleaned.get("industry"),
        category=cleaned.get("category"),
        unit=cleaned.get("unit"),
        liaison=cleaned.get("liaison"),
    )
    return Cockpit(user=user, filters=filters, dims=dims)


def bulletin_list_for(*, user) -> QuerySet[Bulletin]:
    """Bulletins of regions inside the user's jurisdiction."""
    paths = jurisdiction(user)
    return Bulletin.objects.filter(paths_q("region__path", paths)).select_related("region")


def bulletin_get_for_user(*, user, pk) -> Bulletin:
    from django.http import Http404

    bulletin = bulletin_list_for(user=user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin
