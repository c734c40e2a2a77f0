"""The issue page, its one action endpoint and the attachment download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from issues.attachments import issue_attachment_response
from issues.forms import action_form
from issues.page_selectors import issue_attachment_of_issue, issue_page_context
from issues.selectors import issue_available_actions, issue_get_for_user, issue_is_staff_view
from issues.services import WorkflowError, issue_transition
from issues.workflow import ACTIONS

# Shown in the page's facts (issues/_issue_body.html): joined, not read one query each.
PAGE_RELATED = ("registered_by", "liaison")


def _render_issue(request, context, *, status=200):
    template = "issues/_issue_body.html" if request.htmx else "issues/issue_detail.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
def issue_detail(request, pk: int):
    issue = issue_get_for_user(user=request.user, pk=pk, related=PAGE_RELATED)
    if not issue_is_staff_view(user=request.user, issue=issue):
        # The enterprise side reads its requests in the portal (links in notifications and
        # e-mails point here whoever receives them).
        return redirect("portal:request", pk=issue.pk)
    return _render_issue(request, issue_page_context(user=request.user, issue=issue))


@require_POST
@login_required
def issue_action(request, pk: int, action: str):
    """Apply one workflow action. The viewer must be offered the action (else 403); the engine
    checks again under a row lock, so a crafted POST can never force a transition."""
    issue = issue_get_for_user(user=request.user, pk=pk, related=PAGE_RELATED)
    offered = {a.name for a in issue_available_actions(user=request.user, issue=issue)}
    if action not in offered:
        raise PermissionDenied
    form = action_form(
        action, user=request.user, issue=issue, data=request.POST, files=request.FILES
    )
    if form.is_valid():
        try:
            issue_transition(
                actor=request.user, issue_id=issue.pk, action=action, **form.transition_data()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已完成：%(action)s") % {"action": ACTIONS[action].label})
            if not request.htmx:
                return redirect(issue)
            issue = issue_get_for_user(user=request.user, pk=pk, related=PAGE_RELATED)
            return _render_issue(request, issue_page_context(user=request.user, issue=issue))
    context = issue_page_context(user=request.user, issue=issue, failed_form=form)
    # htmx swaps only 2xx answers; a plain form post gets a proper 400.
    return _render_issue(request, context, status=200 if request.htmx else 400)


@require_GET
@login_required
def attachment_download(request, pk: int, attachment_id: int):
    """An attachment of an issue the viewer may see — and of that issue only (else 404)."""
    attachment = issue_attachment_of_issue(
        user=request.user, issue_id=pk, attachment_id=attachment_id
    )
    return issue_attachment_response(attachment)
