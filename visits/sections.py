"""The visit timeline on the enterprise page (listed in the setting
QINQING_ENTERPRISE_PAGE_SECTIONS, read by enterprises.sections)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from visits.permissions import can_record_visits
from visits.selectors import enterprise_due, visit_timeline_for_enterprise

TIMELINE_LENGTH = 10


def visit_section(request, enterprise):
    """The enterprise's latest visits that the viewer may see, its last / next visit, and the
    "log" and "plan" buttons for those who may record. Hidden when there is nothing to show."""
    from enterprises.sections import PageSection

    user = request.user
    visits = visit_timeline_for_enterprise(user=user, enterprise=enterprise, limit=TIMELINE_LENGTH)
    may_record = can_record_visits(user, enterprise)
    if not visits and not may_record:
        return None
    staff = user.scope.is_staff_member
    return PageSection(
        title=str(_("走访记录")),
        template="visits/_enterprise_visits.html",
        context={
            "visits": visits,
            "due": enterprise_due(enterprise=enterprise) if staff else None,
            "can_record": may_record,
            "more": len(visits) == TIMELINE_LENGTH,
        },
        order=10,
        slug="visits",
    )
