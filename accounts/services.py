"""Writes for people and jurisdiction: keyword-only, an explicit actor, one transaction each."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import update_change_reason

from accounts.models import (
    CMS_GROUPS,
    SYSTEM_USERNAME,
    UNIT_ROLES,
    Region,
    Role,
    RoleMembership,
    Unit,
    User,
)
from accounts.scope import forget_scope


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    staff_no: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a person. `password=None` leaves the account without a usable password
    (e.g. invited enterprise users set theirs through the invitation)."""
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        staff_no=staff_no,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user._history_user = actor
    user.save()
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    region: Region | None = None,
    unit: Unit | None = None,
) -> RoleMembership:
    """Give `user` a role in a region (staff roles) or a unit (handler, unit head).

    Idempotent: granting an existing membership re-activates it instead of duplicating it.
    """
    role = Role(role)
    if role in UNIT_ROLES:
        lookup = {"user": user, "role": role, "unit": unit, "region": None}
    else:
        lookup = {"user": user, "role": role, "region": region, "unit": None}
    membership = RoleMembership.objects.filter(**lookup).first()
    if membership is None:
        membership = RoleMembership(**lookup)
    membership.is_active = True
    membership.full_clean()
    membership._history_user = actor
    membership.save()
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True  # administrators use the Django admin for catalogues
        user._history_user = actor
        user.save(update_fields=["is_staff"])
    _sync_cms_groups(user)
    forget_scope(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: RoleMembership, reason: str = "") -> None:
    """End a membership; the row and its history stay."""
    membership.is_active = False
    membership._history_user = actor
    membership.save(update_fields=["is_active"])
    if reason:
        update_change_reason(membership, reason)
    _sync_cms_groups(membership.user)
    forget_scope(membership.user)


def _sync_cms_groups(user: User) -> None:
    """Keep the person's Wagtail-admin groups (accounts.models.CMS_GROUPS) in line with their
    active roles: the policy editor's group while they hold the role, the reviewers' group for
    administrators. Wagtail's page permissions are granted to groups, never to roles."""
    held = set(
        RoleMembership.objects.active()
        .filter(user=user, role__in=list(CMS_GROUPS))
        .values_list("role", flat=True)
    )
    for role, name in CMS_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def system_user() -> User:
    """The account that Celery tasks, imports and commands act as, so that every history row and
    event names an actor. It cannot log in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"display_name": "系统", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
