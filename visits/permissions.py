"""Who may record visits for which enterprise (a write permission, narrower than seeing them)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Region, Role, RoleMembership, User
from accounts.scope import scope_for
from enterprises.models import Enterprise, LiaisonAssignment

# Leaders only read (cockpit); unit staff and enterprise users never record visits.
RECORDING_REGION_ROLES = (Role.DISPATCHER, Role.ADMIN)
RECORDING_ASSIGNED_ROLES = (Role.LIAISON, Role.RESPONSIBLE_LEADER)
# Who sees the coverage table per region / officer.
TABLE_ROLES = (Role.DISPATCHER, Role.LEADER, Role.ADMIN)


def enterprises_recordable_by(user: User) -> QuerySet[Enterprise]:
    """Enterprises for which `user` may plan and log visits: those actively assigned to them
    (liaison / responsible leader) and, for dispatchers and administrators, those in their
    region subtrees."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Enterprise.objects.all()
    if scope.user_id is None:
        return Enterprise.objects.none()
    q = scope.region_q("region", *RECORDING_REGION_ROLES)
    if scope.has_role(*RECORDING_ASSIGNED_ROLES):
        q |= Q(
            Exists(
                LiaisonAssignment.objects.active().filter(
                    enterprise=OuterRef("pk"), person_id=scope.user_id
                )
            )
        )
    return Enterprise.objects.filter(q)


def can_record_visits(user: User, enterprise: Enterprise) -> bool:
    return enterprises_recordable_by(user).filter(pk=enterprise.pk).exists()


def officer_candidates() -> QuerySet[User]:
    """People who can be named as officers on a visit: active staff (any active staff role)."""
    return User.objects.filter(
        is_active=True,
        pk__in=RoleMembership.objects.active().values("user_id"),
    ).order_by("display_name", "username")


def can_record(user: User) -> bool:
    """Whether the person may record visits at all (shows the "plan" / "log" buttons)."""
    return scope_for(user).has_role(*RECORDING_REGION_ROLES, *RECORDING_ASSIGNED_ROLES)


def officer_candidates_for(user: User) -> QuerySet[User]:
    """Colleagues `user` may name as fellow officers: active people holding a liaison,
    responsible-leader or dispatcher role in a region above, at or below the regions where
    `user` acts (a constant-size query whatever the size of the jurisdiction)."""
    scope = scope_for(user)
    roles = (Role.LIAISON, Role.RESPONSIBLE_LEADER, Role.DISPATCHER)
    memberships = RoleMembership.objects.active().filter(role__in=roles)
    if not scope.is_superuser:
        q = Q(pk__in=[])
        for path in scope.paths():
            step = Region.steplen
            ancestors = [path[:i] for i in range(step, len(path) + 1, step)]
            q |= Q(region__path__startswith=path) | Q(region__path__in=ancestors)
        memberships = memberships.filter(q)
    return User.objects.filter(
        Q(pk__in=memberships.values("user_id")) | Q(pk=user.pk), is_active=True
    ).order_by("display_name", "username")
