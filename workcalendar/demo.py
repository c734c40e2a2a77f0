"""The working calendar for the demo: every year chinesecalendar knows (idempotent)."""

from accounts.services import system_user
from workcalendar.models import CalendarYear
from workcalendar.services import calendar_sync_from_package


def seed(log=print) -> None:
    added = calendar_sync_from_package(actor=system_user())
    log(f"workcalendar: {CalendarYear.objects.count()} years known, {len(added)} added")
