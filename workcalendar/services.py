"""Writes to the working calendar: keyword-only, an explicit actor, one transaction each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from workcalendar.chinese import package_days, package_version
from workcalendar.models import CalendarDay, CalendarYear, Source


@transaction.atomic
def calendar_sync_from_package(*, actor) -> list[int]:
    """Add every year the `chinesecalendar` package knows and the calendar does not yet.

    Idempotent: a year already in the calendar is left exactly as it is (an administrator may
    have corrected it), so running it again — or after upgrading the package — only adds the
    newly covered years. Returns the years added.
    """
    known = set(CalendarYear.objects.values_list("year", flat=True))
    by_year: dict[int, list] = {}
    for day in package_days():
        if day.date.year not in known:
            by_year.setdefault(day.date.year, []).append(day)
    if not by_year:
        return []
    taken = set(
        CalendarDay.objects.filter(date__year__in=list(by_year)).values_list("date", flat=True)
    )
    reason = f"chinesecalendar {package_version()}"
    years = [
        CalendarYear(year=year, source=Source.CHINESE_CALENDAR, note=reason)
        for year in sorted(by_year)
    ]
    days = [
        CalendarDay(date=d.date, kind=d.kind, name=d.name, source=Source.CHINESE_CALENDAR)
        for year in sorted(by_year)
        for d in by_year[year]
        if d.date not in taken
    ]
    bulk_create_with_history(years, CalendarYear, default_user=actor, default_change_reason=reason)
    bulk_create_with_history(days, CalendarDay, default_user=actor, default_change_reason=reason)
    return sorted(by_year)


@transaction.atomic
def calendar_year_add(
    *, actor, year: int, days: Iterable[tuple[date, str, str]], note: str = ""
) -> CalendarYear:
    """Enter the holiday arrangement of a newly announced year (国务院办公厅放假安排).

    `days` are (date, kind, name) triples, all inside `year`. The year must not be in the
    calendar yet; either the year and all its days are saved, or nothing is.
    """
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError(
            _("%(year)s 年的安排已在日历中，请在列表中逐日修改。") % {"year": year}
        )
    calendar_year = CalendarYear(year=year, source=Source.ADMIN, note=note)
    calendar_year.full_clean()
    calendar_year._history_user = actor
    calendar_year.save()
    for day_date, kind, name in days:
        if day_date.year != year:
            raise ValidationError(
                _("%(date)s 不在 %(year)s 年内。") % {"date": day_date, "year": year}
            )
        day = CalendarDay.objects.filter(date=day_date).first() or CalendarDay(date=day_date)
        day.kind, day.name, day.source = kind, name, Source.ADMIN
        day.full_clean()
        day._history_user = actor
        day.save()
    return calendar_year
