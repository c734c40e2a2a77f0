"""Reads the issue pages need on top of the engine's selectors (issues.selectors).

Everything starts from an issue the engine already let the viewer see (`issue_get_for_user`);
what the enterprise side may not see (internal comments, internal attachments, internal events)
is filtered here in the query, never in the template.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from crm.lib.history import history_entries
from issues.forms import action_form
from issues.models import ExtensionRequest, Issue, IssueAttachment
from issues.selectors import (
    issue_attachment_get_for_user,
    issue_attachments,
    issue_available_actions,
    issue_comments,
    issue_filterset,
    issue_is_staff_view,
    issue_timeline,
)


def issue_attachment_of_issue(*, user, issue_id: int, attachment_id: int) -> IssueAttachment:
    """An attachment `user` may download that belongs to issue `issue_id` — an attachment of
    another issue answers 404 even when the viewer may see that other issue."""
    attachment = issue_attachment_get_for_user(user=user, pk=attachment_id)
    if attachment.issue_id != issue_id:
        raise Http404("no such attachment on this issue")
    return attachment


def issue_page_context(*, user, issue: Issue, failed_form=None) -> dict:
    """Everything the issue page shows, in a fixed number of queries."""
    staff = issue_is_staff_view(user=user, issue=issue)
    actions = []
    for action in issue_available_actions(user=user, issue=issue):
        if failed_form is not None and failed_form.prefix == action.name:
            form = failed_form
        else:
            form = action_form(action.name, user=user, issue=issue)
        # Reversed once here: the form posts to it, by htmx or not.
        url = reverse("issues:action", args=[issue.pk, action.name])
        actions.append({"action": action, "form": form, "failed": form is failed_form, "url": url})
    context = {
        "issue": issue,
        "staff_side": staff,
        "supporting_units": list(issue.supporting_units.all()),
        "timeline": list(issue_timeline(issue=issue, user=user)),
        "comments": list(issue_comments(issue=issue, user=user)),
        "attachments": list(issue_attachments(issue=issue, user=user)),
        "actions": actions,
        "failed_form": failed_form,
    }
    if staff:
        revisits = [e for e in context["timeline"] if e.kind == "revisit"]
        # Who gave the latest rating: the enterprise itself (portal), its liaison or a dispatcher.
        context["rated_by"] = (revisits[-1].data or {}).get("by", "") if revisits else ""
        context["history"] = history_entries(issue)
        context["extensions"] = list(
            ExtensionRequest.objects.filter(issue=issue).select_related(
                "requested_by", "decided_by"
            )
        )
        context["improvements"] = list(issue.improvement_actions.all())
        context["may_improve"] = may_manage_improvements(user=user)
    return context


def style_filter_form(form) -> None:
    """Compact Bootstrap widgets for a FilterSet form: date pickers for dates, "全部 / 是 / 否"
    for yes-no filters, and the enterprise filter kept as a hidden field (set by links)."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    for name, field in form.fields.items():
        widget = field.widget
        if name == "enterprise":
            field.widget = forms.HiddenInput()
            continue
        if isinstance(widget, forms.NullBooleanSelect):
            widget = field.widget = forms.Select(
                choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]
            )
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.update({"class": "form-select form-select-sm", "size": 3})
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"
        if isinstance(field, forms.DateField):
            widget.input_type = "date"


def filtered_issues(*, user, params):
    """The issue list's FilterSet (for its form) and the filtered, visible, ordered issues."""
    filterset = issue_filterset(user=user, filters=params)
    style_filter_form(filterset.form)
    qs = filterset.qs.select_related("liaison")
    if not qs.query.order_by:
        qs = qs.order_by("-registered_at", "-pk")
    return filterset, qs


# What a row of the issue list shows (templates/issues/_issue_rows.html): the number, title,
# badges, enterprise, category, lead unit, state and the running deadline.
LIST_ROW_FIELDS = (
    "registered_at",
    "title",
    "priority",
    "supervision_level",
    "state",
    "dispatched_at",
    "acknowledged_at",
    "resolved_at",
    "ack_deadline",
    "resolve_deadline",
    "revisit_deadline",
    "enterprise__name",
    "category__name",
    "category__warning_band",
    "category__parent__name",
    "lead_unit__name",
    "lead_unit__short_name",
)


def issue_list_rows(issues):
    """`issues` (from `filtered_issues`) reading only the columns a list row shows, with the
    enterprise, the category (and its parent) and the lead unit joined — no description, reply
    or other wide columns."""
    return (
        issues.select_related(None)
        .select_related("enterprise", "category__parent", "lead_unit")
        .only(*LIST_ROW_FIELDS)
    )


def issue_list_rows_by_id(issues):
    """What `issue_list_rows(issues)` reads, in the same order, without `issues`' filters: the
    issue list's page reads its rows from this by the ids that `issues` chose (`rows=` of
    crm.lib.pagination.CappedPaginator), so the visibility and the filters run once."""
    return issue_list_rows(Issue.objects.order_by(*issues.query.order_by))


def issue_list_parts(*, user, filterset):
    """The filtered list of `filterset` (from `filtered_issues`) as querysets whose union it
    is, one per reason `user` sees an issue (`IssueQuerySet.visible_parts`): what the issue
    list counts."""
    parts = Issue.objects.visible_parts(user)
    if not filterset.is_bound:  # as FilterSet.qs: an unbound filterset filters nothing
        return parts
    filterset.errors  # noqa: B018 - validates the form, as FilterSet.qs does before filtering
    return [filterset.filter_queryset(part) for part in parts]


def registrable_enterprises(*, user):
    """Enterprises `user` may register an issue for from the staff pages: those in a region
    where they dispatch, and those they are liaison or responsible leader of (the engine's
    `may_register` checks the same again)."""
    from django.db.models import Exists, OuterRef

    from accounts.models import Role
    from accounts.scope import scope_for
    from enterprises.models import Enterprise, LiaisonAssignment

    scope = scope_for(user)
    if scope.user_id is None:
        return Enterprise.objects.none()
    q = scope.region_q("region", Role.DISPATCHER)
    q |= Exists(
        LiaisonAssignment.objects.active().filter(
            enterprise=OuterRef("pk"), person_id=scope.user_id
        )
    )
    return Enterprise.objects.filter(q).active().select_related("region").order_by("name")


def register_form_choices(*, enterprises) -> dict:
    from issues.models import Category, Issue

    categories = (
        Category.objects.active()
        .leaves()
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .select_related("parent")
    )
    sources = [c for c in Issue.Source.choices if c[0] != Issue.Source.PORTAL]
    return {
        "enterprises": enterprises,
        "categories": categories,
        "priorities": Issue.Priority.choices,
        "sources": sources,
    }


IMPROVEMENT_ROLES = ("dispatcher", "leader", "admin")


def may_manage_improvements(*, user) -> bool:
    """Dispatchers, leaders and administrators open and follow improvement actions."""
    from accounts.scope import scope_for

    return scope_for(user).has_role(*IMPROVEMENT_ROLES)


def improvement_form_choices(*, user) -> dict:
    from accounts.models import Region
    from accounts.scope import scope_for
    from accounts.selectors import unit_list_for

    regions = Region.objects.filter(scope_for(user).region_q("", *IMPROVEMENT_ROLES)).order_by(
        "path"
    )
    return {"regions": regions, "units": unit_list_for(user=user).filter(is_active=True)}


def improvement_issues(*, user, improvement):
    """The linked issues the viewer may see (a leader of one district sees only theirs)."""
    return list(
        improvement.issues.filter(pk__in=Issue.objects.visible_to(user).values("pk"))
        .select_related("enterprise", "category", "category__parent", "lead_unit")
        .order_by("-registered_at")
    )


def needs_list_for(*, user, enterprise_id: int):
    """An enterprise `user` may see and its issues `user` may see, oldest first (帮扶需求清单).
    Merged issues are left out: their need lives on in the issue they were merged into."""
    from enterprises.models import Enterprise
    from issues.workflow import State

    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404("no such enterprise")
    issues = list(
        Issue.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .exclude(state=State.MERGED)
        .select_related("category", "category__parent", "lead_unit")
        .order_by("registered_at", "pk")
    )
    return enterprise, issues
