"""The admin index warns while the calendar lacks the current or next year."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from workcalendar.admin import missing_years_message
from workcalendar.selectors import missing_years

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_warning(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("workcalendar.view_calendarday"):
        return ""
    years = missing_years(today=timezone.localdate())
    if not years:
        return ""
    return format_html(
        '<ul class="messagelist" data-testid="calendar-warning"><li class="warning">{}</li></ul>',
        missing_years_message(years),
    )
