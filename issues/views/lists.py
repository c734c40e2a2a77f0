"""The issue list (filters, pagination, .xlsx export) and an enterprise's needs list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.lib.pagination import paginate
from crm.lib.xlsx import build_workbook, xlsx_response, xlsx_stream_response
from issues.page_selectors import (
    filtered_issues,
    issue_list_parts,
    issue_list_rows,
    issue_list_rows_by_id,
    needs_list_for,
)
from issues.presenters import NEEDS_HEADERS, export_headers, export_row, needs_row

# Rows fetched from the database per round trip while the export streams.
EXPORT_CHUNK = 2000


@require_GET
@login_required
def issue_list_page(request):
    filterset, issues = filtered_issues(user=request.user, params=request.GET)
    # A city's list holds 200,000 issues: count no further than 10,000 ("10,000+"), one index
    # per reason to see an issue.
    parts = issue_list_parts(user=request.user, filterset=filterset)
    rows = issue_list_rows_by_id(issues)
    page = paginate(request, issue_list_rows(issues), capped=True, parts=parts, rows=rows)
    context = {"filter": filterset, "page_obj": page, "issues": page.object_list}
    return render(request, "issues/issue_list.html", context)


@require_GET
@login_required
def issue_list_export(request):
    """Every issue of the filtered list, however many: rows are fetched in chunks and written
    in openpyxl's write-only mode (flat memory), then the file is streamed."""
    issues = filtered_issues(user=request.user, params=request.GET)[1]
    staff = request.user.scope.is_staff_member
    rows = (export_row(issue, staff=staff) for issue in issues.iterator(chunk_size=EXPORT_CHUNK))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_stream_response(
        filename=_("诉求清单-%(stamp)s.xlsx") % {"stamp": stamp},
        title=_("诉求"),
        headers=export_headers(staff=staff),
        rows=rows,
    )


@require_GET
@login_required
def needs_list_page(request, enterprise_id: int):
    enterprise, issues = needs_list_for(user=request.user, enterprise_id=enterprise_id)
    context = {"enterprise": enterprise, "issues": issues, "printed_at": timezone.localtime()}
    return render(request, "issues/needs_list.html", context)


@require_GET
@login_required
def needs_list_export(request, enterprise_id: int):
    enterprise, issues = needs_list_for(user=request.user, enterprise_id=enterprise_id)
    rows = (needs_row(n, issue) for n, issue in enumerate(issues, start=1))
    content = build_workbook(title=_("帮扶需求清单"), headers=NEEDS_HEADERS, rows=rows)
    return xlsx_response(content, _("帮扶需求清单-%(name)s.xlsx") % {"name": enterprise.name})
