"""Visit pages: list, detail, plan, log (with the needs recorded on the spot), cancel, files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.files import safe_download_response
from crm.lib.history import history_entries
from crm.lib.pagination import paginate
from visits import services
from visits.forms import (
    LOG_FIELDS,
    VisitAttachForm,
    VisitCancelForm,
    VisitLogForm,
    VisitPlanForm,
)
from visits.models import Visit
from visits.needs import NeedFormSet
from visits.permissions import TABLE_ROLES, can_record, can_record_visits, enterprises_recordable_by
from visits.selectors import (
    enterprise_due,
    visit_attachment_get_for_user,
    visit_filterset,
    visit_get_for_user,
    visit_issues,
    visit_list,
    visit_list_parts,
    visit_list_rows_by_id,
)


def _errors_to_form(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _recordable_visit(user, pk: int) -> Visit:
    """A visit the user may see (else 404) and record for (else 403)."""
    visit = visit_get_for_user(user=user, pk=pk)
    if not can_record_visits(user, visit.enterprise):
        raise PermissionDenied
    return visit


@require_GET
@login_required
def visit_list_view(request):
    filterset = visit_filterset(user=request.user, data=request.GET or None)
    parts = visit_list_parts(user=request.user, filterset=filterset)
    visits = visit_list(user=request.user, filterset=filterset)
    page = paginate(request, visits, capped=True, parts=parts, rows=visit_list_rows_by_id())
    return render(
        request,
        "visits/visit_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "can_record": can_record(request.user),
            "can_see_table": request.user.scope.has_role(*TABLE_ROLES),
        },
    )


@require_GET
@login_required
def visit_detail_view(request, pk: int):
    visit = visit_get_for_user(user=request.user, pk=pk)
    may_record = can_record_visits(request.user, visit.enterprise)
    staff = request.user.scope.is_staff_member
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "issues": visit_issues(user=request.user, visit=visit),
            "history": history_entries(visit) if staff else [],
            "show_history": staff,
            "can_record": may_record,
            "cancel_form": VisitCancelForm(),
            "attach_form": VisitAttachForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def visit_plan_view(request):
    if not can_record(request.user):
        raise Http404
    enterprises = enterprises_recordable_by(request.user).active().order_by("name")
    initial = {"enterprise": request.GET.get("enterprise")}
    form = VisitPlanForm(
        request.POST or None, user=request.user, enterprises=enterprises, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_plan(
                actor=request.user,
                enterprise=data["enterprise"],
                kind=data["kind"],
                planned_on=data["planned_on"],
                lead=data["lead"],
                officers=data["officers"],
                place=data["place"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已添加走访计划。"))
            return redirect(visit)
    return render(request, "visits/visit_plan.html", {"form": form})


@require_GET
@login_required
def visit_log_start_view(request):
    """Step one of logging from scratch on a phone: pick the enterprise (mine first)."""
    if not can_record(request.user):
        raise Http404
    enterprises = enterprises_recordable_by(request.user).active().select_related("region")
    query = request.GET.get("q", "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code=query.upper()))
    page = paginate(request, enterprises.order_by("name"), per_page=20)
    return render(request, "visits/visit_log_start.html", {"page_obj": page, "q": query})


@require_http_methods(["GET", "POST"])
@login_required
def visit_log_view(request, enterprise_pk: int | None = None, pk: int | None = None):
    """Log a visit: from a planned one (`pk`) or from scratch for an enterprise."""
    planned = None
    if pk is not None:
        planned = _recordable_visit(request.user, pk)
        if planned.status != Visit.Status.PLANNED:
            messages.error(request, _("该走访已完成或已取消，不能再登记。"))
            return redirect(planned)
        enterprise = planned.enterprise
    else:
        enterprise = get_object_or_404(enterprises_recordable_by(request.user), pk=enterprise_pk)
    form = VisitLogForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        enterprise=enterprise,
        planned=planned,
    )
    # A post without the needs rows (e.g. from a page without JavaScript) records no needs.
    with_needs = "needs-TOTAL_FORMS" in request.POST
    needs = NeedFormSet(request.POST if with_needs else None, request.FILES or None, prefix="needs")
    if request.method == "POST" and form.is_valid() and (not with_needs or needs.is_valid()):
        data = form.cleaned_data
        try:
            visit = services.visit_log(
                actor=request.user,
                enterprise=enterprise,
                planned=planned,
                files=[*data["photos"], *data["documents"]],
                needs=needs.needs(),
                **{k: data[k] for k in LOG_FIELDS},
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            count = len(needs.needs())
            if count:
                messages.success(request, _("走访已登记，并生成 %(n)s 条诉求。") % {"n": count})
            else:
                messages.success(request, _("走访已登记。"))
            return redirect(visit)
    return render(
        request,
        "visits/visit_log.html",
        {
            "form": form,
            "needs": needs,
            "enterprise": enterprise,
            "planned": planned,
            "due": enterprise_due(enterprise=enterprise),
        },
    )


@require_POST
@login_required
def visit_cancel_view(request, pk: int):
    visit = _recordable_visit(request.user, pk)
    form = VisitCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
        return redirect(visit)
    try:
        services.visit_cancel(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("走访计划已取消。"))
    return redirect(visit)


@require_POST
@login_required
def visit_attach_view(request, pk: int):
    visit = _recordable_visit(request.user, pk)
    form = VisitAttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(visit)
    try:
        services.visit_attach_many(
            actor=request.user, visit=visit, uploads=form.cleaned_data["files"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("附件已上传。"))
    return redirect(visit)


@require_GET
@login_required
def visit_attachment_view(request, pk: int, attachment: int):
    item = visit_attachment_get_for_user(user=request.user, visit_pk=pk, pk=attachment)
    return safe_download_response(fieldfile=item.file, filename=item.original_name)
