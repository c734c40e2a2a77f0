"""Who sees which visit (DESIGN §2, §4)."""

import pytest

from tests.factories import EnterpriseMembershipFactory, UserFactory
from tests.people import WORLD_PEOPLE
from tests.visits.conftest import make_visit
from visits.models import Visit
from visits.selectors import visit_get_for_user


@pytest.fixture
def visits(world):
    w = world
    v = {
        "a_internal": make_visit(w.ent_a, w.liaison),
        "a_shareable": make_visit(
            w.ent_a, w.liaison, confidentiality=Visit.Confidentiality.SHAREABLE
        ),
        "a_planned_shareable": make_visit(
            w.ent_a,
            w.liaison,
            status=Visit.Status.PLANNED,
            confidentiality=Visit.Confidentiality.SHAREABLE,
        ),
        "b": make_visit(w.ent_b, w.deputy),
        "far": make_visit(w.ent_far, w.far_dispatcher),
        # A handler joined a visit to the far enterprise (陪同办理).
        "far_with_handler": make_visit(w.ent_far, w.far_dispatcher, others=[w.handler]),
    }
    return v


def _visible(user):
    return {v.pk for v in Visit.objects.visible_to(user)}


def _ids(visits, *names):
    return {visits[n].pk for n in names}


def test_dispatchers_and_leaders_see_the_visits_of_their_region_subtree(world, visits):
    district = _ids(visits, "a_internal", "a_shareable", "a_planned_shareable", "b")
    assert _visible(world.dispatcher) == district
    assert _visible(world.leader) == district
    assert _visible(world.admin) == district
    assert _visible(world.far_dispatcher) == _ids(visits, "far", "far_with_handler")


def test_a_liaison_sees_the_visits_of_their_enterprises_and_those_they_joined(world, visits):
    assert _visible(world.liaison) == _ids(
        visits, "a_internal", "a_shareable", "a_planned_shareable"
    )
    assert _visible(world.resp_leader) == _ids(
        visits, "a_internal", "a_shareable", "a_planned_shareable"
    )
    joined = make_visit(world.ent_far, world.far_dispatcher, others=[world.liaison])
    assert joined.pk in _visible(world.liaison)


def test_the_deputy_sees_their_enterprise_and_their_park(world, visits):
    assert _visible(world.deputy) == _ids(visits, "b")


def test_unit_staff_see_only_the_visits_they_joined(world, visits):
    assert _visible(world.handler) == _ids(visits, "far_with_handler")
    assert _visible(world.unit_head) == set()


def test_enterprise_users_see_only_shareable_done_visits_of_their_enterprise(world, visits):
    assert _visible(world.enterprise_user) == _ids(visits, "a_shareable")
    other = UserFactory(username="entuser_b")
    EnterpriseMembershipFactory(user=other, enterprise=world.ent_b)
    assert _visible(other) == set()  # ent_b's only visit is internal


def test_an_outsider_sees_nothing_and_gets_404(world, visits):
    from django.http import Http404

    assert _visible(world.outsider) == set()
    with pytest.raises(Http404):
        visit_get_for_user(user=world.outsider, pk=visits["a_shareable"].pk)


def test_an_ended_assignment_ends_the_liaisons_view_except_of_visits_they_joined(world, visits):
    from django.utils import timezone

    by_leader = make_visit(world.ent_a, world.resp_leader)
    assert by_leader.pk in _visible(world.liaison)
    world.ent_a.assignments.filter(person=world.liaison).update(
        started_on=timezone.localdate(), ended_on=timezone.localdate()
    )
    assert _visible(world.liaison) == _ids(
        visits, "a_internal", "a_shareable", "a_planned_shareable"
    )


@pytest.mark.parametrize("who", WORLD_PEOPLE)
def test_the_visible_parts_unite_to_exactly_the_visible_visits(world, visits, who):
    # given
    user = getattr(world, who)
    # when
    parts = Visit.objects.visible_parts(user)
    # then
    united = set().union(*(set(p.values_list("pk", flat=True)) for p in parts))
    assert united == _visible(user)
