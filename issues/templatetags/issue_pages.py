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
