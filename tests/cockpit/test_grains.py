"""The additive rollup (`cockpit.grains`) is derived data: for ANY period, the figures,
breakdowns and trends read off its grains plus the facts' corrections equal those counted on
the facts, and those recomputed from the events alone — after it is built, after refreshes add
the difference new events made, and for every filter."""

import importlib
import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cockpit import cube, facts, grains, metrics
from cockpit.facts import next_month
from cockpit.models import Fact, FactGrain, RollupState
from cockpit.periods import Period
from enterprises.models import Enterprise, Industry
from issues.models import IssueEvent
from tests.cockpit.conftest import TZ
from tests.cockpit.test_cube import _on_facts, assert_equals_recompute, filter_cases
from tests.cockpit.test_figures import cockpit_of

pytestmark = pytest.mark.django_db

G = FactGrain.Grain
PERIODS = [
    Period(date(2026, 3, 2), date(2026, 3, 15)),  # two whole weeks
    Period(date(2026, 3, 3), date(2026, 3, 17)),  # days, a week, days
    Period(date(2026, 3, 5), date(2026, 3, 5)),  # one day
    Period(date(2026, 2, 23), date(2026, 3, 31)),  # a week, then March whole
    Period(date(2026, 1, 1), date(2026, 4, 30)),  # four months
    Period(date(2026, 2, 15), date(2026, 5, 10)),  # days, weeks, months, weeks, days
    Period(date(2026, 3, 10), date(2026, 3, 12)),  # ends while issues are in flight
    Period(date(2026, 3, 16), date(2026, 3, 19)),
    # Periods that end after now: only their start is looked up (`grains.corrections`).
    Period(date(2026, 3, 3), timezone.localdate()),
    Period(date(2026, 3, 11), timezone.localdate() + timedelta(days=3)),
]


def test_the_grains_tile_any_period_exactly_and_few():
    rng = random.Random(7)
    for _ in range(500):
        first = date(2025, 1, 1) + timedelta(days=rng.randrange(900))
        end = first + timedelta(days=rng.randrange(1, 3 * 366))
        tiles = grains.decompose(first, end)
        day = first
        for grain, start in tiles:
            assert start == day
            if grain == G.MONTH:
                assert start.day == 1
                day = next_month(start)
            elif grain == G.WEEK:
                assert start.weekday() == 0
                day = start + timedelta(days=7)
            else:
                day = start + timedelta(days=1)
        assert day == end
        months = sum(1 for g, _s in tiles if g == G.MONTH)
        assert len(tiles) - months <= 2 * (6 + 4 + 6), (first, end)  # each side of the months


def test_a_year_to_date_is_eleven_months_a_week_and_days():
    tiles = grains.decompose(date(2025, 12, 8), date(2026, 12, 8))

    assert [g for g, _s in tiles].count(G.MONTH) == 11  # January to November
    assert (G.WEEK, date(2025, 12, 8)) in tiles
    assert len(tiles) <= 11 + 4 + 7 + 7


def test_a_period_ending_after_now_is_tiled_into_the_days_after_it():
    """No fact is later than now: "the last 90 days" ends with this month's row, not a row
    per day of it (the figures stay equal: `_assert_grains_equal_facts` holds two such)."""
    today = timezone.localdate()
    first = today - timedelta(days=89)
    start, end = facts.local_midnight(first), facts.local_midnight(today + timedelta(days=1))

    tiles = grains.of_period(start, end)

    assert len(tiles) < len(grains.decompose(first, today + timedelta(days=1)))
    assert (G.MONTH, facts.local_midnight(today.replace(day=1))) in tiles
    past = grains.of_period(start - timedelta(days=400), end - timedelta(days=400))
    assert len(past) == len(
        grains.decompose(first - timedelta(days=400), today - timedelta(days=399))
    )


def _on_grains(cockpit):
    with CaptureQueriesContext(connection) as ctx:
        totals, per = cockpit._grouped
        trends = {b: [p["figures"].counts for p in cockpit.trend(b)] for b in ("week", "month")}
    assert any(FactGrain._meta.db_table in q["sql"] for q in ctx.captured_queries)
    return totals, per, trends


def _assert_grains_equal_facts(user, **filters):
    for period in PERIODS:
        cockpit = cockpit_of(user, period, **filters)
        assert cockpit.grained
        assert (period.start, period.end) not in cockpit.cubed
        on_grains = _on_grains(cockpit)
        on_facts = _on_facts(cockpit_of(user, period, **filters))
        assert on_grains == on_facts, (period, filters)


def test_the_grains_give_the_facts_figures_then_and_after_refreshes(scenario, world):
    # given: an industry for one enterprise, and the grains built on 2026-03-11, with issues
    # in flight
    section = Industry.objects.filter(parent__isnull=True).first()
    assert section is not None
    Enterprise.objects.filter(pk=world.ent_a.pk).update(industry=section)
    scenario.run_until(datetime(2026, 3, 11, 12, tzinfo=TZ))
    facts.rebuild_all()
    _assert_grains_equal_facts(world.leader)

    # when: the rest happens and the refresh adds its difference
    scenario.run_all()
    changed = facts.refresh(sync_cube=False)

    # then
    assert changed > 0
    assert FactGrain.objects.filter(n_accepted__lt=0).exists()  # the old counts taken away
    for user, filters in filter_cases(scenario, world, section):
        _assert_grains_equal_facts(user, **filters)
    assert_equals_recompute(scenario, world, PERIODS)
    assert cockpit_of(world.leader, PERIODS[0]).figures["accepted"] > 20  # not all empty


def test_the_corrections_are_what_makes_the_figures_right(scenario, world):
    """Without the facts whose window holds a bound, the grains alone are wrong for a period
    that ends while issues are in flight: the corrections are not a no-op."""
    scenario.run_all()
    facts.rebuild_all()
    period = Period(date(2026, 3, 10), date(2026, 3, 12))
    cockpit = cockpit_of(world.leader, period)
    holding = cockpit.facts.filter(t__gte=period.start, t__lt=period.end).filter(
        metrics.window_holds_end(period.start, period.end)
        | metrics.window_holds_start(period.start)
    )

    assert holding.exists()
    assert cockpit.figures.counts == _on_facts(cockpit_of(world.leader, period))[0]


def test_the_trend_s_last_bucket_is_corrected_by_the_period_s_own_lookup_of_its_end(
    scenario, world
):
    """A past period ending inside a month: its trend's last bucket (the month up to the
    period's end) needs the facts holding that end, which the period's own lookup counts."""
    scenario.run_all()
    facts.rebuild_all()
    period = Period(date(2026, 2, 15), date(2026, 5, 10))
    cockpit = cockpit_of(world.leader, period)
    assert cockpit.trend_bucket == "month"
    cockpit._grouped  # noqa: B018

    with CaptureQueriesContext(connection) as ctx:
        trend = [p["figures"].counts for p in cockpit.trend()]

    lookups = [q["sql"] for q in ctx.captured_queries if '"w_lo" IS NOT NULL' in q["sql"]]
    assert len(lookups) == 1  # the last bucket's start; its end was counted with the period's
    assert list(cockpit._tail_corrections) == [cockpit._trend_tail]
    assert trend == _on_facts(cockpit_of(world.leader, period))[2]["month"]


def test_the_end_s_corrections_written_out_are_the_corrections(scenario, world):
    scenario.run_until(datetime(2026, 3, 11, 12, tzinfo=TZ))
    facts.rebuild_all()
    scenario.run_all()
    facts.refresh(sync_cube=False)
    checked = 0
    for period in PERIODS:
        s, e = period.start, period.end
        if e > timezone.now():
            continue
        held = cockpit_of(world.leader, period).facts.filter(metrics.window_holds_end(s, e))
        for within in (None, Q(t__gte=s + timedelta(days=1))):
            written_out = held.aggregate(**metrics.end_correction_aggregates(e, within=within))
            general = held.aggregate(
                **metrics.correction_aggregates(s, e, keys=metrics.END_KEYS, within=within)
            )
            assert metrics.counts_of(written_out) == metrics.counts_of(general), period
            checked += any(general.values())
    assert checked >= 4


def test_the_migration_gives_old_facts_the_day_and_window_new_ones_get(scenario, world):
    scenario.run_all()
    facts.rebuild_all()
    fields = ["day_start", "w_lo", "w_hi"]
    built = {f.pk: tuple(getattr(f, n) for n in fields) for f in Fact.objects.all()}
    assert any(w_lo is not None for _d, w_lo, _h in built.values())
    Fact.objects.update(day_start=F("week_start"), w_lo=None, w_hi=None)
    migration = importlib.import_module("cockpit.migrations.0004_grains")
    # What the migration uses of its schema editor: the connection, and execute().
    editor = SimpleNamespace(
        connection=connection,
        execute=lambda sql, params=(): connection.cursor().execute(sql, params),
    )

    migration.fill(django_apps, editor)

    assert {f.pk: tuple(getattr(f, n) for n in fields) for f in Fact.objects.all()} == built


def test_the_page_reads_the_grains_with_the_same_queries_with_more_issues(client, scenario, world):
    client.force_login(world.leader)
    weeks = {"period": "custom", "start": "2026-02-25", "end": "2026-03-17"}
    scenario.run_until(datetime(2026, 3, 3, tzinfo=TZ))
    facts.rebuild_all()
    client.get("/cockpit/", weeks)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/cockpit/", weeks)
    scenario.run_all()
    facts.refresh(sync_cube=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cockpit/", weeks)

    assert any(FactGrain._meta.db_table in q["sql"] for q in many.captured_queries)
    assert len(many) == len(few)
    assert response.context["cockpit"].figures["accepted"] > 20


def test_before_the_first_rebuild_a_period_is_counted_on_the_facts(scenario, world):
    scenario.run_all()
    facts.refresh(sync_cube=False)  # refreshes write grain rows, but none was built
    cockpit = cockpit_of(world.leader, PERIODS[1])

    with CaptureQueriesContext(connection) as ctx:
        counts = cockpit.figures.counts

    assert not cockpit.grained
    assert not any(FactGrain._meta.db_table in q["sql"] for q in ctx.captured_queries)
    assert counts == _on_facts(cockpit_of(world.leader, PERIODS[1]))[0]


def test_a_cockpit_made_for_one_breakdown_gives_the_others_alike(scenario, world):
    scenario.run_all()
    facts.rebuild_all()
    cube.sync(date(2026, 3, 20))
    for period in (Period(date(2026, 3, 1), date(2026, 3, 31)), PERIODS[1]):
        for filters in ({}, {"unit": world.street_unit}):
            full = cockpit_of(world.leader, period, **filters)
            for dim in metrics.DIMENSIONS:
                one = cockpit_of(world.leader, period, **filters)
                one.dims = ("unit",)
                assert one.figures.counts == full.figures.counts
                got = [(r.label, r.figures.counts) for r in one.breakdown(dim)]
                assert got == [(r.label, r.figures.counts) for r in full.breakdown(dim)], dim


def test_a_period_starting_between_two_acknowledgements_counts_the_later_one(scenario, world):
    """The corrections of a period's start: an acknowledgement or resolution repeated after
    the start is the first in the period, though not the first ever."""
    scenario.run_all()
    facts.rebuild_all()
    repeats = Fact.objects.filter(kind__in=metrics.START_WINDOW_KINDS, w_lo__isnull=False).order_by(
        "t"
    )
    repeat = next(f for f in repeats if timezone.localdate(f.w_lo) < timezone.localdate(f.w_hi))
    first = timezone.localdate(repeat.w_hi)  # its day starts after the previous one
    for period in (
        Period(first, timezone.localdate()),  # ends after now: the start only
        Period(first, first + timedelta(days=2)),  # ended: the start and the end
    ):
        cockpit = cockpit_of(world.leader, period)
        held = cockpit.facts.filter(metrics.window_holds_start(period.start))
        assert held.filter(pk=repeat.pk).exists()
        assert _on_grains(cockpit) == _on_facts(cockpit_of(world.leader, period)), period


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL table layout")
def test_the_rebuild_lays_the_facts_out_by_when_their_window_closes(scenario, world):
    scenario.run_all()

    facts.rebuild_all()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('month', w_hi AT TIME ZONE 'UTC'), t FROM cockpit_fact ORDER BY ctid"
        )
        keys = [(month is None, month or t, t) for month, t in cursor]
    assert len(keys) > 100
    assert keys == sorted(keys)


def test_a_page_view_takes_the_facts_lock_only_when_there_is_something_new(client, scenario, world):
    client.force_login(world.leader)
    scenario.run_until(datetime(2026, 3, 11, 12, tzinfo=TZ))
    facts.rebuild_all()

    with CaptureQueriesContext(connection) as quiet:
        assert client.get("/cockpit/", {"period": "month"}).status_code == 200
    scenario.run_all()
    with CaptureQueriesContext(connection) as busy:
        assert client.get("/cockpit/", {"period": "month"}).status_code == 200

    def locks(ctx):
        return [q for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]

    assert locks(quiet) == []
    assert len(locks(busy)) == 1 or connection.vendor == "sqlite"  # SQLite has no row locks
    last = RollupState.objects.get(key="facts").last_event_id
    assert last == IssueEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
