"""Template helpers of the issue pages (see issues.presenters)."""

from django import template

from issues import presenters

register = template.Library()


@register.filter
def state_badge(state: str) -> str:
    return presenters.state_badge(state)


@register.simple_tag
def running_deadline(issue):
    return presenters.running_deadline(issue)


@register.simple_tag
def phase_label(issue, improvements=None) -> str:
    return presenters.phase_label(issue, improvements)


@register.filter
def state_label(state: str) -> str:
    return presenters.state_label(state)


@register.simple_tag
def event_details(event) -> list[tuple[str, str]]:
    return presenters.event_details(event)


@register.filter
def action_button(name: str) -> str:
    return presenters.action_button(name)


@register.simple_tag
def issue_row(issue, staff) -> str:
    """One row of templates/issues/_issue_rows.html, written in Python: the template's per-row
    markup cost more than the rest of a list page's template (some thirty variables and tags
    a row, 25 rows). The HTML is the one the template wrote before, character for character
    (tests/issues/test_issue_rows.py keeps that template and compares)."""
    return presenters.issue_row_html(issue, staff=staff)
