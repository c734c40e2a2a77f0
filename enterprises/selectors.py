"""Reads for enterprises, shared by the pages, the exports and (later) the API.

Every read starts from `Enterprise.objects.visible_to(user)` (DESIGN §2); a wrong id is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.scope import scope_for, visible_for_list
from crm.lib.masking import mask_phone
from enterprises.filters import EnterpriseFilter
from enterprises.models import Contact, Enterprise, ImportJob, LiaisonAssignment
from enterprises.permissions import can_see_phones

Kind = LiaisonAssignment.Kind


def _active_person(kind: str, column: str) -> Subquery:
    return Subquery(
        LiaisonAssignment.objects.active()
        .filter(enterprise=OuterRef("pk"), kind=kind)
        .values(column)[:1]
    )


def _primary_contact(column: str) -> Subquery:
    return Subquery(
        Contact.objects.filter(enterprise=OuterRef("pk"))
        .order_by("-is_primary", "pk")
        .values(column)[:1]
    )


def with_list_columns(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The list's columns in the same query: the active liaison's and leader's names and ids
    (subqueries, so no per-row queries), region and industry."""
    return qs.select_related("region", "industry").annotate(
        liaison_id=_active_person(Kind.LIAISON, "person_id"),
        liaison_name=_active_person(Kind.LIAISON, "person__display_name"),
        leader_id=_active_person(Kind.LEADER, "person_id"),
        leader_name=_active_person(Kind.LEADER, "person__display_name"),
    )


def enterprise_list(*, user: User, filters: dict | None = None) -> EnterpriseFilter:
    """The enterprises `user` may see, filtered by `filters` (the list's query string).

    Returns the bound FilterSet: `.qs` is the filtered queryset, `.form` the filter form with its
    errors. Add the list's columns with `with_list_columns` — or, for one page of a long list,
    page the bare queryset and load the page with `enterprise_rows` (the columns' subqueries then
    run for 25 rows, not for every row before the page's offset).
    """
    return EnterpriseFilter(
        filters or None, queryset=visible_for_list(Enterprise.objects, user), user=user
    )


def enterprise_rows(*, ids: list[int]) -> list[Enterprise]:
    """The enterprises `ids` (already scoped and filtered by the caller), with the list's
    columns and their tags as `tag_list`, in the order of `ids`. Three queries whatever the
    number. (A list per row: prefetching into `tags` made a manager and queryset per row.)"""
    rows = with_list_columns(Enterprise.objects.filter(pk__in=ids)).prefetch_related(
        Prefetch("tags", to_attr="tag_list")
    )
    by_id = {e.pk: e for e in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def enterprise_get_for_user(*, user: User, pk: int) -> Enterprise:
    """The enterprise `pk` if `user` may see it, else 404."""
    qs = Enterprise.objects.visible_to(user).select_related("region", "industry__parent")
    return get_object_or_404(qs, pk=pk)


def staff_enterprise_get_for_user(*, user: User, pk: int) -> Enterprise:
    """As `enterprise_get_for_user`, for the government-side pages: people with no staff role
    (enterprise users, outsiders) get a 404 — the portal has its own pages."""
    if not scope_for(user).is_staff_member:
        raise Http404
    return enterprise_get_for_user(user=user, pk=pk)


@dataclass(frozen=True)
class ContactRow:
    contact: Contact
    phone: str  # masked unless the viewer may see it


def contact_list_for_display(*, user: User, enterprise: Enterprise) -> list[ContactRow]:
    """The enterprise's contacts, phones masked for everyone but its liaison, leader and
    administrators (DESIGN §3)."""
    reveal = can_see_phones(user, enterprise)
    return [
        ContactRow(c, c.phone if reveal else mask_phone(c.phone))
        for c in enterprise.contacts.order_by("-is_primary", "name", "pk")
    ]


def contact_get_for_user(*, user: User, enterprise: Enterprise, pk: int) -> Contact:
    return get_object_or_404(Contact, enterprise=enterprise, pk=pk)


def assignment_list(*, enterprise: Enterprise) -> list[LiaisonAssignment]:
    """All assignments of the enterprise, active first, then newest first (the history)."""
    return list(
        enterprise.assignments.select_related("person").order_by(
            F("ended_on").desc(nulls_first=True), "-kind", "-started_on", "-pk"
        )
    )


def officer_assignment_list(*, user: User, person: User, kind: str) -> QuerySet:
    """`person`'s active assignments of `kind` on enterprises `user` manages (region scope)."""
    scope = scope_for(user)
    return (
        LiaisonAssignment.objects.active()
        .filter(person=person, kind=kind)
        .filter(scope.region_q("enterprise__region", Role.ADMIN, Role.DISPATCHER))
        .select_related("enterprise")
        .order_by("enterprise__name")
    )


def export_rows(*, user: User, qs: QuerySet[Enterprise]):
    """The rows of the .xlsx export of `qs` (already scoped and filtered), phones masked per
    enterprise as on the page. Constant number of queries: names and the primary contact are
    subqueries, tags are prefetched."""
    scope = scope_for(user)
    qs = (
        qs.annotate(contact_name=_primary_contact("name"), contact_phone=_primary_contact("phone"))
        .select_related("region", "industry", "industry__parent")
        .prefetch_related("tags")
    )
    for e in qs.iterator(chunk_size=2000):
        reveal = user.pk in (e.liaison_id, e.leader_id) or (
            scope.is_staff_member and scope.covers_region(e.region, Role.ADMIN)
        )
        phone = e.contact_phone or ""
        yield [
            e.credit_code,
            e.name,
            e.legal_representative,
            e.established_on,
            e.registered_capital,
            e.address,
            e.region.name,
            e.industry.name if e.industry else "",
            e.get_scale_display(),
            "、".join(t.name for t in e.tags.all()),
            e.get_status_display(),
            e.visit_frequency_days,
            e.liaison_name or "",
            e.leader_name or "",
            e.contact_name or "",
            phone if reveal else mask_phone(phone),
        ]


def import_job_get_for_user(*, user: User, pk: int) -> ImportJob:
    """An import job: only the person who uploaded it sees it (superusers too)."""
    qs = ImportJob.objects.all() if user.is_superuser else ImportJob.objects.filter(created_by=user)
    return get_object_or_404(qs, pk=pk)


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user).order_by("-created_at")[:10]
