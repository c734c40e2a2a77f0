"""Visit coverage (DESIGN §4, §10): last visit, next visit due, overdue lists and coverage rates.

Definitions (shown next to the figures):
- an enterprise is *assigned* when it is 存续 (active) and has an active liaison assignment —
  for one officer: an active assignment (liaison or responsible leader) to that officer;
- it is *visited* in a period when it has a DONE visit (any kind, by anyone) whose time falls in
  the period, local dates inclusive;
- its *next visit due* is the local date of its last done visit + its visit frequency target;
  never visited → due today. It is *overdue* once that date is today or past;
- coverage rate = visited / assigned (None when nothing is assigned).

Every figure is computed by aggregate queries whose number does not depend on the number of
enterprises, officers or regions; the cockpit reuses these selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import Region, User
from enterprises.models import Enterprise, LiaisonAssignment
from visits.models import Visit


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _rate(visited: int, assigned: int) -> float | None:
    return round(visited / assigned, 4) if assigned else None


@dataclass(frozen=True)
class Coverage:
    assigned: int
    visited: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return _rate(self.visited, self.assigned)

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class OfficerCoverage(Coverage):
    officer: User | None = None


@dataclass(frozen=True)
class RegionCoverage(Coverage):
    region: Region | None = None
    direct: bool = False  # enterprises registered at the parent region itself


@dataclass(frozen=True)
class EnterpriseDue:
    enterprise: Enterprise
    last_visit_at: datetime | None
    next_due_on: date
    next_planned_on: date | None = None

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.next_due_on).days


def with_last_visit(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Annotate `last_visit_at`: the time of the enterprise's latest DONE visit (or None)."""
    return qs.annotate(
        last_visit_at=Max("visits__happened_at", filter=Q(visits__status=Visit.Status.DONE))
    )


def next_due_on(*, last_visit_at: datetime | None, frequency_days: int, today: date) -> date:
    if last_visit_at is None:
        return today
    return timezone.localdate(last_visit_at) + timedelta(days=frequency_days)


def _visited_in(start: date, end: date, *, ref: str = "pk") -> Exists:
    """DONE visits of the enterprise `ref` points to, in [start, end] (local dates)."""
    return Exists(
        Visit.objects.filter(
            enterprise=OuterRef(ref),
            status=Visit.Status.DONE,
            happened_at__gte=_start_of(start),
            happened_at__lt=_start_of(end + timedelta(days=1)),
        )
    )


class DaysBefore(Func):
    """`moment` minus `days` whole days, where `days` is an integer expression (a column).

    Django's duration arithmetic cannot multiply an integer column by an interval on SQLite,
    so each backend gets its own one-line SQL."""

    arity = 2
    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL and others
        return super().as_sql(
            compiler,
            connection,
            template="(%(expressions)s * INTERVAL '1 day'))",
            arg_joiner=" - (",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores SQLite datetimes as UTC text; datetime() keeps that format.
        return super().as_sql(
            compiler,
            connection,
            template="datetime(%(expressions)s || ' days')",
            arg_joiner=", '-' || ",
            **extra_context,
        )


def _overdue(today: date, *, ref: str = "pk", frequency: str = "visit_frequency_days") -> Q:
    """Enterprises whose next visit is due today or earlier: never visited, or whose latest
    done visit happened before local midnight of (today + 1 − frequency) — one comparison per
    row, with the frequency taken from the row itself."""
    threshold = DaysBefore(
        Value(_start_of(today + timedelta(days=1)), output_field=DateTimeField()),
        OuterRef(frequency),
    )
    recent = Visit.objects.filter(
        enterprise=OuterRef(ref), status=Visit.Status.DONE, happened_at__gte=threshold
    )
    return ~Q(Exists(recent))


def _assigned_enterprises(*, user: User, officer: User | None = None) -> QuerySet[Enterprise]:
    assignments = LiaisonAssignment.objects.active().filter(enterprise=OuterRef("pk"))
    if officer is not None:
        assignments = assignments.filter(person=officer)
    else:
        assignments = assignments.filter(kind=LiaisonAssignment.Kind.LIAISON)
    return Enterprise.objects.visible_to(user).active().filter(Exists(assignments))


def _counts(
    qs: QuerySet[Enterprise], *, start: date, end: date, today: date, few: bool = False
) -> dict:
    """Assigned, visited in [start, end] and overdue today among `qs`. One query.

    For a jurisdiction, the visited and the recently visited enterprises are each a set the
    database builds once (an uncorrelated subquery), not a probe per enterprise. `few`: `qs` is
    a handful of enterprises (one officer's); then each is probed through the visits' index
    by enterprise instead, rather than building those sets out of every visit in the city."""
    if few:
        return qs.aggregate(
            assigned=Count("pk"),
            visited=Count("pk", filter=Q(_visited_in(start, end))),
            overdue=Count("pk", filter=_overdue(today)),
        )
    done = Visit.objects.filter(status=Visit.Status.DONE)
    visited = done.filter(
        happened_at__gte=_start_of(start), happened_at__lt=_start_of(end + timedelta(days=1))
    ).values("enterprise_id")
    # The same threshold as `_overdue`, with the frequency taken from the visit's enterprise.
    threshold = DaysBefore(
        Value(_start_of(today + timedelta(days=1)), output_field=DateTimeField()),
        F("enterprise__visit_frequency_days"),
    )
    recent = done.filter(happened_at__gte=threshold).values("enterprise_id")
    return qs.aggregate(
        assigned=Count("pk"),
        visited=Count("pk", filter=Q(pk__in=visited)),
        overdue=Count("pk", filter=~Q(pk__in=recent)),
    )


def coverage_for_officer(
    *, user: User, officer: User, start: date, end: date, today: date | None = None
) -> Coverage:
    """Coverage of `officer`'s assigned enterprises (those `user` may see) in [start, end].
    One query."""
    today = today or timezone.localdate()
    qs = _assigned_enterprises(user=user, officer=officer)
    return Coverage(**_counts(qs, start=start, end=end, today=today, few=True))


def coverage_for_enterprises(
    *, user: User, start: date, end: date, region: Region | None = None, today: date | None = None
) -> Coverage:
    """Coverage over every assigned enterprise `user` may see (optionally inside `region`)."""
    today = today or timezone.localdate()
    qs = _assigned_enterprises(user=user)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return Coverage(**_counts(qs, start=start, end=end, today=today))


def coverage_by_officer(
    *, user: User, start: date, end: date, region: Region | None = None, today: date | None = None
) -> list[OfficerCoverage]:
    """One row per officer (person with active assignments among the enterprises `user` may
    see), best coverage last so that the weakest are on top. Two queries."""
    today = today or timezone.localdate()
    enterprises = Enterprise.objects.visible_to(user).active()
    if region is not None:
        enterprises = enterprises.filter(region__path__startswith=region.path)
    rows = (
        LiaisonAssignment.objects.active()
        .filter(enterprise__in=enterprises)
        .values("person_id")
        .annotate(
            assigned=Count("enterprise_id", distinct=True),
            visited=Count(
                "enterprise_id",
                distinct=True,
                filter=Q(_visited_in(start, end, ref="enterprise_id")),
            ),
            overdue=Count(
                "enterprise_id",
                distinct=True,
                filter=_overdue(
                    today, ref="enterprise_id", frequency="enterprise__visit_frequency_days"
                ),
            ),
        )
    )
    rows = list(rows)
    people = User.objects.in_bulk([r["person_id"] for r in rows])
    result = [
        OfficerCoverage(
            officer=people[r["person_id"]],
            assigned=r["assigned"],
            visited=r["visited"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
    result.sort(key=lambda c: (c.rate if c.rate is not None else 2, -c.overdue, str(c.officer)))
    return result


def coverage_by_region(
    *, user: User, start: date, end: date, parent: Region, today: date | None = None
) -> list[RegionCoverage]:
    """One row per child region of `parent` (plus one for enterprises registered at `parent`
    itself, if any), over the assigned enterprises `user` may see. Two queries: the children,
    and one grouped aggregate (grouping by the materialised-path prefix of each subtree)."""
    today = today or timezone.localdate()
    children = list(parent.get_children())
    prefix_len = len(parent.path) + Region.steplen
    rows = (
        _assigned_enterprises(user=user)
        .filter(region__path__startswith=parent.path)
        .annotate(bucket=Substr("region__path", 1, prefix_len))
        .values("bucket")
        .annotate(
            assigned=Count("pk"),
            visited=Count("pk", filter=Q(_visited_in(start, end))),
            overdue=Count("pk", filter=_overdue(today)),
        )
    )
    by_bucket = {r["bucket"]: r for r in rows}
    empty = {"assigned": 0, "visited": 0, "overdue": 0}
    result = []
    if parent.path in by_bucket:
        r = by_bucket[parent.path]
        result.append(
            RegionCoverage(
                region=parent,
                direct=True,
                assigned=r["assigned"],
                visited=r["visited"],
                overdue=r["overdue"],
            )
        )
    for child in children:
        r = by_bucket.get(child.path, empty)
        result.append(
            RegionCoverage(
                region=child, assigned=r["assigned"], visited=r["visited"], overdue=r["overdue"]
            )
        )
    return result


def overdue_for_officer(
    *, user: User, officer: User, today: date | None = None
) -> list[EnterpriseDue]:
    """`officer`'s assigned enterprises whose visit is due or overdue, most overdue first.
    One query."""
    today = today or timezone.localdate()
    qs = (
        with_last_visit(_assigned_enterprises(user=user, officer=officer).filter(_overdue(today)))
        .annotate(
            next_planned_on=Min("visits__planned_on", filter=Q(visits__status=Visit.Status.PLANNED))
        )
        .select_related("region")
        .order_by("name")
    )
    result = [
        EnterpriseDue(
            enterprise=e,
            last_visit_at=e.last_visit_at,
            next_due_on=next_due_on(
                last_visit_at=e.last_visit_at, frequency_days=e.visit_frequency_days, today=today
            ),
            next_planned_on=e.next_planned_on,
        )
        for e in qs
    ]
    result.sort(key=lambda d: (d.next_due_on, d.enterprise.name))
    return result


def enterprise_due(*, enterprise: Enterprise, today: date | None = None) -> EnterpriseDue:
    """Last visit and next visit due of one enterprise (for its page). One query."""
    today = today or timezone.localdate()
    last = (
        Visit.objects.filter(enterprise=enterprise, status=Visit.Status.DONE)
        .order_by("-happened_at")
        .values_list("happened_at", flat=True)
        .first()
    )
    return EnterpriseDue(
        enterprise=enterprise,
        last_visit_at=last,
        next_due_on=next_due_on(
            last_visit_at=last, frequency_days=enterprise.visit_frequency_days, today=today
        ),
    )
