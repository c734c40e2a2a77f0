"""The enterprise's pages: home, file a request, the request page, my needs list, messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.pagination import paginate
from crm.lib.params import parse_id
from issues.attachments import issue_attachment_response
from issues.services import WorkflowError
from notifications.selectors import notification_list
from portal import selectors
from portal.forms import PORTAL_ACTIONS, FileRequestForm
from portal.pages import decorate, home_context, request_context
from portal.services import PortalError, portal_act_with_files, portal_request_file
from portal.views.access import enterprise_user_required


@require_GET
@enterprise_user_required
def home(request):
    return render(request, "portal/home.html", home_context(user=request.user))


def _file_form(request, data=None, files=None):
    return FileRequestForm(
        data,
        files,
        enterprises=selectors.portal_enterprises(user=request.user),
        categories=selectors.portal_categories(),
    )


@require_http_methods(["GET", "POST"])
@enterprise_user_required
def request_new(request):
    form = _file_form(request, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        category = selectors.portal_category_get(data["category"])
        try:
            issue = portal_request_file(
                actor=request.user,
                enterprise=selectors.portal_enterprise_get(
                    user=request.user, pk=data["enterprise"]
                ),
                category=category,
                description=data["description"],
                attachments=data["photos"],
                bancheng=data["bancheng"],
            )
        except (WorkflowError, PortalError) as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已提交，编号 %(n)s。") % {"n": issue.number})
            return redirect("portal:request", pk=issue.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "expectation": _expectation(request, form)}
    return render(request, "portal/request_new.html", context, status=status)


def _expectation(request, form):
    """The expected handling for the chosen category (and enterprise, 办不成事), or None."""
    data = form.data if form.is_bound else request.GET
    category = selectors.portal_category_get(data.get("category", ""))
    ids = selectors.portal_enterprise_ids(user=request.user)
    enterprise_id = data.get("enterprise") or (ids[0] if len(ids) == 1 else "")
    if category is None or parse_id(enterprise_id) not in ids:
        return None
    enterprise = selectors.portal_enterprise_get(user=request.user, pk=enterprise_id)
    bancheng = str(data.get("bancheng", "")).lower() in ("on", "true", "1")
    return selectors.portal_expectation(enterprise=enterprise, category=category, bancheng=bancheng)


@require_GET
@enterprise_user_required
def expectation(request):
    """The htmx fragment under the category choice: who will handle it and by when."""
    form = _file_form(request)
    context = {"expectation": _expectation(request, form)}
    return render(request, "portal/_expectation.html", context)


@require_GET
@enterprise_user_required
def request_detail(request, pk: int):
    issue = selectors.portal_issue_get(user=request.user, pk=pk)
    return render(request, "portal/request_detail.html", request_context(request.user, issue))


def _next_url(request, issue) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:request", kwargs={"pk": issue.pk})


@require_POST
@enterprise_user_required
def request_action(request, pk: int, action: str):
    """One action on a request, offered to this person now (else 403), through the workflow
    service (which checks again under a row lock)."""
    issue = selectors.portal_issue_get(user=request.user, pk=pk)
    context = request_context(request.user, issue)
    offered = context["forms"]
    if action not in PORTAL_ACTIONS or action not in offered:
        raise PermissionDenied
    form = offered[action] = PORTAL_ACTIONS[action](request.POST, request.FILES, prefix=action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files", None) or []
        if action == "comment":
            data["visibility"] = "public"
        if action == "withdraw" and not data.get("reason"):
            data.pop("reason")
        try:
            portal_act_with_files(
                actor=request.user, issue_id=issue.pk, action=action, data=data, files=files
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已完成：%(a)s") % {"a": context["labels"][action]})
            return redirect(_next_url(request, issue))
    context["failed"] = action
    return render(request, "portal/request_detail.html", context, status=400)


@require_GET
@enterprise_user_required
def attachment_download(request, pk: int, attachment_id: int):
    attachment = selectors.portal_attachment_get(
        user=request.user, issue_id=pk, attachment_id=attachment_id
    )
    return issue_attachment_response(attachment)


@require_GET
@enterprise_user_required
def needs_list(request):
    enterprises = selectors.portal_enterprises(user=request.user)
    rows = list(selectors.portal_issues(user=request.user).order_by("registered_at", "pk"))
    for issue in rows:
        decorate(issue)
    by_enterprise = [(e, [i for i in rows if i.enterprise_id == e.pk]) for e in enterprises]
    return render(request, "portal/needs_list.html", {"groups": by_enterprise})


@require_GET
@enterprise_user_required
def inbox(request):
    page = paginate(request, notification_list(user=request.user), per_page=20)
    return render(request, "portal/messages.html", {"page_obj": page})
