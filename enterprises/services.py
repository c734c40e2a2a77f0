"""Writes for enterprises, contacts and liaison assignments.

Keyword-only, an explicit `actor` (a person, or `accounts.services.system_user()` for tasks and
commands), one transaction each, `full_clean()` before saving, history attributed to the actor.
Authorisation is the caller's job (see `enterprises.permissions`); these functions enforce the
data rules (one primary contact, one active liaison / leader, the right role for the person).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, RoleMembership, User
from enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseMembership,
    LiaisonAssignment,
    Tag,
)

PROFILE_FIELDS = (
    "credit_code",
    "name",
    "legal_representative",
    "established_on",
    "registered_capital",
    "address",
    "region",
    "industry",
    "scale",
    "status",
    "visit_frequency_days",
)
ROLE_FOR_KIND = {
    LiaisonAssignment.Kind.LIAISON: Role.LIAISON,
    LiaisonAssignment.Kind.LEADER: Role.RESPONSIBLE_LEADER,
}


def _save(obj, actor: User | None, reason: str = "") -> None:
    obj.full_clean()
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save()


@transaction.atomic
def enterprise_create(
    *, actor: User | None, tags: Iterable[Tag] = (), reason: str = "", **fields
) -> Enterprise:
    """Register an enterprise. `fields` are the profile fields (see PROFILE_FIELDS)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    enterprise = Enterprise(**fields)
    enterprise.credit_code = (enterprise.credit_code or "").strip().upper()
    _save(enterprise, actor, reason)
    tags = list(tags)
    if tags:
        enterprise._history_user = actor
        enterprise.tags.set(tags)  # simple-history records the m2m change as one more row
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    actor: User | None,
    enterprise: Enterprise,
    tags: Iterable[Tag] | None = None,
    reason: str = "",
    **fields,
) -> Enterprise:
    """Change profile fields (only those given) and, when `tags` is given, the tags. A change
    of region is copied onto the enterprise's issues (`Issue.region`, which the region-scoped
    issue lists filter on)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
    old_region_id = enterprise.region_id
    for name, value in fields.items():
        setattr(enterprise, name, value)
    if "credit_code" in fields:
        enterprise.credit_code = (enterprise.credit_code or "").strip().upper()
    _save(enterprise, actor, reason)
    if enterprise.region_id != old_region_id:
        enterprise_issues_follow_region(enterprise_ids=[enterprise.pk])
    if tags is not None:
        tags = list(tags)
        if {t.pk for t in tags} != set(enterprise.tags.values_list("pk", flat=True)):
            enterprise._history_user = actor
            enterprise.tags.set(tags)
    return enterprise


def enterprise_issues_follow_region(*, enterprise_ids: Iterable[int]) -> None:
    """Copy each enterprise's region onto its issues (`Issue.region`, which the region-scoped
    issue lists filter on), in one UPDATE. Every write that changes an enterprise's region calls
    this: `enterprise_update`, the ledger import and the admin."""
    ids = list(enterprise_ids)
    if not ids:
        return
    issue_model = Enterprise._meta.get_field("issues").related_model
    region = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("region_id")
    issue_model.objects.filter(enterprise_id__in=ids).update(region_id=Subquery(region))


def _demote_primary(enterprise: Enterprise, actor, keep: Contact | None = None) -> None:
    others = enterprise.contacts.select_for_update().filter(is_primary=True)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    for other in others:
        other.is_primary = False
        _save(other, actor)


@transaction.atomic
def contact_add(
    *,
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """Add a contact. The first contact, or one marked primary, becomes the primary contact
    (the previous primary contact is demoted: there is one per enterprise)."""
    if not enterprise.contacts.exists():
        is_primary = True
    contact = Contact(
        enterprise=enterprise, name=name, title=title, phone=phone, email=email, is_primary=False
    )
    if is_primary:
        _demote_primary(enterprise, actor)
        contact.is_primary = True
    _save(contact, actor)
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: User | None,
    contact: Contact,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """Change a contact; making it primary demotes the previous primary contact."""
    if is_primary and not contact.is_primary:
        _demote_primary(contact.enterprise, actor, keep=contact)
    contact.name, contact.title, contact.phone, contact.email = name, title, phone, email
    contact.is_primary = is_primary
    _save(contact, actor)
    return contact


def _check_role(person: User, kind: str) -> None:
    role = ROLE_FOR_KIND[LiaisonAssignment.Kind(kind)]
    holds = RoleMembership.objects.active().filter(user=person, role=role).exists()
    if not person.is_active or not holds:
        raise ValidationError(
            _("%(person)s 不是有效的%(role)s，不能担任该职责。")
            % {"person": person, "role": Role(role).label}
        )


@transaction.atomic
def liaison_assign(
    *,
    actor: User | None,
    enterprise: Enterprise,
    kind: str,
    person: User,
    handover_note: str = "",
    on: datetime.date | None = None,
) -> LiaisonAssignment:
    """Assign `person` as the enterprise's liaison or responsible leader, or hand over to them.

    The current assignment of that kind (if any) is closed on `on` (default today) with the
    handover note, and a new one opens; earlier assignments stay as the history. Assigning the
    person who already holds it is refused.
    """
    kind = LiaisonAssignment.Kind(kind)
    on = on or timezone.localdate()
    _check_role(person, kind)
    current = (
        LiaisonAssignment.objects.select_for_update()
        .filter(enterprise=enterprise, kind=kind, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if current.person_id == person.pk:
            raise ValidationError(
                _("%(person)s 已是该企业的%(kind)s。") % {"person": person, "kind": kind.label}
            )
        current.ended_on = max(on, current.started_on)
        current.handover_note = handover_note
        _save(current, actor, reason=_("交接给 %(person)s") % {"person": person})
    assignment = LiaisonAssignment(
        enterprise=enterprise,
        person=person,
        kind=kind,
        started_on=on if current is None else max(on, current.started_on),
        handover_note="",
    )
    _save(assignment, actor, reason=handover_note[:100])
    return assignment


@transaction.atomic
def officer_handover_all(
    *,
    actor: User | None,
    assignments: Iterable[LiaisonAssignment],
    to_person: User,
    handover_note: str,
    on: datetime.date | None = None,
) -> int:
    """Hand every given active assignment (typically all of a leaving officer's enterprises in
    the actor's region, from `selectors.officer_assignment_list`) over to `to_person`.
    All or nothing; returns how many were handed over."""
    count = 0
    for assignment in assignments:
        liaison_assign(
            actor=actor,
            enterprise=assignment.enterprise,
            kind=assignment.kind,
            person=to_person,
            handover_note=handover_note,
            on=on,
        )
        count += 1
    return count


@transaction.atomic
def enterprise_member_add(
    *, actor: User | None, enterprise: Enterprise, user: User
) -> EnterpriseMembership:
    """Bind an enterprise user to an enterprise (idempotent; re-activates an ended binding)."""
    membership = EnterpriseMembership.objects.filter(enterprise=enterprise, user=user).first()
    if membership is None:
        membership = EnterpriseMembership(enterprise=enterprise, user=user)
    membership.is_active = True
    _save(membership, actor)
    return membership


__all__ = [
    "contact_add",
    "contact_update",
    "enterprise_create",
    "enterprise_member_add",
    "enterprise_update",
    "liaison_assign",
    "officer_handover_all",
]
