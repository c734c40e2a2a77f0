"""Past periods never change (DESIGN §8, §10): the figures given at a period's end are given
again later, and the derived facts agree with the recompute from the events alone."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cockpit import facts
from cockpit.models import Fact
from cockpit.periods import Period
from cockpit.recompute import recompute
from tests.cockpit.conftest import TZ
from tests.cockpit.test_figures import cockpit_of

pytestmark = pytest.mark.django_db

PERIOD_A_QUERY = {"period": "custom", "start": "2026-03-02", "end": "2026-03-15"}
PAST_PERIODS = [
    Period(date(2026, 2, 1), date(2026, 2, 28)),
    Period(date(2026, 3, 2), date(2026, 3, 15)),
    Period(date(2026, 3, 9), date(2026, 3, 15)),
    Period(date(2026, 3, 16), date(2026, 3, 31)),
]


def _fact_rows():
    fields = [f.attname for f in Fact._meta.concrete_fields if f.attname != "id"]
    return sorted(tuple(str(v) for v in row) for row in Fact.objects.values_list(*fields))


def test_three_past_periods_give_the_same_numbers_later_and_from_the_events(scenario, world):
    # given: the cockpit as it was on 2026-03-16 00:00, then everything that happened after
    scenario.run_until(datetime(2026, 3, 16, tzinfo=TZ))
    facts.refresh()
    then = {p: cockpit_of(world.leader, p) for p in PAST_PERIODS[:3]}
    then_counts = {p: c.figures.counts for p, c in then.items()}
    then_trend = [pt["figures"].counts for pt in then[PAST_PERIODS[1]].trend("week")]
    scenario.run_all()  # 03-17 review passed, 03-18 resolved, 03-20 withdrawn …

    # when
    facts.refresh()

    # then: the fast path gives the same numbers for the closed periods …
    for period, counts in then_counts.items():
        assert cockpit_of(world.leader, period).figures.counts == counts, period
    now_trend = [pt["figures"].counts for pt in cockpit_of(world.leader).trend("week")]
    assert now_trend == then_trend
    # … and so does the recompute from the IssueEvent rows alone, for every period.
    district = [i.pk for k, i in scenario.issues.items() if k != 33]
    for period in PAST_PERIODS:
        fast = cockpit_of(world.leader, period).figures.counts
        slow = recompute(start=period.start, end=period.end, issue_ids=district)
        assert {k: slow.get(k, 0) for k in fast} == fast, period


def test_the_command_rebuild_gives_the_facts_the_refresh_kept(scenario, world):
    scenario.run_until(datetime(2026, 3, 9, tzinfo=TZ))
    facts.refresh()
    scenario.run_all()
    facts.refresh()
    kept = _fact_rows()

    facts.rebuild_all()

    assert _fact_rows() == kept
    assert len(kept) > 100


def test_a_later_period_sees_the_withdrawal_that_the_earlier_did_not(scenario, world):
    scenario.run_all()
    facts.refresh()
    issue_21 = scenario.issues[21]

    def counted(period):
        ids = cockpit_of(world.leader, period).issue_ids("accepted")
        return issue_21.pk in set(ids)

    assert counted(Period(date(2026, 3, 2), date(2026, 3, 15)))
    assert not counted(Period(date(2026, 3, 2), date(2026, 3, 31)))


def test_the_page_costs_the_same_queries_with_more_issues(client, scenario, world):
    from datetime import datetime

    from tests.cockpit.conftest import TZ

    client.force_login(world.leader)
    scenario.run_until(datetime(2026, 3, 3, tzinfo=TZ))
    facts.refresh()
    client.get("/cockpit/", PERIOD_A_QUERY)  # warm the per-process caches (calendar, content types)
    with CaptureQueriesContext(connection) as few:
        client.get("/cockpit/", PERIOD_A_QUERY)
    scenario.run_all()
    facts.refresh()
    with CaptureQueriesContext(connection) as many:
        client.get("/cockpit/", PERIOD_A_QUERY)

    assert len(many) == len(few)
    assert len(many) <= 40
