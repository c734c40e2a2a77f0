"""Coverage figures against a hand-computed fixture (DESIGN §4, §10)."""

from datetime import date, timedelta

import pytest

from accounts.models import Role
from tests.factories import AssignmentFactory, EnterpriseFactory, UserFactory, grant
from tests.visits.conftest import local_dt, make_visit
from visits.models import Visit
from visits.selectors import (
    coverage_by_officer,
    coverage_by_region,
    coverage_for_officer,
    enterprise_due,
    overdue_for_officer,
)

TODAY = date(2026, 3, 31)
START, END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.fixture
def fixture(world):
    """The liaison has 5 enterprises (frequency 30 days unless said):

    - ent_a (城关街道): visited 2026-03-10 → visited in March; next due 04-09 → not overdue;
    - e2 (城关街道): visited 2026-02-20 only → not visited in March; due 03-22 → overdue;
    - e3 (高新园, frequency 60): visited 2026-02-20 → due 04-21, not overdue, not visited;
    - e4 (城关街道): never visited → due today → overdue; a planned visit does not count;
    - e5 (高新园, frequency 10): visited 2026-03-21 23:30 local → visited; due 03-31 = today
      → overdue (due today counts);
    - cancelled visit of e2 on 03-15 counts for nothing.
    liaison2 has ent_b (高新园, deputy's enterprise is reassigned to liaison2): never visited.
    A deregistered enterprise of the liaison is never counted.
    """
    w = world
    e2 = EnterpriseFactory(name="二号企业", region=w.street)
    e3 = EnterpriseFactory(name="三号企业", region=w.park, visit_frequency_days=60)
    e4 = EnterpriseFactory(name="四号企业", region=w.street)
    e5 = EnterpriseFactory(name="五号企业", region=w.park, visit_frequency_days=10)
    gone = EnterpriseFactory(name="注销企业", region=w.street, status="deregistered")
    for e in (e2, e3, e4, e5, gone):
        AssignmentFactory(enterprise=e, person=w.liaison, kind="liaison")
    make_visit(w.ent_a, w.liaison, happened_at=local_dt(date(2026, 3, 10)))
    make_visit(w.ent_a, w.liaison, happened_at=local_dt(date(2026, 1, 5)))
    make_visit(e2, w.liaison, happened_at=local_dt(date(2026, 2, 20)))
    make_visit(e2, w.liaison, status=Visit.Status.CANCELLED, planned_on=date(2026, 3, 15))
    make_visit(e3, w.liaison, happened_at=local_dt(date(2026, 2, 20)))
    make_visit(e4, w.liaison, status=Visit.Status.PLANNED, planned_on=date(2026, 4, 2))
    make_visit(
        e5, w.liaison, happened_at=local_dt(date(2026, 3, 21), hour=23) + timedelta(minutes=30)
    )
    make_visit(gone, w.liaison, happened_at=local_dt(date(2026, 3, 5)))
    w.e2, w.e3, w.e4, w.e5 = e2, e3, e4, e5
    w.liaison2 = UserFactory(username="liaison2", display_name="联络员二")
    grant(w.liaison2, Role.LIAISON, region=w.district)
    return w


def test_an_officers_coverage_counts_visited_assigned_and_overdue(fixture):
    w = fixture
    cov = coverage_for_officer(user=w.liaison, officer=w.liaison, start=START, end=END, today=TODAY)
    # ent_a is assigned as liaison; e2..e5 too; the deregistered one is not counted.
    assert (cov.assigned, cov.visited, cov.overdue) == (5, 2, 3)
    assert cov.rate == 0.4
    assert cov.percent == "40.0%"


@pytest.mark.parametrize("few", [True, False])
def test_both_ways_of_counting_give_the_hand_computed_figures(fixture, few):
    # given: the liaison's five active enterprises (probed one by one, or as sets built once)
    from visits.selectors.coverage import _assigned_enterprises, _counts

    qs = _assigned_enterprises(user=fixture.liaison, officer=fixture.liaison)
    # when
    got = _counts(qs, start=START, end=END, today=TODAY, few=few)
    # then
    assert got == {"assigned": 5, "visited": 2, "overdue": 3}


def test_the_overdue_list_names_the_enterprises_due_today_or_earlier(fixture):
    w = fixture
    due = overdue_for_officer(user=w.liaison, officer=w.liaison, today=TODAY)
    assert [(d.enterprise.name, d.next_due_on) for d in due] == [
        ("二号企业", date(2026, 3, 22)),
        ("五号企业", TODAY),  # same day: by name (code point order)
        ("四号企业", TODAY),
    ]
    assert due[0].last_visit_at == local_dt(date(2026, 2, 20))
    assert due[0].next_planned_on is None
    assert due[2].next_planned_on == date(2026, 4, 2)  # 四号企业 has a plan


def test_an_enterprises_next_visit_is_its_last_visit_plus_its_frequency(fixture):
    w = fixture
    assert enterprise_due(enterprise=w.ent_a, today=TODAY).next_due_on == date(2026, 4, 9)
    assert enterprise_due(enterprise=w.e4, today=TODAY).next_due_on == TODAY


def test_coverage_by_region_groups_each_subtree(fixture):
    w = fixture
    rows = coverage_by_region(
        user=w.dispatcher, start=START, end=END, parent=w.district, today=TODAY
    )
    by_name = {r.region.name: (r.assigned, r.visited, r.overdue) for r in rows}
    # 城关街道: ent_a (visited), e2 (overdue), e4 (overdue); 高新园: ent_b (deputy, never
    # visited → overdue), e3, e5 (visited, overdue).
    assert by_name == {"城关街道": (3, 1, 2), "高新园": (3, 1, 2)}


def test_coverage_by_officer_has_one_row_per_officer(fixture):
    w = fixture
    rows = coverage_by_officer(user=w.dispatcher, start=START, end=END, today=TODAY)
    by_person = {r.officer.username: (r.assigned, r.visited, r.overdue) for r in rows}
    # The responsible leader holds ent_a as "leader": it counts for them too.
    assert by_person == {
        "liaison1": (5, 2, 3),
        "bbleader1": (1, 1, 0),
        "deputy1": (1, 0, 1),
    }
    assert rows[0].officer.username == "deputy1"  # the weakest first


def test_coverage_only_counts_what_the_viewer_may_see(fixture):
    w = fixture
    cov = coverage_for_officer(
        user=w.far_dispatcher, officer=w.liaison, start=START, end=END, today=TODAY
    )
    assert (cov.assigned, cov.visited, cov.overdue) == (0, 0, 0)
    assert cov.rate is None


def test_coverage_selectors_use_a_constant_number_of_queries(
    fixture, django_assert_max_num_queries
):
    w = fixture
    for i in range(10):
        e = EnterpriseFactory(name=f"批量企业{i}", region=w.street)
        AssignmentFactory(enterprise=e, person=w.liaison, kind="liaison")
        make_visit(e, w.liaison, happened_at=local_dt(date(2026, 3, 1 + i)))
    w.dispatcher.refresh_from_db()
    with django_assert_max_num_queries(2):
        coverage_for_officer(user=w.dispatcher, officer=w.liaison, start=START, end=END)
    with django_assert_max_num_queries(1):
        overdue_for_officer(user=w.dispatcher, officer=w.liaison, today=TODAY)
    with django_assert_max_num_queries(2):
        coverage_by_region(user=w.dispatcher, start=START, end=END, parent=w.district)
    with django_assert_max_num_queries(2):
        coverage_by_officer(user=w.dispatcher, start=START, end=END)
