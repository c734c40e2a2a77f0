"""Writes for notifications. `notify` is the one entry point every other app calls;
`notify_many` does the same for a batch of messages (the supervision sweep)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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
        "quoted_lines": [line for line in notification.body.splitlines() if line.strip()],
    }


@dataclass(frozen=True)
class Message:
    """One thing to tell, for `notify_many`: the people in `recipients`, plus — when `unit` or
    `region` is given — that unit's / region's people holding `roles` and its active WeCom robots
    (as `notify_unit` / `notify_region` do). The other fields are those of `notify`."""

    kind: str
    title: str
    body: str
    recipients: Iterable[User] = ()
    unit: Unit | None = None
    region: Region | None = None
    roles: Sequence[str] = ()  # unit: UNIT_ROLES_NOTIFIED when empty; region: required
    link: str = ""
    issue_id: int | None = None
    actor: User | None = None
    source_type: str = ""
    source_id: str | int = ""
    include_actor: bool = False

    def unit_roles(self) -> frozenset[str]:
        return frozenset(self.roles or UNIT_ROLES_NOTIFIED)


def _ancestor_paths(region: Region) -> list[str]:
    step = region.steplen
    return [region.path[:i] for i in range(step, len(region.path) + 1, step)]


def _unit_people_many(messages: Sequence[Message]) -> dict[int, list[RoleMembership]]:
    """Active memberships (with their active users) of the messages' units: one query."""
    wanted = [m for m in messages if m.unit is not None]
    if not wanted:
        return {}
    rows: dict[int, list[RoleMembership]] = {}
    for membership in (
        RoleMembership.objects.filter(
            unit_id__in={m.unit.pk for m in wanted},
            role__in=set().union(*(m.unit_roles() for m in wanted)),
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id", "pk")
    ):
        rows.setdefault(membership.unit_id, []).append(membership)
    return rows


def _region_people_many(messages: Sequence[Message]) -> list[RoleMembership]:
    """Active memberships (with their active users) in the messages' regions or above: one
    query."""
    wanted = [m for m in messages if m.region is not None]
    if not wanted:
        return []
    paths = set().union(*(_ancestor_paths(m.region) for m in wanted))
    return list(
        RoleMembership.objects.active()
        .filter(
            role__in=set().union(*(m.roles for m in wanted)),
            region__path__in=paths,
            user__is_active=True,
        )
        .select_related("user", "region")
        .order_by("user_id", "pk")
    )


def _robots_many(messages: Sequence[Message]) -> dict[tuple[str, int], list[WeComRobot]]:
    """Active robots of the messages' units and regions, by ("unit" | "region", id): one query."""
    units = {m.unit.pk for m in messages if m.unit is not None}
    regions = {m.region.pk for m in messages if m.region is not None}
    if not units and not regions:
        return {}
    robots: dict[tuple[str, int], list[WeComRobot]] = {}
    for robot in WeComRobot.objects.filter(
        Q(unit_id__in=units) | Q(region_id__in=regions), is_active=True
    ).order_by("name", "pk"):
        key = ("unit", robot.unit_id) if robot.unit_id else ("region", robot.region_id)
        robots.setdefault(key, []).append(robot)
    return robots


def _candidates(message: Message, unit_rows, region_rows) -> list[User]:
    people = list(message.recipients)
    if message.unit is not None:
        roles = message.unit_roles()
        people += [m.user for m in unit_rows.get(message.unit.pk, []) if m.role in roles]
    if message.region is not None:
        paths, roles = set(_ancestor_paths(message.region)), set(message.roles)
        people += [m.user for m in region_rows if m.role in roles and m.region.path in paths]
    return people


def _recipients(message: Message, candidates: Iterable[User]) -> list[User]:
    """Duplicates and inactive accounts dropped, and the actor unless `include_actor`."""
    people: dict[int, User] = {}
    actor = message.actor
    for user in candidates:
        if user is None or not user.is_active or user.pk in people:
            continue
        if actor is not None and user.pk == actor.pk and not message.include_actor:
            continue  # nobody is told about their own action
        people[user.pk] = user
    return list(people.values())


def _personal_deliveries(notifications, channels_of, context: dict) -> list[Delivery]:
    """The e-mail / SMS rows of one message's notifications. The subject and the SMS do not
    name the recipient: rendered once per message; the e-mail body greets each person."""
    rendered: dict[str, str] = {}

    def once(template: str) -> str:
        if template not in rendered:
            rendered[template] = _render(template, context)
        return rendered[template]

    rows = []
    for notification in notifications:
        for channel in channels_of(notification):
            address = _address(notification.recipient, channel)
            if not address:
                continue  # nothing on file for this channel: the inbox still has it
            if channel == Channel.EMAIL:
                subject = once("email_subject.txt").replace("\n", " ")[:255]
                body = _render("email_body.txt", context | {"n": notification})
            else:
                subject, body = "", once("sms.txt")
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
def notify_many(*, messages: Sequence[Message]) -> list[list[Notification]]:
    """`notify` (and `notify_unit` / `notify_region`) for many messages at once, with a constant
    number of queries: recipients of units and regions, robots, preferences, and one bulk insert
    each of notifications and deliveries — whatever the number of messages (`recipients` given
    as querysets are evaluated, one query each). The rows are those the single calls write; they
    commit or roll back with the caller's transaction, and one after-commit callback queues all
    the deliveries (stopping at the first broker error: the rest stay pending for the retry
    sweep). Returns the notifications created, one list per message."""
    messages = list(messages)
    kinds = [Kind(m.kind) for m in messages]  # an unknown kind is a programming error
    unit_rows = _unit_people_many(messages)
    region_rows = _region_people_many(messages)
    robots_by = _robots_many(messages)
    now = timezone.now()
    per_message: list[list[Notification]] = []
    for message, kind in zip(messages, kinds, strict=True):
        source_type, source_id = message.source_type, str(message.source_id)
        if message.issue_id is not None and not source_type:
            source_type, source_id = "issue", str(message.issue_id)
        users = _recipients(message, _candidates(message, unit_rows, region_rows))
        notifications = [
            Notification(
                recipient=user,
                kind=kind,
                title=message.title[:200],
                body=message.body,
                link=message.link,
                issue_id=message.issue_id,
                source_type=source_type,
                source_id=source_id,
                actor=message.actor,
                created_at=now,
            )
            for user in users
        ]
        if notifications:  # the rows differ only by recipient (an object we hold)
            notifications[0].full_clean(exclude=["recipient", "actor"])
        per_message.append(notifications)
    Notification.objects.bulk_create([n for batch in per_message for n in batch])

    chosen = {
        (p.user_id, p.kind): p.channels
        for p in NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for batch in per_message for n in batch},
            kind__in=set(kinds),
        )
    }
    deliveries: list[Delivery] = []
    for message, kind, notifications in zip(messages, kinds, per_message, strict=True):
        sample = (
            notifications[0]
            if notifications
            else Notification(
                kind=kind,
                title=message.title[:200],
                body=message.body,
                link=message.link,
                issue_id=message.issue_id,
            )
        )
        context = _message_context(sample, kind.label)
        deliveries += _personal_deliveries(
            notifications,
            lambda n, kind=kind: chosen.get((n.recipient_id, kind), default_channels(kind)),
            context,
        )
        robots = []
        if message.unit is not None:
            robots += robots_by.get(("unit", message.unit.pk), [])
        if message.region is not None:
            robots += robots_by.get(("region", message.region.pk), [])
        if robots:
            content = _render("wecom.md", context)
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
    return per_message


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
    return notify_many(
        messages=[
            Message(
                recipients=recipients,
                kind=kind,
                title=title,
                body=body,
                link=link,
                issue_id=issue_id,
                actor=actor,
                source_type=source_type,
                source_id=source_id,
                include_actor=include_actor,
            )
        ]
    )[0]


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
    return User.objects.filter(
        pk__in=RoleMembership.objects.active()
        .filter(role__in=list(roles), region__path__in=_ancestor_paths(region))
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
    return notify_many(
        messages=[
            Message(
                unit=unit,
                roles=tuple(roles),
                kind=kind,
                title=title,
                body=body,
                link=link,
                issue_id=issue_id,
                actor=actor,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )[0]


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
    return notify_many(
        messages=[
            Message(
                region=region,
                roles=tuple(roles),
                kind=kind,
                title=title,
                body=body,
                link=link,
                issue_id=issue_id,
                actor=actor,
                source_type=source_type,
                source_id=source_id,
            )
        ]
    )[0]


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
    "Message",
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "notify_many",
    "notify_region",
    "notify_unit",
    "preferences_save",
    "region_people",
    "unit_people",
]
