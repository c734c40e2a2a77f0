"""Improvement actions (优化提升): from solving one case to solving a class of cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.history import history_entries
from crm.lib.pagination import paginate
from issues.forms import ImprovementForm, ImprovementLinkForm, ImprovementStatusForm
from issues.page_selectors import (
    improvement_form_choices,
    improvement_issues,
    may_manage_improvements,
)
from issues.selectors import improvement_get_for_user, improvement_list
from issues.services import (
    WorkflowError,
    improvement_create,
    improvement_link_issues,
    improvement_set_status,
)


def _require_manager(user):
    if not may_manage_improvements(user=user):
        raise PermissionDenied


@require_GET
@login_required
def improvement_list_page(request):
    _require_manager(request.user)
    page = paginate(request, improvement_list(user=request.user))
    return render(request, "issues/improvement_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@login_required
def improvement_create_page(request):
    _require_manager(request.user)
    form = ImprovementForm(
        request.POST or None,
        initial={"issues": request.GET.get("issues", "")},
        **improvement_form_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            improvement = improvement_create(actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("优化提升事项已创建。"))
            return redirect("issues:improvement_detail", pk=improvement.pk)
    return render(request, "issues/improvement_form.html", {"form": form})


def _detail_context(request, improvement, **forms):
    context = {
        "improvement": improvement,
        "linked": improvement_issues(user=request.user, improvement=improvement),
        "link_form": forms.get("link_form") or ImprovementLinkForm(),
        "status_form": forms.get("status_form") or ImprovementStatusForm(improvement=improvement),
        "history": history_entries(improvement),
    }
    return context


@require_GET
@login_required
def improvement_detail(request, pk: int):
    _require_manager(request.user)
    improvement = improvement_get_for_user(user=request.user, pk=pk)
    return render(request, "issues/improvement_detail.html", _detail_context(request, improvement))


@require_POST
@login_required
def improvement_link(request, pk: int):
    _require_manager(request.user)
    improvement = improvement_get_for_user(user=request.user, pk=pk)
    form = ImprovementLinkForm(request.POST)
    if form.is_valid():
        try:
            improvement_link_issues(
                actor=request.user,
                improvement_id=improvement.pk,
                issues=form.cleaned_data["issues"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("已关联诉求。"))
            return redirect("issues:improvement_detail", pk=improvement.pk)
    context = _detail_context(request, improvement, link_form=form)
    return render(request, "issues/improvement_detail.html", context, status=400)


@require_POST
@login_required
def improvement_status(request, pk: int):
    _require_manager(request.user)
    improvement = improvement_get_for_user(user=request.user, pk=pk)
    form = ImprovementStatusForm(request.POST, improvement=improvement)
    if form.is_valid():
        try:
            improvement_set_status(
                actor=request.user,
                improvement_id=improvement.pk,
                status=form.cleaned_data["status"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("状态已更新。"))
            return redirect("issues:improvement_detail", pk=improvement.pk)
    context = _detail_context(request, improvement, status_form=form)
    return render(request, "issues/improvement_detail.html", context, status=400)
