"""Who may do what to an enterprise (DESIGN §2, §3), on top of who may see it (`visible_to`).

- edit everything, add contacts, reassign liaisons and leaders: administrators and dispatchers
  whose region subtree covers the enterprise's region;
- edit the profile (not the credit code or the region, which decide who sees the enterprise)
  and the contacts: also the enterprise's active liaison;
- see contacts' phone numbers unmasked: the active liaison, the active responsible leader and
  administrators covering the enterprise.
"""

from __future__ import annotations

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.models import Enterprise, LiaisonAssignment

MANAGERS = (Role.ADMIN, Role.DISPATCHER)


def _active_kinds(user, enterprise: Enterprise) -> set[str]:
    """The assignment kinds `user` actively holds on `enterprise` (cached per enterprise)."""
    cache = enterprise.__dict__.setdefault("_assignment_kinds", {})
    if user.pk not in cache:
        cache[user.pk] = set(
            LiaisonAssignment.objects.active()
            .filter(enterprise=enterprise, person_id=user.pk)
            .values_list("kind", flat=True)
        )
    return cache[user.pk]


def can_manage(user, enterprise: Enterprise) -> bool:
    return scope_for(user).covers_region(enterprise.region, *MANAGERS) if _staff(user) else False


def can_edit_profile(user, enterprise: Enterprise) -> bool:
    if can_manage(user, enterprise):
        return True
    return LiaisonAssignment.Kind.LIAISON in _active_kinds(user, enterprise)


def can_reassign(user, enterprise: Enterprise) -> bool:
    return can_manage(user, enterprise)


def can_see_phones(user, enterprise: Enterprise) -> bool:
    if _staff(user) and scope_for(user).covers_region(enterprise.region, Role.ADMIN):
        return True
    return bool(_active_kinds(user, enterprise))


def can_manage_any(user) -> bool:
    """Creating enterprises, importing the ledger, handing an officer's enterprises over."""
    return scope_for(user).has_role(*MANAGERS)


def _staff(user) -> bool:
    return scope_for(user).is_staff_member
