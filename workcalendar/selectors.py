"""Reads of the working calendar: the `WorkCalendar` every deadline is computed with."""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection

from workcalendar.models import BusinessHours, CalendarDay, CalendarYear
from workcalendar.worktime import WorkCalendar

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar] | None = None
_warned_years: set[int] = set()


def _fingerprint() -> tuple:
    """A cheap summary (one query) that changes whenever a row of the calendar changes:
    row counts and the latest `updated_at` of the three tables."""
    day, year, hours = (m._meta.db_table for m in (CalendarDay, CalendarYear, BusinessHours))
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {day}), (SELECT MAX(updated_at) FROM {day}), "  # noqa: S608 - table names from model meta
        f"(SELECT COUNT(*) FROM {year}), (SELECT MAX(updated_at) FROM {year}), "
        f"(SELECT MAX(updated_at) FROM {hours})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def business_hours() -> BusinessHours:
    """The business hours row, or the defaults (08:30–17:30 Asia/Shanghai) when none is saved."""
    return BusinessHours.objects.filter(pk=BusinessHours.SINGLETON_ID).first() or BusinessHours()


def _build() -> WorkCalendar:
    hours = business_hours()
    options = {
        "day_start": hours.day_start,
        "day_end": hours.day_end,
        "tz": ZoneInfo(hours.time_zone),
    }
    known_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    if not known_years:
        # A database whose calendar was never loaded (e.g. emptied by a test flush): use the
        # package's data rather than silently treating every holiday as a working day.
        logger.warning("working calendar is empty; using the chinesecalendar package data")
        return WorkCalendar.from_chinese_calendar(**options)
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        weekend = day.weekday() >= 5
        if kind == CalendarDay.Kind.HOLIDAY and not weekend:
            holidays.add(day)
        elif kind == CalendarDay.Kind.MAKEUP_WORKDAY and weekend:
            workdays.add(day)
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        known_years=known_years,
        **options,
    )


def get_work_calendar() -> WorkCalendar:
    """The working calendar built from the database.

    Cached in the process; each call costs one small query that detects any change to the
    calendar tables (so an administrator's edit takes effect at once in every process), and the
    calendar is rebuilt only when something changed. Call it once per request or sweep and pass
    the result to the `workcalendar.worktime` functions.
    """
    global _cached
    key = _fingerprint()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        calendar = _build()
        _cached = (key, calendar)
    return calendar


def warn_if_unknown(cal: WorkCalendar, start: date | datetime, end: date | datetime) -> set[int]:
    """The years in [start, end] the calendar has no data for.

    Deadlines in such years are computed with weekends and the fixed-date holidays only (the
    arithmetic never fails); this logs a warning once per year per process so that an
    administrator adds the year.
    """
    unknown = cal.unknown_years(start, end)
    fresh = unknown - _warned_years
    for year in sorted(fresh):
        logger.warning(
            "working calendar has no holiday arrangement for %s; counting Monday-Friday as "
            "working days except 1 Jan, 1 May and 1-3 Oct. Add the year in the admin (工作日历).",
            year,
        )
    _warned_years.update(fresh)
    return unknown


def missing_years(*, today: date) -> list[int]:
    """The current and next year, where the calendar does not know them (admin warnings)."""
    wanted = {today.year, today.year + 1}
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - known)
