"""Working-day and working-hour arithmetic on the Chinese statutory calendar.

Government time limits (办理时限) are counted in working days or working hours. The
statutory calendar has holidays that fall on weekdays (e.g. 国庆, 春节) and make-up working
days (调休) that fall on weekends. This module is pure Python with no Django imports so it
can be unit tested without a database and used inside large sweeps.

Conventions
-----------
* All instants passed in must be timezone-aware; they are converted to ``cal.tz`` and every
  returned datetime is aware and expressed in ``cal.tz``. Naive datetimes raise ``ValueError``.
* Business hours are ``[day_start, day_end]`` on working days (default 08:30-17:30, i.e. a
  business day is 9 hours long). Arithmetic is done on local wall-clock time.
* Receipt (DESIGN §6): a request received outside working hours — before ``day_start`` or
  from ``day_end`` on, or on a weekend or holiday (a 调休 make-up day is a working day) — is
  deemed received at the start of the next working period (:func:`received_at`).
* Day limits: the deadline of "n working days from start" is ``day_end`` of the n-th working
  day after the day the request is deemed received. That receipt day is never counted, so a
  request filed on Saturday is due one working day later than one filed on Friday morning.
* Hour limits walk business hours only. A result that lands exactly on ``day_end`` stays at
  ``day_end``; a walk that *starts* at ``day_end`` and still has time left continues at the
  next working day's ``day_start``.
* Years not covered by the calendar data fall back to "Monday-Friday are working days, except
  the fixed-date statutory holidays" (元旦 1 Jan, 劳动节 1 May, 国庆 1-3 Oct; the lunar holidays
  and the 调休 arrangement are announced each year and cannot be guessed). Use
  :meth:`WorkCalendar.unknown_years` to detect (and report) that situation; nothing raises.

Performance: :meth:`WorkCalendar.is_working_day` is a couple of set lookups; counting working
days in a range is O(log n) via bisection over sorted holiday lists; adding days or hours
iterates over days at most, never over minutes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

__all__ = [
    "WorkCalendar",
    "add_extension_days",
    "add_working_days",
    "add_working_hours",
    "extend_deadline",
    "is_fixed_date_holiday",
    "received_at",
    "warning_start",
    "working_days_between",
    "working_time_between",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MICROSECOND = timedelta(microseconds=1)
_TWO_PLACES = Decimal("0.01")
# Upper bound on consecutive non-working days; guards the day-walking loops.
_MAX_GAP_DAYS = 366


# Statutory holidays on fixed Gregorian dates (全国年节及纪念日放假办法): they are off in every
# year, including years whose arrangement has not been announced yet. (month, day, name)
FIXED_DATE_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)
_FIXED_DATES = frozenset((m, d) for m, d, _name in FIXED_DATE_HOLIDAYS)


def _is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def is_fixed_date_holiday(d: date) -> bool:
    """True if ``d`` is 1 Jan, 1 May or 1-3 Oct (off in every year)."""
    return (d.month, d.day) in _FIXED_DATES


@dataclass(frozen=True)
class WorkCalendar:
    """A working-day calendar.

    ``holidays`` are weekdays that are off, ``workdays`` are weekend days that are working
    days (调休), ``known_years`` the years the data covers. Instances are immutable and
    hashable.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = frozenset()
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    tz: ZoneInfo = SHANGHAI

    # Derived, sorted data used for O(log n) range counting. Not part of equality/hash.
    _off_weekdays: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _on_weekends: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("day_start/day_end must be naive local times")
        if self.day_start >= self.day_end:
            raise ValueError("day_start must be before day_end")
        # Only dates that actually change the Monday-Friday rule matter for counting, and only
        # in known years (unknown years use the plain weekend rule, see is_working_day).
        off = sorted(
            d
            for d in self.holidays
            if not _is_weekend(d) and d not in self.workdays and d.year in self.known_years
        )
        on = sorted(d for d in self.workdays if _is_weekend(d) and d.year in self.known_years)
        object.__setattr__(self, "_off_weekdays", tuple(off))
        object.__setattr__(self, "_on_weekends", tuple(on))

    @classmethod
    def from_chinese_calendar(cls, **kwargs: object) -> WorkCalendar:
        """Build a calendar from the ``chinese_calendar`` package data.

        The package's ``holidays`` dict also lists weekend days inside holiday periods; only
        weekday entries are kept in ``holidays`` and only weekend entries in ``workdays``.
        ``known_years`` is every year present in either dict. ``kwargs`` are passed to the
        constructor (``day_start``, ``day_end``, ``tz``).
        """
        from chinese_calendar import constants

        all_holidays = set(constants.holidays)
        all_workdays = set(constants.workdays)
        holidays = frozenset(d for d in all_holidays if not _is_weekend(d))
        workdays = frozenset(d for d in all_workdays if _is_weekend(d))
        known_years = frozenset(d.year for d in all_holidays | all_workdays)
        return cls(holidays=holidays, workdays=workdays, known_years=known_years, **kwargs)

    # -- day-level queries -------------------------------------------------------------------

    @property
    def business_day_length(self) -> timedelta:
        """Length of one business day (``day_end - day_start``)."""
        return datetime.combine(date.min, self.day_end) - datetime.combine(date.min, self.day_start)

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day. Unknown years: Monday-Friday except the fixed-date
        holidays (:data:`FIXED_DATE_HOLIDAYS`)."""
        if d.year not in self.known_years:
            return not _is_weekend(d) and not is_fixed_date_holiday(d)
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return not _is_weekend(d)

    def unknown_years(self, start: date, end: date) -> set[int]:
        """Years in ``[start, end]`` (inclusive, order-insensitive) the calendar has no data for."""
        if isinstance(start, datetime):
            start = start.date()
        if isinstance(end, datetime):
            end = end.date()
        lo, hi = sorted((start.year, end.year))
        return {y for y in range(lo, hi + 1) if y not in self.known_years}

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        for _ in range(_MAX_GAP_DAYS):
            d += _ONE_DAY
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_GAP_DAYS} days after {d}")

    def nth_working_day_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d`` (``n >= 1``)."""
        if n < 1:
            raise ValueError("n must be >= 1")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def count_working_days(self, first: date, last: date) -> int:
        """Number of working days in ``[first, last]`` (inclusive); 0 if ``last < first``."""
        if last < first:
            return 0
        total_days = (last - first).days + 1
        weeks, rest = divmod(total_days, 7)
        count = weeks * 5
        wd = first.weekday()
        for i in range(rest):
            if (wd + i) % 7 < 5:
                count += 1
        count -= _count_in_range(self._off_weekdays, first, last)
        count += _count_in_range(self._on_weekends, first, last)
        for year in range(first.year, last.year + 1):
            if year in self.known_years:
                continue
            for month, day, _name in FIXED_DATE_HOLIDAYS:
                fixed = date(year, month, day)
                if first <= fixed <= last and not _is_weekend(fixed):
                    count -= 1
        return count

    # -- instant helpers ---------------------------------------------------------------------

    def to_local(self, dt: datetime) -> datetime:
        """Convert an aware datetime to ``tz``; naive datetimes raise ``ValueError``."""
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError("timezone-aware datetime required")
        return dt.astimezone(self.tz)

    def opening(self, d: date) -> datetime:
        """``day_start`` of ``d`` as an aware datetime in ``tz``."""
        return datetime.combine(d, self.day_start, tzinfo=self.tz)

    def closing(self, d: date) -> datetime:
        """``day_end`` of ``d`` as an aware datetime in ``tz``."""
        return datetime.combine(d, self.day_end, tzinfo=self.tz)


def _count_in_range(sorted_dates: tuple[date, ...], first: date, last: date) -> int:
    return bisect.bisect_right(sorted_dates, last) - bisect.bisect_left(sorted_dates, first)


def _to_timedelta(amount: float | Decimal | timedelta) -> timedelta:
    """Hours (float/int/Decimal) or a timedelta -> timedelta, exact to the microsecond."""
    if isinstance(amount, timedelta):
        return amount
    if isinstance(amount, bool):
        raise TypeError("hours must be a number or a timedelta")
    if isinstance(amount, float):
        amount = Decimal(repr(amount))
    micros = (Decimal(amount) * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_UP)
    return timedelta(microseconds=int(micros))


def _day_business_time(cal: WorkCalendar, d: date, lo: datetime, hi: datetime) -> timedelta:
    """Business time of day ``d`` inside ``[lo, hi]`` (``d`` assumed to be a working day)."""
    start = max(lo, cal.opening(d))
    end = min(hi, cal.closing(d))
    return end - start if end > start else _ZERO


# -- receipt and day limits ------------------------------------------------------------------


def received_at(cal: WorkCalendar, instant: datetime) -> datetime:
    """When a request that arrived at ``instant`` is deemed received (DESIGN §6).

    Inside working hours (``[day_start, day_end)`` of a working day) that is ``instant``
    itself. Before ``day_start`` of a working day it is that day's ``day_start``. In the evening
    (from ``day_end`` on), on a weekend or on a holiday it is ``day_start`` of the next working
    day; a 调休 make-up day is a working day like any other.
    """
    local = cal.to_local(instant)
    d = local.date()
    if cal.is_working_day(d):
        if local < cal.opening(d):
            return cal.opening(d)
        if local < cal.closing(d):
            return local
    return cal.opening(cal.next_working_day(d))


def add_working_days(cal: WorkCalendar, start: datetime, n: int) -> datetime:
    """Deadline for "n working days from ``start``".

    The request is deemed received at :func:`received_at` ``(start)``; the deadline is
    ``day_end`` of the n-th working day after that receipt day, which itself is never counted.
    A registration on Friday at 10:00 with ``n=1`` is due on Monday at 17:30; one on Friday
    evening or on Saturday is deemed received on Monday morning and is due on Tuesday.

    ``n == 0`` means "by the end of the receipt day": ``day_end`` of that day.

    Raises ``ValueError`` if ``n < 0`` or ``start`` is naive.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    receipt_day = received_at(cal, start).date()
    if n == 0:
        return cal.closing(receipt_day)
    return cal.closing(cal.nth_working_day_after(receipt_day, n))


def add_extension_days(cal: WorkCalendar, deadline: datetime, n: int) -> datetime:
    """Deadline after an approved extension of ``n`` working days.

    The new deadline is ``day_end`` of the n-th working day after the deadline's day (a
    deadline is not a receipt: one at ``day_end`` moves by exactly ``n`` working days).
    ``n == 0`` returns the deadline unchanged (converted to ``tz``). Raises ``ValueError`` if
    ``n < 0``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    local = cal.to_local(deadline)
    if n == 0:
        return local
    return cal.closing(cal.nth_working_day_after(local.date(), n))


# -- hour limits -----------------------------------------------------------------------------


def add_working_hours(
    cal: WorkCalendar, start: datetime, hours: float | Decimal | timedelta
) -> datetime:
    """Walk ``hours`` of business time from ``start``.

    Only business hours (``day_start``-``day_end`` on working days) are consumed. A start
    outside business hours begins at the next opening (with zero hours the result is that
    opening). A result that lands exactly on ``day_end`` stays at ``day_end``; time left over
    at ``day_end`` continues at the next working day's ``day_start``.

    ``hours`` is a number of hours (int, float, Decimal) or a ``timedelta``. Negative amounts
    raise ``ValueError``.
    """
    remaining = _to_timedelta(hours)
    if remaining < _ZERO:
        raise ValueError("hours must be >= 0")
    local = cal.to_local(start)
    d = local.date()
    opening = cal.opening(d)
    closing = cal.closing(d)
    if not cal.is_working_day(d) or local > closing:
        d = cal.next_working_day(d)
        cur = cal.opening(d)
    elif local < opening:
        cur = opening
    else:
        cur = local  # inside [day_start, day_end], day_end inclusive

    available = cal.closing(d) - cur
    if remaining <= available:
        return cur + remaining
    remaining -= available

    # Whole business days still needed (the last one possibly partial); iterate by days only.
    day_len = cal.business_day_length
    full, rest = divmod(remaining, day_len)
    if rest == _ZERO:
        days_needed, rest = full, day_len  # lands exactly on day_end of the last day
    else:
        days_needed = full + 1
    d = cal.nth_working_day_after(d, days_needed)
    return cal.opening(d) + rest


def extend_deadline(cal: WorkCalendar, deadline: datetime, paused: timedelta) -> datetime:
    """Move ``deadline`` later by ``paused`` of business time.

    Used to add back the time an issue was paused (e.g. waiting for the enterprise).
    Equivalent to ``add_working_hours(cal, deadline, paused)``: a deadline exactly at
    ``day_end`` continues from the next working day's opening. ``paused == 0`` returns the
    deadline unchanged (in ``tz``); a negative ``paused`` raises ``ValueError``.
    """
    paused = _to_timedelta(paused)
    if paused < _ZERO:
        raise ValueError("paused must be >= 0")
    if paused == _ZERO:
        return cal.to_local(deadline)
    return add_working_hours(cal, deadline, paused)


# -- measuring -------------------------------------------------------------------------------


def working_time_between(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Business time between ``a`` and ``b`` (``timedelta(0)`` if ``b <= a``).

    Only time inside business hours of working days counts. Runs in O(log n) regardless of
    the distance between ``a`` and ``b``.
    """
    a = cal.to_local(a)
    b = cal.to_local(b)
    if b <= a:
        return _ZERO
    da, db = a.date(), b.date()
    if da == db:
        return _day_business_time(cal, da, a, b) if cal.is_working_day(da) else _ZERO
    total = _ZERO
    if cal.is_working_day(da):
        total += _day_business_time(cal, da, a, b)
    if cal.is_working_day(db):
        total += _day_business_time(cal, db, a, b)
    full_days = cal.count_working_days(da + _ONE_DAY, db - _ONE_DAY)
    return total + full_days * cal.business_day_length


def working_days_between(cal: WorkCalendar, a: datetime, b: datetime) -> Decimal:
    """Business time between ``a`` and ``b`` in business days, rounded to 2 places."""
    elapsed = working_time_between(cal, a, b)
    ratio = Decimal(elapsed // _MICROSECOND) / Decimal(cal.business_day_length // _MICROSECOND)
    return ratio.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def warning_start(
    cal: WorkCalendar, start: datetime, deadline: datetime, band: Decimal
) -> datetime:
    """Instant at which the last ``band`` fraction of the business time before ``deadline``
    begins.

    E.g. ``band=Decimal("0.2")``: the point where 80% of the business time between ``start``
    and ``deadline`` has elapsed. ``band`` must be within ``[0, 1]``. The result never lies
    after ``deadline``.
    """
    band = band if isinstance(band, Decimal) else Decimal(str(band))
    if not Decimal(0) <= band <= Decimal(1):
        raise ValueError("band must be between 0 and 1")
    total = working_time_between(cal, start, deadline)
    elapsed_us = (Decimal(total // _MICROSECOND) * (1 - band)).to_integral_value(
        rounding=ROUND_HALF_UP
    )
    result = add_working_hours(cal, start, timedelta(microseconds=int(elapsed_us)))
    return min(result, cal.to_local(deadline))
