"""Reads of visits, always through `Visit.objects.visible_to(user)` (or, for the list, the
union of `Visit.objects.visible_parts(user)`, the same rows)."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.scope import visible_for_list
from enterprises.models import Enterprise
from visits.filters import VisitFilter
from visits.models import (
    PREFETCHED_OFFICERS,
    Visit,
    VisitAttachment,
    VisitOfficer,
    officers_in_order,
)


def _with_people(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    """With the enterprise, its region and the officers (`Visit.officer_list`)."""
    return qs.select_related("enterprise", "enterprise__region").prefetch_related(
        Prefetch(
            "officer_links",
            queryset=officers_in_order(VisitOfficer.objects.all()),
            to_attr=PREFETCHED_OFFICERS,
        )
    )


def _newest_first(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    """By the visit's day — when it happened, or for plans and cancellations the day planned —
    newest first, so that upcoming plans head the list (the same on SQLite and PostgreSQL).
    The index `visit_newest_first` holds this order: keep the two the same."""
    return qs.annotate(day=Coalesce(TruncDate("happened_at"), "planned_on")).order_by(
        F("day").desc(nulls_last=True), F("happened_at").desc(nulls_last=True), "-pk"
    )


def visit_filterset(*, user: User, data=None) -> VisitFilter:
    """The list's FilterSet bound to `data`, over the visits `user` may see."""
    return VisitFilter(data=data, queryset=visible_for_list(Visit.objects, user), user=user)


def visit_list(
    *, user: User, filters=None, filterset: VisitFilter | None = None
) -> QuerySet[Visit]:
    """Visits `user` may see, filtered by `filters` — or by `filterset`, the list's FilterSet
    when the caller has built it already (`visit_filterset`); newest first (plans by their
    date), the order of the index `visit_newest_first`. A page of it costs a constant number of
    queries (enterprise joined, officers prefetched)."""
    if filterset is None:
        filterset = visit_filterset(user=user, data=filters)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset
    return _newest_first(_with_people(qs))


def visit_list_rows_by_id() -> QuerySet[Visit]:
    """What a page of `visit_list` reads, in its order, without its filters: the visit list's
    page reads its rows from this by the ids that `visit_list` chose (`rows=` of
    crm.lib.pagination.CappedPaginator), so the visibility and the filters run once."""
    return _newest_first(_with_people(Visit.objects.all()))


def visit_list_parts(*, user: User, filterset: VisitFilter) -> list[QuerySet[Visit]]:
    """The list of `visit_list` filtered by `filterset` (from `visit_filterset`, with the same
    data) as querysets whose union it is, one per reason `user` sees a visit
    (`VisitQuerySet.visible_parts`): what the visit list counts."""
    parts = Visit.objects.visible_parts(user)
    # as `visit_list`: an unbound filterset filters nothing, invalid filters are ignored
    if not filterset.is_bound or not filterset.is_valid():
        return parts
    return [filterset.filter_queryset(part) for part in parts]


def visit_get_for_user(*, user: User, pk: int) -> Visit:
    """The visit if `user` may see it, else 404 (never another enterprise's data)."""
    qs = _with_people(Visit.objects.visible_to(user)).select_related("created_by")
    return get_object_or_404(qs.prefetch_related("attendees", "attachments"), pk=pk)


def visit_attachment_get_for_user(*, user: User, visit_pk: int, pk: int) -> VisitAttachment:
    """An attachment of a visit `user` may see, else 404."""
    visible = Visit.objects.visible_to(user).filter(pk=visit_pk)
    return get_object_or_404(VisitAttachment.objects.filter(visit__in=visible), pk=pk)


def visit_timeline_for_enterprise(
    *, user: User, enterprise: Enterprise, limit: int = 20
) -> list[Visit]:
    """The latest visits of one enterprise that `user` may see (the enterprise page's
    timeline): plans first, then what happened, newest first."""
    qs = _with_people(Visit.objects.visible_to(user).filter(enterprise=enterprise))
    return list(_newest_first(qs)[:limit])


def visit_issues(*, user: User, visit: Visit) -> list:
    """Issues registered from this visit that `user` may see."""
    from issues.models import Issue

    return list(Issue.objects.visible_to(user).filter(visit_id=visit.pk).select_related("category"))
