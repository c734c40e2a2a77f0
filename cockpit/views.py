"""The leaders' cockpit pages (DESIGN §10). Every view finds the user's jurisdiction first
(403 for anyone without a leader, dispatcher or administrator role), validates the filters
with the form (whose choices stop at the jurisdiction) and reads through `cockpit.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from cockpit import bulletins, exports, facts, metrics
from cockpit.forms import BulletinForm, CockpitFilterForm
from cockpit.models import Bulletin, RollupState
from cockpit.periods import Period
from cockpit.selectors import (
    DIMENSION_LABELS,
    RANKING_MIN_COUNT,
    bulletin_get_for_user,
    bulletin_list_for,
    cockpit_for,
    jurisdiction,
)
from cockpit.templatetags.cockpit_tags import DrillLinks
from crm.lib.files import safe_download_response
from crm.lib.pagination import paginate
from crm.lib.xlsx import xlsx_response
from issues.models import Issue


def _cockpit(request, params=None, dims=metrics.DIMENSIONS):
    """(form, cockpit or None): the cockpit for the request's filters, with the breakdowns
    of `dims`; bad filters give the form with its Chinese errors and the default period
    instead."""
    paths = jurisdiction(request.user)
    form = CockpitFilterForm(params if params is not None else request.GET, paths=paths)
    facts.refresh(max_events=2000, wait=False, sync_cube=False)
    if form.is_valid():
        return form, cockpit_for(user=request.user, cleaned=form.cleaned_data, dims=dims)
    default = CockpitFilterForm({}, paths=paths)
    default.is_valid()
    return form, cockpit_for(user=request.user, cleaned=default.cleaned_data, dims=dims)


def _as_of() -> object:
    state = RollupState.objects.filter(key="facts").first()
    return state.refreshed_at if state else None


def _chart_data(cockpit, trend) -> dict:
    units = sorted(cockpit.breakdown("unit"), key=lambda r: -r.figures["accepted"])[:10]
    return {
        "labels": [p["label"] for p in trend],
        "accepted": [p["figures"]["accepted"] for p in trend],
        "done_rate": [p["figures"].rates["done_rate"] for p in trend],
        "on_time_rate": [p["figures"].rates["on_time_rate"] for p in trend],
        "satisfaction_rate": [p["figures"].rates["satisfaction_rate"] for p in trend],
        "names": {
            "accepted": _("受理量"),
            "done_rate": _("办结率"),
            "on_time_rate": _("按时办结率"),
            "satisfaction_rate": _("满意率"),
        },
        "units": [r.label for r in units],
        "unit_accepted": [r.figures["accepted"] for r in units],
        "unit_on_time": [r.figures.rates["on_time_rate"] for r in units],
    }


TABLE_ROWS = 30  # rows of a breakdown shown on the page; the export holds them all


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


_CELL = (
    '<td class="text-end">{} <small class="text-muted"><a href="{}">{}</a>/'
    '<a href="{}">{}</a></small></td>'
)


def _table(cockpit, dim: str, links: DrillLinks) -> list[dict]:
    """A breakdown's first rows, every rate cell already HTML (value, fraction, links): built
    here rather than in the template, where thousands of lookups cost more than the query."""
    rows = []
    for r in cockpit.breakdown(dim)[:TABLE_ROWS]:
        f = r.figures
        cells = "".join(
            _CELL.format(
                escape(_pct(f.rates[rate.key])),
                links.escaped_url(rate.num_key, r.param),
                int(f[rate.num_key]),
                links.escaped_url(rate.den_key, r.param),
                int(f[rate.den_key]),
            )
            for rate in metrics.RATES
        )
        rows.append(
            {
                "label": r.label,
                "accepted": f["accepted"],
                "accepted_url": links.url("accepted", r.param),
                "cells": mark_safe(cells),  # noqa: S308 — every value above is escaped or an int
            }
        )
    return rows


LIST_TITLES = {
    "overdue": _lazy("超期诉求"),
    "escalated": _lazy("提级诉求"),
    "reworked": _lazy("重办诉求"),
}


@require_GET
@login_required
def cockpit_page(request):
    # The first table, the ranking and the chart are by unit; the other tabs load apart.
    form, cockpit = _cockpit(request, dims=("unit",))
    bucket = request.GET.get("trend") if request.GET.get("trend") in ("week", "month") else None
    trend = cockpit.trend(bucket)
    labels = list(DIMENSION_LABELS.items())
    links = DrillLinks(cockpit)
    context = {
        "form": form,
        "cockpit": cockpit,
        "trend_bucket": bucket or cockpit.trend_bucket,
        "as_of": _as_of(),
        "rates": metrics.RATES,
        "definitions": metrics,
        "min_count": RANKING_MIN_COUNT,
        "dimensions": labels,
        # The first breakdown is on the page; the others load when their tab is opened
        # (cockpit_table): the five tables were most of the page's bytes and render time.
        "breakdown_tables": [
            (d, label, *(_table_rows(cockpit, d, links) if n == 0 else (None, None)))
            for n, (d, label) in enumerate(labels)
        ],
        "lists": [(k, LIST_TITLES[k], cockpit.lists[k]) for k in LIST_TITLES],
        "chart_data": _chart_data(cockpit, trend),
    }
    return render(request, "cockpit/index.html", context)


def _table_rows(cockpit, dim: str, links: DrillLinks) -> tuple[list[dict], int]:
    return _table(cockpit, dim, links), len(cockpit.breakdown(dim))


@require_GET
@login_required
def cockpit_table(request):
    """One breakdown table (`?dim=unit|region|…`) for the current filters: the content of a
    tab of the page, fetched by htmx when the tab is first opened."""
    dim = request.GET.get("dim", "")
    if dim not in DIMENSION_LABELS:
        return HttpResponseBadRequest(_("未知的表格。"))
    _form, cockpit = _cockpit(request, dims=(dim,))
    rows, total = _table_rows(cockpit, dim, DrillLinks(cockpit))
    context = {
        "cockpit": cockpit,
        "rates": metrics.RATES,
        "dim": dim,
        "label": DIMENSION_LABELS[dim],
        "rows": rows,
        "total": total,
    }
    return render(request, "cockpit/_breakdown_table.html", context)


@require_GET
@login_required
def cockpit_drill(request):
    """The issues behind one number: the same condition as the count (`metric`)."""
    form, cockpit = _cockpit(request)
    key = request.GET.get("metric", "")
    if key not in metrics.COUNT_KEYS:
        return HttpResponseBadRequest(_("未知的统计指标。"))
    issues = (
        Issue.objects.visible_to(request.user)
        .filter(pk__in=cockpit.issue_ids(key))
        .select_related("enterprise", "category", "lead_unit")
        .order_by("-registered_at", "-pk")
    )
    page = paginate(request, issues)
    context = {
        "form": form,
        "cockpit": cockpit,
        "label": metrics.COUNT_LABELS[key],
        "active_filters": [
            str(v)
            for v in (
                cockpit.filters.region,
                cockpit.filters.industry,
                cockpit.filters.category,
                cockpit.filters.unit,
                cockpit.filters.liaison,
            )
            if v is not None
        ],
        "page_obj": page,
        "issues": page.object_list,
    }
    return render(request, "cockpit/drill.html", context)


@require_GET
@login_required
def cockpit_export(request):
    form, cockpit = _cockpit(request)
    if form.errors:
        return HttpResponseBadRequest(
            " ".join(form.errors.get("__all__", [])) or _("筛选条件有误。")
        )
    table = request.GET.get("table", "")
    if table and table not in exports.TABLES:
        return HttpResponseBadRequest(_("未知的表格。"))
    content = exports.workbook(cockpit, tables=[table] if table else ())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, _("驾驶舱-%(stamp)s.xlsx") % {"stamp": stamp})


@require_GET
@login_required
def screen_page(request):
    form, cockpit = _cockpit(request)
    return render(request, "cockpit/screen.html", {"form": form, "cockpit": cockpit})


@require_GET
@login_required
def screen_panel(request):
    """The big screen's content, polled by htmx."""
    form, cockpit = _cockpit(request, dims=("unit",))
    context = {
        "form": form,
        "cockpit": cockpit,
        "as_of": _as_of(),
        "rates": metrics.RATES,
        "chart_data": _chart_data(cockpit, cockpit.trend("month")),
        "lists": [(k, LIST_TITLES[k], cockpit.lists[k]) for k in LIST_TITLES],
    }
    return render(request, "cockpit/_screen_panel.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def bulletin_list_page(request):
    paths = jurisdiction(request.user)
    form = BulletinForm(request.POST or None, paths=paths)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bulletin = bulletins.bulletin_generate(
            kind=Bulletin.Kind.CUSTOM,
            region=data["region"],
            period=Period(data["start"], data["end"]),
            actor=request.user,
            announce=False,
        )
        messages.success(request, _("已生成：%(title)s") % {"title": bulletin.title})
        return redirect("cockpit:bulletins")
    page = paginate(request, bulletin_list_for(user=request.user))
    context = {"form": form, "page_obj": page, "bulletins": page.object_list}
    return render(
        request, "cockpit/bulletin_list.html", context, status=400 if form.errors else 200
    )


@require_GET
@login_required
def bulletin_download(request, pk: int):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    return safe_download_response(fieldfile=bulletin.file, filename=f"{bulletin.title}.xlsx")
