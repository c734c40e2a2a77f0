"""Writes for notifications. `notify` is the one entry point every other app calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Region, Role, RoleMembership, Unit, User
from notifications.models import (
    PERSONAL_CHANNELS,
    Channel,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
    WeComRobot,
    default_channels,
)
from notifications.outbox import publish_on_commit

UNIT_ROLES_NOTIFIED = (Role.HANDLER, Role.UNIT_HEAD)


def _channels_by_user(users: Sequence[User], kind: str) -> dict[int, frozenset[str]]:
    chosen = {
        p.user_id: p.channels
        for p in NotificationPreference.objects.filter(user__in=users, kind=kind)
    }
    return {u.pk: chosen.get(u.pk, default_channels(kind)) for u in users}


def _address(user: User, channel: str) -> str:
    return {Channel.EMAIL: user.email, Channel.SMS: user.phone}.get(channel, "").strip()


def _render(template: str, context: dict) -> str:
    # Messages leave the product in its primary language, whatever the sender's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"notifications/messages/{template}", context).strip()


def _message_context(notification: Notification, kind_label: str) -> dict:
    target = notification.target_url
    return {
        "n": notification,
        "kind_label": kind_label,
        "url": f"{settings.QINQING_SITE_URL.rstrip('/')}{target}" if target else "",
        "quoted_body": "\n".join(f"> {line}" for line in notification.body.splitlines()),
    }


def _deliveries_for(notification: Notification, channels: Iterable[str]) -> list[Delivery]:
    context = _message_context(notification, Kind(notification.kind).label)
    rows = []
    for channel in channels:
        address = _address(notification.recipient, channel)
        if not address:
            continue  # nothing on file for this channel: the inbox still has it
        if channel == Channel.EMAIL:
            subject = _render("email_subject.txt", context).replace("\n", " ")[:255]
            body = _render("email_body.txt", context)
        else:
            subject, body = "", _render("sms.txt", context)
        rows.append(
            Delivery(
                notification=notification,
                channel=channel,
                address=address,
                subject=subject,
                body=body,
            )
        )
    return rows


@transaction.atomic
def _notify(
    *,
    recipients: Iterable[User],
    robots: Iterable[WeComRobot] = (),
    kind: str,
    title: str,
    body: str,
    link: str,
    issue_id: int | None,
    actor: User | None,
    source_type: str,
    source_id: str,
    include_actor: bool,
) -> list[Notification]:
    kind = Kind(kind)  # an unknown kind is a programming error: raise ValueError
    if issue_id is not None and not source_type:
        source_type, source_id = "issue", str(issue_id)
    people: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or user.pk in people:
            continue
        if actor is not None and user.pk == actor.pk and not include_actor:
            continue  # nobody is told about their own action
        people[user.pk] = user
    users = list(people.values())
    now = timezone.now()
    notifications = []
    for user in users:
        notification = Notification(
            recipient=user,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            issue_id=issue_id,
            source_type=source_type,
            source_id=str(source_id),
            actor=actor,
            created_at=now,
        )
        notification.full_clean(exclude=["recipient", "actor"])  # both are objects we hold
        notifications.append(notification)
    Notification.objects.bulk_create(notifications)

    channels = _channels_by_user(users, kind) if users else {}
    deliveries: list[Delivery] = []
    for notification in notifications:
        deliveries += _deliveries_for(notification, channels[notification.recipient_id])
    robots = [r for r in robots if r.is_active]
    if robots:
        sample = (
            notifications[0]
            if notifications
            else Notification(kind=kind, title=title[:200], body=body, link=link, issue_id=issue_id)
        )
        content = _render("wecom.md", _message_context(sample, kind.label))
        deliveries += [
            Delivery(
                notification=notifications[0] if notifications else None,
                robot=robot,
                channel=Channel.WECOM,
                body=content,
            )
            for robot in robots
        ]
    Delivery.objects.bulk_create(deliveries)
    publish_on_commit(d.pk for d in deliveries)
    return notifications


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str,
    link: str = "",
    issue_id: int | None = None,
    actor: User | None = None,
    source_type: str = "",
    source_id: str | int = "",
    include_actor: bool = False,
) -> list[Notification]:
    """Tell people about something, in their inbox and on the channels they chose for `kind`.

    Call it inside the transaction of the event that causes it: the notifications and their
    outbox rows (`Delivery`) commit or roll back with that event. Sending happens after commit in
    Celery; a broker outage never raises here (the rows stay pending and the beat retries them).

    - `recipients`: users; duplicates and inactive accounts are dropped, and so is `actor`
      (nobody is told about their own action) unless `include_actor=True`.
    - `kind`: a `notifications.models.Kind` value (ValueError otherwise).
    - `link`: a path inside the product ("/issues/12/"), shown as the item's target.
    - `issue_id` (or `source_type` / `source_id`): what the notification is about.

    Returns the notifications created, one per recipient.
    """
    return _notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        link=link,
        issue_id=issue_id,
        actor=actor,
        source_type=source_type,
        source_id=str(source_id),
        include_actor=include_actor,
    )


def unit_people(*, unit: Unit, roles: Sequence[str] = UNIT_ROLES_NOTIFIED):
    """Active people holding one of `roles` in `unit`."""
    return User.objects.filter(
        is_active=True,
        memberships__unit=unit,
        memberships__role__in=list(roles),
        memberships__is_active=True,
    ).distinct()


def region_people(*, region: Region, roles: Sequence[str]):
    """Active people holding one of `roles` for `region`: in the region itself or in a region
    above it (their subtree covers it)."""
    step = region.steplen
    ancestor_paths = [region.path[:i] for i in range(step, len(region.path) + 1, step)]
    return User.objects.filter(
        pk__in=RoleMembership.objects.active()
        .filter(role__in=list(roles), region__path__in=ancestor_paths)
        .values("user_id"),
        is_active=True,
    )


def notify_unit(
    *,
    unit: Unit,
    kind: str,
    title: str,
    body: str,
    roles: Sequence[str] = UNIT_ROLES_NOTIFIED,
    link: str = "",
    issue_id: int | None = None,
    actor: User | None = None,
    source_type: str = "",
    source_id: str | int = "",
) -> list[Notification]:
    """`notify` the unit's people holding `roles` (handlers and unit head by default), and post
    one message to each active WeCom robot of the unit."""
    return _notify(
        recipients=unit_people(unit=unit, roles=roles),
        robots=WeComRobot.objects.filter(unit=unit, is_active=True),
        kind=kind,
        title=title,
        body=body,
        link=link,
        issue_id=issue_id,
        actor=actor,
        source_type=source_type,
        source_id=str(source_id),
        include_actor=False,
    )


def notify_region(
    *,
    region: Region,
    roles: Sequence[str],
    kind: str,
    title: str,
    body: str,
    link: str = "",
    issue_id: int | None = None,
    actor: User | None = None,
    source_type: str = "",
    source_id: str | int = "",
) -> list[Notification]:
    """`notify` the people holding `roles` whose jurisdiction covers `region` (e.g. its
    dispatchers), and post one message to each active WeCom robot of that region."""
    return _notify(
        recipients=region_people(region=region, roles=roles),
        robots=WeComRobot.objects.filter(region=region, is_active=True),
        kind=kind,
        title=title,
        body=body,
        link=link,
        issue_id=issue_id,
        actor=actor,
        source_type=source_type,
        source_id=str(source_id),
        include_actor=False,
    )


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (idempotent: the first read time stays)."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("a person marks only their own notifications")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark all of the actor's unread notifications read. Returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_save(*, actor: User, user: User, choices: dict[str, set[str]]) -> None:
    """Save `user`'s external channels per kind (`choices`: kind → channels). Kinds missing from
    `choices` keep their current setting. Only the person themself changes their preferences."""
    if actor.pk != user.pk:
        raise PermissionError("a person sets only their own preferences")
    existing = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    for kind, channels in choices.items():
        kind = Kind(kind)
        preference = existing.get(kind) or NotificationPreference(user=user, kind=kind)
        for channel in PERSONAL_CHANNELS:
            setattr(preference, channel, channel in channels)
        preference.full_clean(exclude=["user"])
        preference.save()


__all__ = [
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "notify_region",
    "notify_unit",
    "preferences_save",
    "region_people",
    "unit_people",
]
