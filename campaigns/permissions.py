"""Who may start a campaign and who may change a target's status."""

from __future__ import annotations

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.models import LiaisonAssignment

CREATOR_ROLES = (Role.DISPATCHER, Role.LEADER, Role.ADMIN)


def can_create(user) -> bool:
    scope = scope_for(user)
    return scope.user_id is not None and (
        scope.is_superuser or any(scope.paths(r) for r in CREATOR_ROLES)
    )


def can_update_target(user, target) -> bool:
    """The enterprise's active liaison (or responsible leader) or the owner unit's staff."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    if target.campaign.owner_unit_id in scope.unit_ids():
        return True
    if not scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        return False
    return (
        LiaisonAssignment.objects.active()
        .filter(enterprise_id=target.enterprise_id, person_id=scope.user_id)
        .exists()
    )
