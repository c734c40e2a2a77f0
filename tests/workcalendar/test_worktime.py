"""Tests for workcalendar.worktime (pure functions, no database)."""

import dataclasses
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from workcalendar.worktime import (
    WorkCalendar,
    add_extension_days,
    add_working_days,
    add_working_hours,
    extend_deadline,
    received_at,
    warning_start,
    working_days_between,
    working_time_between,
)

CAL = WorkCalendar.from_chinese_calendar()
TZ = ZoneInfo("Asia/Shanghai")
OPEN = time(8, 30)
CLOSE = time(17, 30)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def reference_working_time(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Slow day-by-day reference used to cross-check working_time_between."""
    a, b = a.astimezone(cal.tz), b.astimezone(cal.tz)
    total = timedelta(0)
    d = a.date()
    while d <= b.date():
        if cal.is_working_day(d):
            lo = max(a, datetime.combine(d, cal.day_start, tzinfo=cal.tz))
            hi = min(b, datetime.combine(d, cal.day_end, tzinfo=cal.tz))
            if hi > lo:
                total += hi - lo
        d += timedelta(days=1)
    return total


# -- the calendar itself ---------------------------------------------------------------------


def test_the_calendar_agrees_with_chinese_calendar_on_every_known_day():
    d = date(2004, 1, 1)
    while d <= date(2026, 12, 31):
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_it_only_keeps_weekday_holidays_and_weekend_workdays():
    assert all(d.weekday() < 5 for d in CAL.holidays)
    assert all(d.weekday() >= 5 for d in CAL.workdays)
    assert set(range(2004, 2027)) <= CAL.known_years
    # 2025-10-04 (Sat) is inside the package's holiday list but is a weekend anyway.
    assert date(2025, 10, 4) not in CAL.holidays
    assert date(2025, 10, 1) in CAL.holidays
    assert date(2025, 9, 28) in CAL.workdays


def test_national_day_2025_is_off_and_the_makeup_weekend_days_are_working_days():
    for day in range(1, 9):
        assert not CAL.is_working_day(date(2025, 10, day))
    assert CAL.is_working_day(date(2025, 9, 28))  # Sunday, 调休
    assert CAL.is_working_day(date(2025, 10, 11))  # Saturday, 调休
    assert not CAL.is_working_day(date(2025, 9, 27))  # ordinary Saturday
    assert not CAL.is_working_day(date(2025, 10, 12))  # ordinary Sunday


def test_the_calendar_is_immutable_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CAL.day_start = time(9, 0)  # type: ignore[misc]
    rebuilt = WorkCalendar.from_chinese_calendar()
    assert hash(rebuilt) == hash(CAL)
    assert rebuilt == CAL


def test_it_rejects_business_hours_that_end_before_they_start():
    with pytest.raises(ValueError):
        WorkCalendar(day_start=time(18, 0), day_end=time(9, 0))


def test_counting_working_days_matches_a_day_by_day_count():
    rng = random.Random(1234)
    for _ in range(500):
        first = date(2023, 6, 1) + timedelta(days=rng.randrange(0, 1400))
        last = first + timedelta(days=rng.randrange(-3, 400))
        expected = sum(
            CAL.is_working_day(first + timedelta(days=i)) for i in range((last - first).days + 1)
        )
        assert CAL.count_working_days(first, last) == expected


# -- unknown years ---------------------------------------------------------------------------


def test_an_unknown_year_keeps_weekends_and_the_fixed_date_holidays_without_crashing():
    assert not CAL.is_working_day(date(2031, 1, 1))  # 元旦 is off in every year
    assert CAL.is_working_day(date(2031, 1, 2))  # Thursday: no lunar or 调休 data for 2031
    assert not CAL.is_working_day(date(2031, 1, 4))  # Saturday
    assert CAL.unknown_years(date(2031, 3, 1), date(2031, 5, 1)) == {2031}
    assert CAL.unknown_years(date(2026, 12, 1), date(2027, 1, 10)) == {2027}
    assert CAL.unknown_years(date(2025, 1, 1), date(2026, 12, 31)) == set()
    # Friday 2031-01-03 evening: deemed received Monday 01-06 08:30, due Tuesday 01-07.
    assert add_working_days(CAL, at(2031, 1, 3, 19), 1) == at(2031, 1, 7, 17, 30)
    assert working_time_between(CAL, at(2031, 1, 3, 8, 30), at(2031, 1, 6, 17, 30)) == timedelta(
        hours=18
    )


def test_new_years_day_2027_is_not_a_working_day_before_the_2027_arrangement_is_known():
    assert 2027 not in CAL.known_years  # chinesecalendar has no 2027 data
    assert not CAL.is_working_day(date(2027, 1, 1))  # Friday, 元旦
    # Thursday 2026-12-31 10:00 + 1 working day: Friday 01-01 is off, due Monday 2027-01-04.
    assert add_working_days(CAL, at(2026, 12, 31, 10), 1) == at(2027, 1, 4, 17, 30)
    # Filed on New Year's Day itself: deemed received Monday 01-04 08:30, due Tuesday 01-05.
    assert add_working_days(CAL, at(2027, 1, 1, 10), 1) == at(2027, 1, 5, 17, 30)
    assert add_working_hours(CAL, at(2026, 12, 31, 17), 1) == at(2027, 1, 4, 9, 0)
    assert working_time_between(CAL, at(2026, 12, 31, 8, 30), at(2027, 1, 4, 17, 30)) == (
        timedelta(hours=18)
    )


def test_labour_day_and_national_day_are_off_in_an_unknown_year():
    assert not CAL.is_working_day(date(2028, 5, 1))  # Monday
    for day in (2, 3):  # Monday, Tuesday (Sunday 10-01 is a weekend anyway)
        assert not CAL.is_working_day(date(2028, 10, day))
    assert CAL.is_working_day(date(2028, 10, 4))  # Wednesday: the rest of the week is unknown
    # Friday 2028-09-29 10:00 + 1 working day -> Wednesday 2028-10-04.
    assert add_working_days(CAL, at(2028, 9, 29, 10), 1) == at(2028, 10, 4, 17, 30)
    assert CAL.count_working_days(date(2028, 9, 25), date(2028, 10, 8)) == 8
    assert CAL.count_working_days(date(2028, 4, 24), date(2028, 5, 7)) == 9


def test_data_for_a_year_outside_known_years_is_ignored_consistently():
    cal = WorkCalendar(
        holidays=frozenset({date(2030, 1, 1), date(2031, 1, 1)}),
        workdays=frozenset({date(2030, 1, 5), date(2031, 1, 4)}),
        known_years=frozenset({2030}),
    )
    assert not cal.is_working_day(date(2030, 1, 1))
    assert cal.is_working_day(date(2030, 1, 5))
    assert not cal.is_working_day(date(2031, 1, 1))  # off as 元旦 (fixed), not from the data
    assert not cal.is_working_day(date(2031, 1, 4))
    assert cal.count_working_days(date(2030, 1, 1), date(2030, 1, 7)) == 5
    assert cal.count_working_days(date(2031, 1, 1), date(2031, 1, 7)) == 4
    a, b = at(2029, 12, 28, 10), at(2031, 1, 20, 16)
    assert working_time_between(cal, a, b) == reference_working_time(cal, a, b)
    assert cal.unknown_years(date(2029, 12, 1), date(2031, 1, 1)) == {2029, 2031}


def test_working_time_across_known_and_unknown_years_matches_the_reference():
    a, b = at(2026, 12, 20, 11), at(2027, 2, 3, 15)
    assert working_time_between(CAL, a, b) == reference_working_time(CAL, a, b)


# -- working-day limits ----------------------------------------------------------------------


def test_it_skips_national_day_and_counts_the_makeup_saturday():
    start = at(2025, 9, 30, 10)
    assert add_working_days(CAL, start, 1) == at(2025, 10, 9, 17, 30)
    assert add_working_days(CAL, start, 2) == at(2025, 10, 10, 17, 30)
    assert add_working_days(CAL, start, 3) == at(2025, 10, 11, 17, 30)  # Saturday, 调休
    assert add_working_days(CAL, start, 4) == at(2025, 10, 13, 17, 30)


def test_a_registration_on_a_plain_saturday_is_received_on_the_makeup_sunday():
    # Sat 2025-09-27 is off; Sun 09-28 is a 调休 working day: received there, due Mon 09-29.
    assert received_at(CAL, at(2025, 9, 27, 10)) == at(2025, 9, 28, 8, 30)
    assert add_working_days(CAL, at(2025, 9, 27, 10), 1) == at(2025, 9, 29, 17, 30)
    # Filed on the make-up Sunday itself, in working hours: received at once.
    assert received_at(CAL, at(2025, 9, 28, 10)) == at(2025, 9, 28, 10)
    assert add_working_days(CAL, at(2025, 9, 28, 10), 1) == at(2025, 9, 29, 17, 30)


def test_a_friday_evening_registration_counts_from_monday_and_is_due_on_tuesday():
    assert received_at(CAL, at(2025, 11, 14, 19)) == at(2025, 11, 17, 8, 30)
    assert add_working_days(CAL, at(2025, 11, 14, 19), 1) == at(2025, 11, 18, 17, 30)
    assert add_working_days(CAL, at(2025, 11, 14, 9), 1) == at(2025, 11, 17, 17, 30)
    # 17:30 is closing time: from then on it is the evening.
    assert add_working_days(CAL, at(2025, 11, 14, 17, 29), 1) == at(2025, 11, 17, 17, 30)
    assert add_working_days(CAL, at(2025, 11, 14, 17, 30), 1) == at(2025, 11, 18, 17, 30)
    # Before opening on a working day: received at that day's opening, the day is not counted.
    assert received_at(CAL, at(2025, 11, 17, 7)) == at(2025, 11, 17, 8, 30)
    assert add_working_days(CAL, at(2025, 11, 17, 7), 1) == at(2025, 11, 18, 17, 30)


# The 2025 Spring Festival: Tue 01-28 to Tue 02-04 off; Sun 01-26 and Sat 02-08 are 调休
# working days. Working days around it: Sun 01-26, Mon 01-27, | Wed 02-05, Thu 02-06,
# Fri 02-07, Sat 02-08, Mon 02-10, Tue 02-11.


def test_a_request_filed_in_the_spring_festival_is_due_a_day_after_one_filed_before_it():
    monday = at(2025, 1, 27, 10)  # a working day, in working hours
    saturday = at(2025, 2, 1, 10)  # inside the holiday
    assert received_at(CAL, monday) == monday
    assert received_at(CAL, saturday) == at(2025, 2, 5, 8, 30)
    assert add_working_days(CAL, monday, 1) == at(2025, 2, 5, 17, 30)
    assert add_working_days(CAL, saturday, 1) == at(2025, 2, 6, 17, 30)
    assert add_working_days(CAL, monday, 5) == at(2025, 2, 10, 17, 30)
    assert add_working_days(CAL, saturday, 5) == at(2025, 2, 11, 17, 30)
    assert add_working_days(CAL, monday, 0) == at(2025, 1, 27, 17, 30)
    assert add_working_days(CAL, saturday, 0) == at(2025, 2, 5, 17, 30)


def test_a_request_filed_on_the_eve_of_the_spring_festival_counts_from_after_it():
    assert received_at(CAL, at(2025, 1, 27, 18)) == at(2025, 2, 5, 8, 30)
    assert add_working_days(CAL, at(2025, 1, 27, 18), 1) == at(2025, 2, 6, 17, 30)
    # The make-up Sunday before it is a working day: filed there at 10:00, due Monday.
    assert add_working_days(CAL, at(2025, 1, 26, 10), 1) == at(2025, 1, 27, 17, 30)
    # An ordinary Saturday before that is received on the make-up Sunday.
    assert add_working_days(CAL, at(2025, 1, 25, 10), 1) == at(2025, 1, 27, 17, 30)
    # Hour limits start at the same moment: Sat 02-01 + 4 working hours = Wed 02-05 12:30.
    assert add_working_hours(CAL, at(2025, 2, 1, 10), 4) == at(2025, 2, 5, 12, 30)


def test_an_extension_moves_a_closing_time_deadline_by_exactly_n_working_days():
    # 17:30 is after hours for a new request, but a deadline is not a request.
    assert add_extension_days(CAL, at(2025, 1, 27, 17, 30), 1) == at(2025, 2, 5, 17, 30)
    assert add_extension_days(CAL, at(2025, 2, 7, 17, 30), 1) == at(2025, 2, 8, 17, 30)


def test_zero_working_days_means_the_end_of_today_if_still_open():
    assert add_working_days(CAL, at(2025, 11, 17, 10), 0) == at(2025, 11, 17, 17, 30)
    assert add_working_days(CAL, at(2025, 11, 17, 7), 0) == at(2025, 11, 17, 17, 30)
    assert add_working_days(CAL, at(2025, 11, 17, 17, 30), 0) == at(2025, 11, 18, 17, 30)
    assert add_working_days(CAL, at(2025, 11, 17, 20), 0) == at(2025, 11, 18, 17, 30)
    assert add_working_days(CAL, at(2025, 10, 3, 10), 0) == at(2025, 10, 9, 17, 30)


def test_a_negative_number_of_working_days_is_rejected():
    with pytest.raises(ValueError):
        add_working_days(CAL, at(2025, 11, 17, 10), -1)


def test_a_limit_spanning_the_2026_spring_festival_skips_the_whole_break():
    for day in range(15, 24):
        assert not CAL.is_working_day(date(2026, 2, day))
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday, 调休
    assert CAL.is_working_day(date(2026, 2, 28))  # Saturday, 调休
    start = at(2026, 2, 12, 9)  # Thursday
    assert add_working_days(CAL, start, 1) == at(2026, 2, 13, 17, 30)
    assert add_working_days(CAL, start, 2) == at(2026, 2, 14, 17, 30)
    assert add_working_days(CAL, start, 3) == at(2026, 2, 24, 17, 30)
    assert add_working_days(CAL, start, 5) == at(2026, 2, 26, 17, 30)
    assert add_working_days(CAL, start, 7) == at(2026, 2, 28, 17, 30)


def test_a_limit_spanning_the_new_year_skips_january_first_and_uses_the_makeup_sunday():
    # Dec 31 (1), Jan 1-3 off, Sun Jan 4 调休 (2), Mon Jan 5 (3).
    assert add_working_days(CAL, at(2025, 12, 30, 15), 3) == at(2026, 1, 5, 17, 30)


def test_instants_in_other_timezones_are_converted_to_the_calendar_timezone():
    # 2025-11-16 23:00 UTC is Monday 2025-11-17 07:00 in Shanghai.
    start = datetime(2025, 11, 16, 23, 0, tzinfo=UTC)
    result = add_working_days(CAL, start, 1)
    assert result == at(2025, 11, 18, 17, 30)
    assert result.tzinfo == TZ
    assert add_working_hours(CAL, start, 1) == at(2025, 11, 17, 9, 30)


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError):
        add_working_days(CAL, datetime(2025, 11, 17, 10), 1)  # noqa: DTZ001
    with pytest.raises(ValueError):
        working_time_between(CAL, datetime(2025, 11, 17, 10), at(2025, 11, 18))  # noqa: DTZ001


def test_an_extension_counts_working_days_from_the_deadline_day():
    assert add_extension_days(CAL, at(2025, 9, 30, 17, 30), 1) == at(2025, 10, 9, 17, 30)
    assert add_extension_days(CAL, at(2025, 9, 26, 17, 30), 2) == at(2025, 9, 29, 17, 30)
    assert add_extension_days(CAL, at(2025, 11, 19, 11), 0) == at(2025, 11, 19, 11)
    with pytest.raises(ValueError):
        add_extension_days(CAL, at(2025, 11, 19, 11), -2)


# -- working-hour limits ---------------------------------------------------------------------


def test_hours_crossing_the_end_of_the_day_continue_the_next_morning():
    assert add_working_hours(CAL, at(2025, 11, 17, 16, 30), 2) == at(2025, 11, 18, 9, 30)


def test_hours_crossing_a_weekend_continue_on_monday():
    assert add_working_hours(CAL, at(2025, 11, 14, 16), 3) == at(2025, 11, 17, 10)


def test_a_start_before_opening_begins_at_opening():
    assert add_working_hours(CAL, at(2025, 11, 17, 7), 1) == at(2025, 11, 17, 9, 30)


def test_a_start_after_closing_begins_the_next_working_morning():
    assert add_working_hours(CAL, at(2025, 11, 17, 18), 1) == at(2025, 11, 18, 9, 30)
    assert add_working_hours(CAL, at(2025, 11, 14, 18), 1) == at(2025, 11, 17, 9, 30)


def test_a_start_on_a_holiday_begins_after_the_holiday():
    assert add_working_hours(CAL, at(2025, 10, 1, 10), 2) == at(2025, 10, 9, 10, 30)


def test_a_result_exactly_at_closing_stays_at_closing():
    assert add_working_hours(CAL, at(2025, 11, 17, 8, 30), 9) == at(2025, 11, 17, 17, 30)
    assert add_working_hours(CAL, at(2025, 11, 17, 8, 30), 18) == at(2025, 11, 18, 17, 30)
    assert add_working_hours(CAL, at(2025, 11, 17, 12), 5.5) == at(2025, 11, 17, 17, 30)
    # Zero hours from closing is still closing (the same business instant).
    assert add_working_hours(CAL, at(2025, 11, 17, 17, 30), 0) == at(2025, 11, 17, 17, 30)
    # Zero hours from outside business hours is the next opening.
    assert add_working_hours(CAL, at(2025, 11, 17, 18), 0) == at(2025, 11, 18, 8, 30)


def test_hours_may_be_given_as_decimal_float_or_timedelta():
    start = at(2025, 11, 17, 9)
    expected = at(2025, 11, 17, 10, 30)
    assert add_working_hours(CAL, start, Decimal("1.5")) == expected
    assert add_working_hours(CAL, start, 1.5) == expected
    assert add_working_hours(CAL, start, timedelta(minutes=90)) == expected
    assert add_working_hours(CAL, start, 0) == start


def test_long_hour_limits_jump_over_several_days_and_holidays():
    # 30 business hours from Sep 29 2025 08:30: Sep 29 (9h), Sep 30 (9h), Oct 9 (9h), Oct 10 3h.
    assert add_working_hours(CAL, at(2025, 9, 29, 8, 30), 30) == at(2025, 10, 10, 11, 30)


def test_negative_hours_are_rejected():
    with pytest.raises(ValueError):
        add_working_hours(CAL, at(2025, 11, 17, 9), -1)


# -- pauses ----------------------------------------------------------------------------------


def test_a_pause_spanning_national_day_pushes_the_deadline_past_the_holiday():
    assert extend_deadline(CAL, at(2025, 9, 30, 17, 30), timedelta(hours=4)) == at(
        2025, 10, 9, 12, 30
    )
    assert extend_deadline(CAL, at(2025, 9, 30, 15), timedelta(hours=9)) == at(2025, 10, 9, 15)


def test_a_deadline_at_closing_continues_from_the_next_opening():
    assert extend_deadline(CAL, at(2025, 11, 14, 17, 30), timedelta(minutes=30)) == at(
        2025, 11, 17, 9, 0
    )


def test_a_zero_pause_leaves_the_deadline_unchanged():
    deadline = at(2025, 11, 15, 12)  # a Saturday, deliberately outside business hours
    assert extend_deadline(CAL, deadline, timedelta(0)) == deadline
    with pytest.raises(ValueError):
        extend_deadline(CAL, deadline, timedelta(hours=-1))


# -- measuring -------------------------------------------------------------------------------


def test_working_time_over_national_day_counts_only_the_open_hours():
    assert working_time_between(CAL, at(2025, 9, 30, 16), at(2025, 10, 9, 10)) == timedelta(hours=3)


def test_working_time_counts_the_makeup_saturday():
    # Fri Oct 10 1h + Sat Oct 11 (调休) 9h + Mon Oct 13 1h.
    assert working_time_between(CAL, at(2025, 10, 10, 16, 30), at(2025, 10, 13, 9, 30)) == (
        timedelta(hours=11)
    )


def test_working_time_is_zero_when_the_end_is_not_after_the_start():
    a = at(2025, 11, 17, 10)
    assert working_time_between(CAL, a, a) == timedelta(0)
    assert working_time_between(CAL, a, a - timedelta(hours=5)) == timedelta(0)
    assert working_days_between(CAL, a, a - timedelta(days=5)) == Decimal("0.00")


def test_working_time_outside_business_hours_is_zero():
    assert working_time_between(CAL, at(2025, 11, 17, 18), at(2025, 11, 18, 8)) == timedelta(0)
    assert working_time_between(CAL, at(2025, 10, 1), at(2025, 10, 8, 23)) == timedelta(0)
    assert working_time_between(CAL, at(2025, 11, 15, 9), at(2025, 11, 15, 11)) == timedelta(0)


def test_working_time_within_one_day_is_clipped_to_business_hours():
    assert working_time_between(CAL, at(2025, 11, 17, 7), at(2025, 11, 17, 9)) == timedelta(
        minutes=30
    )
    assert working_time_between(CAL, at(2025, 11, 17, 17), at(2025, 11, 17, 20)) == timedelta(
        minutes=30
    )


def test_working_days_between_is_measured_in_business_days_to_two_places():
    assert working_days_between(CAL, at(2025, 9, 30, 8, 30), at(2025, 10, 9, 17, 30)) == Decimal(
        "2.00"
    )
    assert working_days_between(CAL, at(2025, 11, 17, 8, 30), at(2025, 11, 17, 13)) == Decimal(
        "0.50"
    )
    assert working_days_between(CAL, at(2025, 11, 17, 9), at(2025, 11, 17, 10)) == Decimal("0.11")


def test_working_time_between_matches_a_day_by_day_reference():
    rng = random.Random(99)
    base = at(2024, 1, 1)
    for _ in range(500):
        a = base + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(-600, 90 * 24 * 60))
        assert working_time_between(CAL, a, b) == reference_working_time(CAL, a, b), (a, b)


# -- warning band ----------------------------------------------------------------------------


def test_the_warning_band_starts_when_the_last_fifth_of_business_time_begins():
    start, deadline = at(2025, 11, 17, 8, 30), at(2025, 11, 21, 17, 30)  # 45 business hours
    assert warning_start(CAL, start, deadline, Decimal("0.2")) == at(2025, 11, 20, 17, 30)
    assert warning_start(CAL, start, deadline, Decimal("0.1")) == at(2025, 11, 21, 13, 0)
    assert warning_start(CAL, start, deadline, Decimal("0")) == deadline
    assert warning_start(CAL, start, deadline, Decimal("1")) == start


def test_the_warning_band_skips_a_holiday():
    # 27 business hours: Sep 30, Oct 9, Oct 10. Half of it (13.5h) ends Oct 9 13:00.
    start, deadline = at(2025, 9, 30, 8, 30), at(2025, 10, 10, 17, 30)
    assert warning_start(CAL, start, deadline, Decimal("0.5")) == at(2025, 10, 9, 13, 0)


def test_the_warning_band_never_starts_after_the_deadline():
    start, deadline = at(2025, 11, 17, 12), at(2025, 11, 17, 10)
    assert warning_start(CAL, start, deadline, Decimal("0.2")) == deadline


def test_a_warning_band_outside_zero_to_one_is_rejected():
    with pytest.raises(ValueError):
        warning_start(CAL, at(2025, 11, 17, 9), at(2025, 11, 18, 9), Decimal("1.5"))


# -- properties ------------------------------------------------------------------------------


def random_instant(rng: random.Random) -> datetime:
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365 + 1))
    roll = rng.random()
    if roll < 0.1:
        t = OPEN
    elif roll < 0.2:
        t = CLOSE
    else:
        minute = rng.randrange(0, 24 * 60)
        t = time(minute // 60, minute % 60, rng.choice((0, 0, 0, 17)))
    return datetime.combine(day, t, tzinfo=TZ)


def test_add_working_days_always_lands_at_closing_on_a_working_day_and_is_monotonic():
    rng = random.Random(20250930)
    for _ in range(3000):
        start = random_instant(rng)
        previous = None
        for n in range(21):
            result = add_working_days(CAL, start, n)
            assert result.tzinfo == TZ
            assert CAL.is_working_day(result.date()), (start, n)
            assert result.timetz().replace(tzinfo=None) == CLOSE, (start, n)
            assert result > start
            elapsed = working_days_between(CAL, start, result)
            assert Decimal(n) <= elapsed <= Decimal(n + 1), (start, n, elapsed)
            receipt = received_at(CAL, start)
            assert result == add_working_days(CAL, receipt, n), (start, n)
            assert CAL.count_working_days(receipt.date() + timedelta(days=1), result.date()) == n
            if n >= 1:
                assert result > previous
                assert working_days_between(CAL, previous, result) == Decimal("1.00")
            previous = result


def test_add_working_hours_always_lands_inside_business_hours_and_round_trips():
    rng = random.Random(7)
    for _ in range(3000):
        start = random_instant(rng)
        amount = timedelta(minutes=rng.randrange(0, 9 * 60 * 15), seconds=rng.choice((0, 30)))
        result = add_working_hours(CAL, start, amount)
        local = result.timetz().replace(tzinfo=None)
        assert CAL.is_working_day(result.date()), (start, amount)
        assert OPEN <= local <= CLOSE, (start, amount)
        if amount:
            assert local > OPEN, (start, amount)
            assert result > start
        assert working_time_between(CAL, start, result) == amount, (start, amount)
        assert extend_deadline(CAL, start, amount) == (result if amount else start)
