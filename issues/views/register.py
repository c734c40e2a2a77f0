"""Registering an issue (登记诉求) from the staff side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.lib.params import parse_id
from issues.forms import RegisterIssueForm
from issues.page_selectors import register_form_choices, registrable_enterprises
from issues.services import WorkflowError, issue_register


@require_http_methods(["GET", "POST"])
@login_required
def issue_register_page(request):
    enterprises = registrable_enterprises(user=request.user)
    if not enterprises.exists():
        raise PermissionDenied
    choices = register_form_choices(enterprises=enterprises)
    form = RegisterIssueForm(request.POST or None, request.FILES or None, **choices)
    if request.method == "GET" and (enterprise_id := parse_id(request.GET.get("enterprise"))):
        form.initial["enterprise"] = enterprise_id
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issue = issue_register(
                actor=request.user,
                enterprise=data["enterprise"],
                source=data["source"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                attachments=data["attachments"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("诉求已登记：%(number)s") % {"number": issue.number})
            return redirect(issue)
    return render(request, "issues/issue_register.html", {"form": form})
