"""Fetch-and-authorise helpers: a view never gets an enterprise it may not act on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.scope import scope_for
from enterprises import permissions
from enterprises.models import Enterprise
from enterprises.selectors import staff_enterprise_get_for_user


def require_staff(user) -> None:
    """The government-side pages exist only for people with a staff role."""
    if not scope_for(user).is_staff_member:
        raise Http404


def require_manager(user) -> None:
    require_staff(user)
    if not permissions.can_manage_any(user):
        raise PermissionDenied


def enterprise_for_view(user, pk: int) -> Enterprise:
    return staff_enterprise_get_for_user(user=user, pk=pk)


def enterprise_for_edit(user, pk: int) -> Enterprise:
    """404 when the person may not see it; 403 when they see it but may not edit it."""
    enterprise = staff_enterprise_get_for_user(user=user, pk=pk)
    if not permissions.can_edit_profile(user, enterprise):
        raise PermissionDenied
    return enterprise


def enterprise_for_reassign(user, pk: int) -> Enterprise:
    enterprise = staff_enterprise_get_for_user(user=user, pk=pk)
    if not permissions.can_reassign(user, enterprise):
        raise PermissionDenied
    return enterprise
