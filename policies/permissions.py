"""Who may act on a push row (the services check again under the row lock)."""

from __future__ import annotations

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.models import LiaisonAssignment


def can_deliver(user, target) -> bool:
    """The enterprise's active liaison (or responsible leader) logs the 政策宣讲 visit."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        return False
    return (
        LiaisonAssignment.objects.active()
        .filter(enterprise_id=target.enterprise_id, person_id=scope.user_id)
        .exists()
    )


def can_record_outcome(user, target) -> bool:
    """Applied / received: the enterprise's liaison or the staff of the policy's unit."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    unit_id = target.policy.unit_id
    if unit_id is not None and unit_id in scope.unit_ids():
        return True
    return can_deliver(user, target)


def can_see_coverage(user) -> bool:
    return scope_for(user).has_role(
        Role.DISPATCHER, Role.LEADER, Role.ADMIN, Role.LIAISON, Role.RESPONSIBLE_LEADER
    ) or bool(scope_for(user).unit_ids())
