"""The rollup (`cockpit.cube`) is derived data: for every period it holds, the page's figures,
breakdowns and trend read off it equal those counted on the facts, and those recomputed from
the events alone — after it is built, after refreshes add the difference new events made, and
after a rebuild."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cockpit import cube, facts, metrics
from cockpit.models import CubePeriod, FactCube
from cockpit.periods import Period, preset_period
from cockpit.recompute import recompute
from enterprises.models import Enterprise, Industry
from tests.cockpit.conftest import TZ
from tests.cockpit.test_figures import cockpit_of

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 20)  # the rollup's "today": March 2026, where the scenario happens
PRESETS = [preset_period(p, TODAY) for p in ("week", "month", "quarter", "year")]


def _reads_cube(ctx) -> bool:
    return any(FactCube._meta.db_table in q["sql"] for q in ctx.captured_queries)


def _on_facts(cockpit):
    """The figures, breakdowns and both trends of `cockpit`, counted on the facts."""
    period = cockpit.period
    totals, per = metrics.all_breakdowns(
        cockpit.facts, start=period.start, end=period.end, root=cockpit.filters.root
    )
    trends = {}
    for bucket in ("week", "month"):
        points = cockpit.trend(bucket)
        counts = metrics.trend(
            cockpit.facts,
            first=datetime.combine(points[0]["first"], datetime.min.time(), tzinfo=TZ),
            end=period.end,
            bucket=bucket,
        )
        empty = dict.fromkeys((*metrics.COUNT_KEYS, *metrics.SUM_KEYS), 0)
        trends[bucket] = [
            counts.get(datetime.combine(p["first"], datetime.min.time(), tzinfo=TZ), empty)
            for p in points
        ]
    return totals, per, trends


def _on_cube(cockpit):
    with CaptureQueriesContext(connection) as ctx:
        totals, per = cockpit._grouped
        trends = {b: [p["figures"].counts for p in cockpit.trend(b)] for b in ("week", "month")}
    assert _reads_cube(ctx), "the rollup was not read"
    return totals, per, trends


def filter_cases(scenario, world, section) -> list[tuple]:
    """(user, filters) for every filter alone, two together, and another district's leader."""
    return [
        (world.leader, {}),
        (world.leader, {"unit": world.street_unit}),
        (world.leader, {"region": world.street}),
        (world.leader, {"category": scenario.cats.parent}),
        (world.leader, {"liaison": world.liaison}),
        (world.leader, {"industry": section}),
        (world.leader, {"unit": world.street_unit, "region": world.street}),
        (world.far_leader, {}),
    ]


def assert_equals_recompute(scenario, world, periods) -> None:
    """The district leader's figures of each period equal the recompute from the events."""
    district = [i.pk for k, i in scenario.issues.items() if k != 33]
    for period in periods:
        fast = cockpit_of(world.leader, period).figures.counts
        slow = recompute(start=period.start, end=period.end, issue_ids=district)
        assert {k: slow.get(k, 0) for k in fast} == fast, period


def _assert_cube_equals_facts(user, **filters):
    for period in PRESETS:
        cockpit = cockpit_of(user, period, **filters)
        assert (period.start, period.end) in cockpit.cubed
        assert _on_cube(cockpit) == _on_facts(cockpit_of(user, period, **filters)), period


def test_the_rollup_holds_the_presets_and_their_trend_buckets(scenario, world):
    cube.sync(TODAY)

    held = cube.materialised()

    assert {(p.start, p.end) for p in PRESETS} <= held
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert (march.start, march.end) in held  # a month bucket of the quarter and the year
    assert CubePeriod.objects.count() == len(held) == len(cube.wanted(TODAY))


def test_the_rollup_gives_the_facts_figures_then_and_after_refreshes(scenario, world):
    # given: an industry for one enterprise, and the rollup built on 2026-03-16, when half the
    # scenario had happened
    section = Industry.objects.filter(parent__isnull=True).first()
    assert section is not None
    Enterprise.objects.filter(pk=world.ent_a.pk).update(industry=section)
    scenario.run_until(datetime(2026, 3, 16, tzinfo=TZ))
    facts.refresh(sync_cube=False)
    cube.sync(TODAY)
    _assert_cube_equals_facts(world.leader)

    # when: the rest happens and the refresh adds its difference
    scenario.run_all()
    changed = facts.refresh(sync_cube=False)

    # then
    assert changed > 0
    assert FactCube.objects.filter(n_accepted__lt=0).exists()  # the old counts taken away
    for user, filters in filter_cases(scenario, world, section):
        _assert_cube_equals_facts(user, **filters)
    assert_equals_recompute(scenario, world, PRESETS)


def test_a_rebuild_gives_the_figures_the_refreshes_kept(scenario, world):
    scenario.run_until(datetime(2026, 3, 9, tzinfo=TZ))
    facts.refresh(sync_cube=False)
    cube.sync(TODAY)
    scenario.run_all()
    facts.refresh(sync_cube=False)
    kept = {p: cockpit_of(world.leader, p).figures.counts for p in PRESETS}
    rows_kept = FactCube.objects.count()

    cube.rebuild(TODAY)

    assert {p: cockpit_of(world.leader, p).figures.counts for p in PRESETS} == kept
    assert FactCube.objects.count() < rows_kept  # no more rows of differences
    assert kept[PRESETS[1]]["accepted"] > 20  # not a comparison of empty periods


def test_the_rollup_drops_yesterdays_periods(scenario, world):
    cube.sync(TODAY)
    old_week = (PRESETS[0].start, PRESETS[0].end)

    cube.sync(date(2026, 9, 1))  # twelve weeks of trend later

    assert old_week not in cube.materialised()
    assert not FactCube.objects.filter(start=old_week[0], end=old_week[1]).exists()


def test_a_period_the_rollup_does_not_hold_is_counted_on_the_facts(scenario, world):
    scenario.run_all()
    facts.refresh(sync_cube=False)
    cube.sync(TODAY)
    period = Period(date(2026, 3, 2), date(2026, 3, 15))
    cockpit = cockpit_of(world.leader, period)

    with CaptureQueriesContext(connection) as ctx:
        counts = cockpit.figures.counts

    assert not _reads_cube(ctx)
    assert counts["accepted"] == 31  # test_figures.EXPECTED_A


def test_the_page_reads_the_rollup_with_the_same_queries_with_more_issues(client, scenario, world):
    client.force_login(world.leader)
    march = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}
    scenario.run_until(datetime(2026, 3, 3, tzinfo=TZ))
    facts.refresh(sync_cube=False)
    cube.sync(TODAY)
    client.get("/cockpit/", march)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get("/cockpit/", march)
    scenario.run_all()
    facts.refresh(sync_cube=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cockpit/", march)

    assert _reads_cube(many)
    assert len(many) == len(few)
    assert response.context["cockpit"].figures["accepted"] > 20
