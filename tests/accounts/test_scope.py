"""The visibility building blocks, for every role (DESIGN §2)."""

import pytest

from accounts.models import Region, Role, Unit
from accounts.scope import ANONYMOUS, scope_for
from accounts.selectors import region_list_for, unit_list_for
from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def visible_enterprises(user):
    return set(Enterprise.objects.visible_to(user).values_list("name", flat=True))


def test_dispatcher_sees_every_enterprise_in_the_district_subtree_only(world):
    assert visible_enterprises(world.dispatcher) == {"城关机械有限公司", "高新芯片有限公司"}


def test_dispatcher_of_another_district_sees_only_that_district(world):
    assert visible_enterprises(world.far_dispatcher) == {"江北纺织有限公司"}


def test_leader_sees_the_district_subtree(world):
    assert visible_enterprises(world.leader) == {"城关机械有限公司", "高新芯片有限公司"}


def test_admin_sees_the_region_they_administer(world):
    assert visible_enterprises(world.admin) == {"城关机械有限公司", "高新芯片有限公司"}


def test_liaison_sees_only_assigned_enterprises_not_the_whole_region(world):
    assert visible_enterprises(world.liaison) == {"城关机械有限公司"}


def test_responsible_leader_sees_only_enterprises_they_are_responsible_for(world):
    assert visible_enterprises(world.resp_leader) == {"城关机械有限公司"}


def test_ended_assignment_no_longer_grants_visibility(world):
    assignment = world.ent_a.assignments.get(person=world.liaison)
    assignment.ended_on = assignment.started_on
    assignment.save()
    assert visible_enterprises(world.liaison) == set()


def test_unit_staff_see_no_enterprise_without_an_issue(world):
    # Issues link enterprises to units; with none, a handler sees no enterprise.
    assert visible_enterprises(world.handler) == set()
    assert visible_enterprises(world.unit_head) == set()


def test_enterprise_user_sees_only_their_own_enterprise(world):
    assert visible_enterprises(world.enterprise_user) == {"城关机械有限公司"}


def test_inactive_enterprise_binding_grants_nothing(world):
    world.enterprise_user.enterprise_memberships.update(is_active=False)
    assert visible_enterprises(world.enterprise_user) == set()


def test_outsider_sees_nothing(world):
    assert visible_enterprises(world.outsider) == set()
    assert scope_for(world.outsider).roles == frozenset()
    assert not scope_for(world.outsider).is_staff_member


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()) is ANONYMOUS
    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()


def test_person_with_two_roles_gets_the_union_and_each_role_keeps_its_own_reach(world):
    # deputy: liaison of ent_b (assignment) + dispatcher of the park only.
    scope = scope_for(world.deputy)
    assert scope.roles == {Role.LIAISON, Role.DISPATCHER}
    assert visible_enterprises(world.deputy) == {"高新芯片有限公司"}
    assert scope.covers_region(world.park, Role.DISPATCHER)
    assert not scope.covers_region(world.street, Role.DISPATCHER)
    # the liaison role is held district-wide, but it does not make them a district dispatcher
    assert scope.covers_region(world.street, Role.LIAISON)


def test_superuser_sees_everything(world):
    world.outsider.is_superuser = True
    world.outsider.save()
    assert len(visible_enterprises(world.outsider)) == 3


def test_inactive_membership_is_ignored(world):
    world.dispatcher.memberships.update(is_active=False)
    assert visible_enterprises(world.dispatcher) == set()


def test_membership_in_an_inactive_unit_is_ignored(world):
    Unit.objects.filter(pk=world.line_unit.pk).update(is_active=False)
    assert scope_for(world.handler).unit_ids() == frozenset()


def test_unit_roles_carry_their_unit_ids(world):
    assert scope_for(world.handler).unit_ids(Role.HANDLER) == {world.line_unit.pk}
    assert scope_for(world.unit_head).unit_ids(Role.UNIT_HEAD) == {world.line_unit.pk}
    assert scope_for(world.unit_head).unit_ids(Role.HANDLER) == frozenset()


def test_region_list_is_the_subtree(world):
    assert set(region_list_for(user=world.dispatcher)) == {
        world.district,
        world.street,
        world.park,
    }
    assert set(region_list_for(user=world.far_dispatcher)) == {world.far}
    assert not region_list_for(user=world.outsider).exists()


def test_unit_list_covers_the_subtree_and_own_units(world):
    assert set(unit_list_for(user=world.dispatcher)) == {world.line_unit, world.street_unit}
    assert set(unit_list_for(user=world.handler)) == {world.line_unit}
    assert not unit_list_for(user=world.outsider).exists()


def test_nested_paths_collapse_to_the_outermost(world):
    from accounts.models import RoleMembership

    RoleMembership.objects.create(user=world.dispatcher, role=Role.DISPATCHER, region=world.street)
    world.dispatcher.refresh_from_db()
    assert scope_for(world.dispatcher).paths(Role.DISPATCHER) == (world.district.path,)


def test_scope_is_computed_with_one_query_and_cached(world, django_assert_num_queries):
    user = type(world.liaison).objects.get(pk=world.liaison.pk)
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)


def test_region_tree_subtree_filter_is_by_path(world):
    inside = Region.objects.filter(path__startswith=world.district.path)
    assert world.far not in inside
