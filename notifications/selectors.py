"""Reads for notifications: a person's own inbox, never anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from notifications.filters import NotificationFilter
from notifications.models import Kind, Notification, NotificationPreference, default_channels


def notification_list(*, user: User, filters: dict | None = None) -> QuerySet[Notification]:
    """The person's notifications, newest first, narrowed by `filters` (NotificationFilter)."""
    qs = Notification.objects.visible_to(user).select_related("actor")
    return NotificationFilter(filters or {}, queryset=qs).qs


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the person's own notifications; 404 for any other id."""
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)


def unread_count(*, user: User) -> int:
    """How many unread notifications the person has (one indexed count query)."""
    return Notification.objects.visible_to(user).unread().count()


def preference_matrix(*, user: User) -> dict[str, frozenset[str]]:
    """The person's external channels for every kind (their choice, or the default)."""
    chosen = {p.kind: p.channels for p in NotificationPreference.objects.filter(user=user)}
    return {kind: chosen.get(kind, default_channels(kind)) for kind in Kind.values}
