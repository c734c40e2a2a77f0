"""Reads for people and jurisdiction, scoped by DESIGN §2."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Region, Role, RoleMembership, Unit, User
from accounts.scope import scope_for


def region_list_for(*, user: User) -> QuerySet[Region]:
    """Regions inside any subtree where the person holds a region role."""
    return Region.objects.filter(scope_for(user).region_q("")).order_by("path")


def unit_list_for(*, user: User) -> QuerySet[Unit]:
    """Units a person may see: those in their region subtrees, plus their own units."""
    scope = scope_for(user)
    return (
        Unit.objects.filter(scope.region_q("region") | Q(pk__in=scope.unit_ids()))
        .select_related("region")
        .order_by("region__path", "name")
    )


def membership_list_for_person(*, user: User) -> QuerySet[RoleMembership]:
    """A person's own active memberships, for the workbench."""
    return (
        RoleMembership.objects.active()
        .filter(user=user)
        .select_related("region", "unit")
        .order_by("role")
    )


def people_with_role(*, role: str, region: Region | None = None) -> QuerySet[User]:
    """Active people holding `role`, optionally inside `region`'s subtree."""
    qs = User.objects.filter(
        is_active=True, memberships__role=Role(role), memberships__is_active=True
    )
    if region is not None:
        qs = qs.filter(memberships__region__path__startswith=region.path)
    return qs.distinct().order_by("display_name", "username")
