"""Coverage pages: my overdue enterprises and coverage; the per-region / per-officer table."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.selectors import region_list_for
from crm.lib.xlsx import build_workbook, xlsx_response
from visits.forms import style_widgets
from visits.permissions import TABLE_ROLES, can_record
from visits.selectors import (
    coverage_by_officer,
    coverage_by_region,
    coverage_for_enterprises,
    coverage_for_officer,
    overdue_for_officer,
)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label=_("辖区"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_list_for(user=user)
        self.fields["region"].empty_label = _("我的辖区")
        self.fields["region"].label_from_instance = lambda r: "　" * (r.depth - 1) + r.name
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned


def _period(request, user) -> tuple[PeriodForm, date, date]:
    """The period from the query string; by default this month up to today."""
    today = timezone.localdate()
    defaults = {"start": today.replace(day=1), "end": today}
    form = PeriodForm(request.GET or None, user=user, initial=defaults)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, defaults["start"], defaults["end"]


@require_GET
@login_required
def my_coverage_view(request):
    if not can_record(request.user):
        raise Http404
    form, start, end = _period(request, request.user)
    return render(
        request,
        "visits/coverage_mine.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "coverage": coverage_for_officer(
                user=request.user, officer=request.user, start=start, end=end
            ),
            "overdue": overdue_for_officer(user=request.user, officer=request.user),
        },
    )


def _table_params(request):
    """(form, start, end, parent region) for the coverage table; 404 for people without it."""
    if not request.user.scope.has_role(*TABLE_ROLES):
        raise Http404
    form, start, end = _period(request, request.user)
    parent = form.cleaned_data.get("region") if form.is_bound and form.is_valid() else None
    if parent is None:
        parent = region_list_for(user=request.user).first()
    if parent is None:
        raise Http404
    return form, start, end, parent


@require_GET
@login_required
def coverage_table_view(request):
    form, start, end, parent = _table_params(request)
    return render(
        request,
        "visits/coverage_table.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "parent": parent,
            "total": coverage_for_enterprises(
                user=request.user, start=start, end=end, region=parent
            ),
            "regions": coverage_by_region(user=request.user, start=start, end=end, parent=parent),
            "officers": coverage_by_officer(user=request.user, start=start, end=end, region=parent),
        },
    )


@require_GET
@login_required
def coverage_export_view(request):
    """The coverage table as .xlsx: one row per region, then one per officer."""
    _form, start, end, parent = _table_params(request)
    user = request.user
    rows = [
        (_("辖区"), str(r.region) + (f"（{_('直属')}）" if r.direct else ""), *_figures(r))
        for r in coverage_by_region(user=user, start=start, end=end, parent=parent)
    ] + [
        (_("包联人员"), str(r.officer), *_figures(r))
        for r in coverage_by_officer(user=user, start=start, end=end, region=parent)
    ]
    headers = [_("类别"), _("名称"), _("包联企业"), _("已走访"), _("覆盖率"), _("到期未走访")]
    content = build_workbook(title=str(_("走访覆盖率")), headers=headers, rows=rows)
    return xlsx_response(content, f"走访覆盖率_{parent.name}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


def _figures(c) -> tuple:
    return (c.assigned, c.visited, c.rate if c.rate is not None else "", c.overdue)
