"""Template helpers of the visit pages (see visits.presenters)."""

from django import template

from visits import presenters

register = template.Library()


@register.simple_tag
def visit_row(visit, show_enterprise) -> str:
    """A row of the visit lists: templates/visits/_visit_row.html, written in Python."""
    return presenters.visit_row_html(visit, show_enterprise=show_enterprise)
