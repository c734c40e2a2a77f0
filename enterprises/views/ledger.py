"""Ledger import (template, upload → dry run, confirm, progress) and the .xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.xlsx import build_workbook, xlsx_response
from enterprises.forms import ImportUploadForm
from enterprises.ledger.jobs import ledger_dry_run, ledger_import_confirm
from enterprises.ledger.template import template_workbook
from enterprises.selectors import (
    enterprise_list,
    export_rows,
    import_job_get_for_user,
    import_job_list,
    with_list_columns,
)
from enterprises.views.access import require_manager, require_staff

EXPORT_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "成立日期",
    "注册资本（万元）",
    "地址",
    "所属辖区",
    "行业",
    "规模",
    "标签",
    "状态",
    "走访频次（天）",
    "联络员",
    "包保领导",
    "主要联系人",
    "联系人电话",
]
EXPORT_WIDTHS = [22, 36, 12, 12, 14, 40, 18, 24, 8, 28, 8, 12, 10, 10, 12, 16]


@require_GET
@login_required
def enterprise_export(request):
    """The filtered list (same filters as the page) as .xlsx; phones masked as on the page."""
    require_staff(request.user)
    filterset = enterprise_list(user=request.user, filters=request.GET)
    content = build_workbook(
        title="企业名录",
        headers=EXPORT_HEADERS,
        rows=export_rows(user=request.user, qs=with_list_columns(filterset.qs)),
        widths=EXPORT_WIDTHS,
    )
    return xlsx_response(content, f"企业名录-{timezone.localdate():%Y%m%d}.xlsx")


@require_GET
@login_required
def import_template(request):
    require_manager(request.user)
    return xlsx_response(template_workbook(user=request.user), "企业台账导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    require_manager(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = ledger_dry_run(actor=request.user, uploaded_file=form.cleaned_data["file"])
        return redirect(job)
    return render(
        request,
        "enterprises/import_upload.html",
        {"form": form, "jobs": import_job_list(user=request.user)},
    )


@require_GET
@login_required
def import_detail(request, pk: int):
    require_manager(request.user)
    job = import_job_get_for_user(user=request.user, pk=pk)
    template = (
        "enterprises/_import_progress.html" if request.htmx else "enterprises/import_detail.html"
    )
    return render(request, template, {"job": job, "form": ImportUploadForm()})


@require_POST
@login_required
def import_confirm(request, pk: int):
    require_manager(request.user)
    job = import_job_get_for_user(user=request.user, pk=pk)
    job = ledger_import_confirm(actor=request.user, job=job)
    if job.status == job.Status.DONE:
        messages.success(
            request,
            _("导入完成：新增 %(c)d 家，更新 %(u)d 家。")
            % {"c": job.created_count, "u": job.updated_count},
        )
    return redirect(job)
