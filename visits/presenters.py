"""Display helpers of the visit pages."""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from crm.lib.choices import choice_label

KIND_ICONS = {"phone": "telephone", "online": "laptop"}
STATUS_BADGES = {"done": "text-bg-success", "planned": "text-bg-primary"}


def visit_status_html(visit) -> str:
    """templates/visits/_status.html (and its closing newline)."""
    badge = STATUS_BADGES.get(visit.status, "text-bg-secondary")
    label = escape(choice_label(visit, "status"))
    return f'<span class="badge {badge}" data-testid="visit-status">{label}</span>\n'


def visit_row_html(visit, *, show_enterprise: bool) -> SafeString:
    """A row of the visit lists (templates/visits/_visit_row.html, which the visit list and
    the enterprise page include once per visit): the enterprise, the kind and when, the
    officers (the lead marked) and the region, the summary, the status. Written in Python: the
    template cost more than the rest of the visit list's page outside SQL. The HTML is the
    template's, character for character (tests/visits/test_visit_rows.py compares); every
    text escaped as the template's autoescape did (the standard library's `escape` is
    Django's, without its wrapper for lazy arguments)."""
    enterprise = visit.enterprise if show_enterprise else None
    if visit.happened_at:
        at = timezone.localtime(visit.happened_at)
        when = f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"
    else:
        day = visit.planned_on
        planned = "" if day is None else f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
        when = f"{escape(gettext('计划'))} {planned}"
    lead = f"（{escape(gettext('带队'))}）"
    officers = "、".join(
        f"{escape(str(link.user))}{lead if link.is_lead else ''}" for link in visit.officer_list
    )
    summary = (
        f'<div class="small text-body-secondary text-truncate qq-summary">{escape(visit.summary)}'
        "</div>"
        if visit.summary
        else ""
    )
    shareable = (
        '<div><span class="badge text-bg-light border mt-1">'
        f"{escape(gettext('企业可见'))}</span></div>"
        if visit.confidentiality == "shareable"
        else ""
    )
    return mark_safe(  # noqa: S308 - every value escaped above
        f'\n<a href="{escape(visit.get_absolute_url())}" class="list-group-item '
        'list-group-item-action py-3" data-testid="visit-row">\n'
        '  <div class="d-flex justify-content-between align-items-start gap-2">\n'
        '    <div class="me-auto qq-min0">\n'
        "      "
        + (f'<div class="fw-semibold">{escape(enterprise.name)}</div>' if enterprise else "")
        + "\n"
        '      <div class="small">\n'
        f'        <i class="bi bi-{KIND_ICONS.get(visit.kind, "geo-alt")}"></i>\n'
        f"        {escape(choice_label(visit, 'kind'))}\n"
        f"        · {when}\n"
        "      </div>\n"
        '      <div class="small text-muted">\n'
        f"        {officers}\n"
        "        " + (f" · {escape(enterprise.region.name)}" if enterprise else "") + "\n"
        "      </div>\n"
        f"      {summary}\n"
        "    </div>\n"
        '    <div class="text-end">\n'
        f"      {visit_status_html(visit)}\n"
        f"      {shareable}\n"
        "    </div>\n"
        "  </div>\n"
        "</a>\n"
    )
