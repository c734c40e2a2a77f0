"""Reads of the issues app, shared by the pages, the portal, the API and exports.

Visibility always goes through `Issue.objects.visible_to(user)`; the enterprise side (portal
users, and anyone who sees an issue only as an enterprise user) gets the public timeline,
public comments and public attachments only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Region, Role, Unit, User
from crm.lib.params import parse_id
from issues.filters import IssueFilter
from issues.models import (
    Category,
    ImprovementAction,
    Issue,
    IssueAttachment,
    IssueComment,
    IssueEvent,
)
from issues.workflow import ACTIONS, TRANSITION_ACTIONS, Action, Party, can


def _list_qs(user) -> QuerySet[Issue]:
    return Issue.objects.visible_to(user).select_related(
        "enterprise", "enterprise__region", "category", "category__parent", "lead_unit", "handler"
    )


def issue_filterset(*, user, filters: dict | None = None) -> IssueFilter:
    """The bound FilterSet (for rendering its form); `.qs` is the filtered, visible list."""
    return IssueFilter(filters or None, queryset=_list_qs(user), user=user)


def issue_list(*, user, filters: dict | None = None) -> QuerySet[Issue]:
    """Issues `user` may see, filtered by `IssueFilter` fields (state, phase, category, unit,
    region, enterprise, source, supervision_level, overdue, reworked, registered_from / _to,
    q, ordering); newest first. Constant number of queries per page (select_related)."""
    qs = issue_filterset(user=user, filters=filters).qs
    if not qs.query.order_by:
        qs = qs.order_by("-registered_at", "-pk")
    return qs


def issue_get_for_user(*, user, pk, related: tuple[str, ...] = ()) -> Issue:
    """The issue if `user` may see it, else Http404 (never another enterprise's data).
    `related`: further relations to join in the same query (the issue page shows who
    registered the issue and its liaison)."""
    issue = _list_qs(user).select_related(*related).filter(pk=pk).first() if parse_id(pk) else None
    if issue is None:
        raise Http404("no such issue")
    return issue


def issue_is_staff_view(*, user, issue: Issue) -> bool:
    """Whether `user` sees `issue` as government staff (internal events and comments)."""
    cache = issue.__dict__.setdefault("_staff_view_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Issue.objects.staff_visible_to(user).filter(pk=issue.pk).exists()
    return cache[user.pk]


def issue_timeline(*, issue: Issue, user) -> QuerySet[IssueEvent]:
    """The issue's events in order; only the public ones for the enterprise side."""
    qs = IssueEvent.objects.filter(issue=issue).select_related("actor").order_by("at", "pk")
    if not issue_is_staff_view(user=user, issue=issue):
        qs = qs.filter(is_public=True)
    return qs


def issue_comments(*, issue: Issue, user) -> QuerySet[IssueComment]:
    """Comments in order; internal ones never reach the enterprise side."""
    qs = IssueComment.objects.filter(issue=issue).select_related("author")
    if not issue_is_staff_view(user=user, issue=issue):
        qs = qs.filter(visibility=IssueComment.Visibility.PUBLIC)
    return qs


def issue_attachments(*, issue: Issue, user) -> QuerySet[IssueAttachment]:
    qs = IssueAttachment.objects.filter(issue=issue).select_related("uploaded_by")
    if not issue_is_staff_view(user=user, issue=issue):
        qs = qs.filter(is_public=True)
    return qs


def issue_attachment_get_for_user(*, user, pk) -> IssueAttachment:
    """An attachment `user` may download (its issue visible; public unless staff), else 404."""
    attachment = (
        IssueAttachment.objects.filter(pk=pk, issue__in=Issue.objects.visible_to(user))
        .select_related("issue")
        .first()
        if parse_id(pk)
        else None
    )
    if attachment is None:
        raise Http404("no such attachment")
    if not attachment.is_public and not issue_is_staff_view(user=user, issue=attachment.issue):
        raise Http404("no such attachment")
    return attachment


def issue_available_actions(*, user, issue: Issue) -> list[Action]:
    """The actions `user` may take on `issue` now (state, right and guard all pass), in table
    order — the pages offer exactly these. A handful of queries, whatever the table size."""
    party = Party(user=user, issue=issue, now=timezone.now())
    return [ACTIONS[name] for name in TRANSITION_ACTIONS if can(ACTIONS[name], party)[0]]


def improvement_list(*, user) -> QuerySet[ImprovementAction]:
    return (
        ImprovementAction.objects.visible_to(user)
        .select_related("region", "owner_unit", "created_by")
        .order_by("-created_at", "-pk")
    )


def improvement_get_for_user(*, user, pk) -> ImprovementAction:
    action = improvement_list(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if action is None:
        raise Http404("no such improvement action")
    return action


def category_choices() -> QuerySet[Category]:
    """Active categories an issue can be filed under (second level, or a first level without
    children), parents joined, in catalogue order — for the register forms."""
    return (
        Category.objects.active()
        .leaves()
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def issue_unit_choices(*, issue: Issue) -> QuerySet[Unit]:
    """Units that may lead or support `issue`: active, and responsible for the enterprise's
    region (a unit of that region or of an enclosing one, or of a street / park inside it) —
    the same rule the dispatch action enforces."""
    path = issue.enterprise.region.path
    step = Region.steplen
    enclosing = [path[:i] for i in range(step, len(path) + 1, step)]
    return (
        Unit.objects.filter(is_active=True)
        .filter(Q(region__path__in=enclosing) | Q(region__path__startswith=path))
        .select_related("region")
        .order_by("region__path", "name")
    )


def issue_handler_choices(*, issue: Issue) -> QuerySet[User]:
    """Active staff (handlers, unit heads) of the issue's lead unit, for assign_handler."""
    if issue.lead_unit_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit_id=issue.lead_unit_id,
            memberships__is_active=True,
            memberships__role__in=[Role.HANDLER, Role.UNIT_HEAD],
        )
        .distinct()
        .order_by("display_name", "username")
    )
