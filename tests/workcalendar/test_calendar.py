"""The working calendar table, its cache and its seeding (DESIGN §6)."""

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from workcalendar import selectors
from workcalendar.chinese import package_years
from workcalendar.models import BusinessHours, CalendarDay, CalendarYear, Source
from workcalendar.selectors import get_work_calendar, missing_years, warn_if_unknown
from workcalendar.services import calendar_sync_from_package, calendar_year_add
from workcalendar.worktime import WorkCalendar, add_working_days

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
# A year the package will not know for a long time.
FUTURE = 2090


def test_migrate_loads_every_year_the_package_knows():
    assert set(CalendarYear.objects.values_list("year", flat=True)) == package_years()
    national_day = CalendarDay.objects.get(date=date(2025, 10, 1))
    assert (national_day.kind, national_day.name) == ("holiday", "国庆节")
    makeup = CalendarDay.objects.get(date=date(2025, 9, 28))
    assert (makeup.kind, makeup.name) == ("makeup_workday", "国庆节调休")
    assert national_day.history.get().history_user.username == "system"


def test_the_calendar_built_from_the_table_equals_the_package_calendar():
    assert get_work_calendar() == WorkCalendar.from_chinese_calendar()


def test_the_default_business_hours_are_0830_to_1730_in_shanghai():
    cal = get_work_calendar()
    assert (cal.day_start, cal.day_end, cal.tz) == (time(8, 30), time(17, 30), TZ)


def test_a_second_call_costs_one_query_and_returns_the_cached_calendar(django_assert_num_queries):
    first = get_work_calendar()
    with django_assert_num_queries(1):
        second = get_work_calendar()
    assert second is first


def test_an_edited_day_takes_effect_at_once():
    cal = get_work_calendar()
    assert not cal.is_working_day(date(2025, 10, 8))
    CalendarDay.objects.get(date=date(2025, 10, 8)).delete()
    assert get_work_calendar().is_working_day(date(2025, 10, 8))


def test_changed_business_hours_take_effect_at_once():
    get_work_calendar()
    hours = BusinessHours.objects.get()
    hours.day_start, hours.day_end = time(9, 0), time(17, 0)
    hours.full_clean()
    hours.save()
    cal = get_work_calendar()
    assert (cal.day_start, cal.day_end) == (time(9, 0), time(17, 0))


def test_days_of_a_year_not_declared_known_are_ignored():
    CalendarDay.objects.create(
        date=date(FUTURE, 1, 2), kind="holiday", name="元旦", source=Source.ADMIN
    )
    cal = get_work_calendar()
    assert FUTURE not in cal.known_years
    assert cal.is_working_day(date(FUTURE, 1, 2))  # a Monday, weekends-only rule


def test_an_added_year_moves_deadlines_over_its_holidays():
    admin = UserFactory()
    start = datetime(FUTURE, 9, 29, 10, 0, tzinfo=TZ)  # a Friday
    before = add_working_days(get_work_calendar(), start, 1)
    assert before.date() == date(FUTURE, 10, 4)  # Wednesday: only the fixed 10-01..03 known
    days = [(date(FUTURE, 10, d), "holiday", "国庆节") for d in range(1, 8)]
    days.append((date(FUTURE, 10, 8), "makeup_workday", "国庆节调休"))  # a Sunday
    calendar_year_add(actor=admin, year=FUTURE, days=days, note="国办发明电")
    after = add_working_days(get_work_calendar(), start, 1)
    assert after.date() == date(FUTURE, 10, 8)
    assert CalendarDay.objects.get(date=date(FUTURE, 10, 8)).history.get().history_user == admin


def test_adding_a_year_refuses_a_known_year_and_saves_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        calendar_year_add(actor=None, year=2025, days=[(date(2025, 12, 31), "holiday", "x")])
    assert not CalendarDay.objects.filter(date=date(2025, 12, 31)).exists()


def test_adding_a_year_with_a_day_of_another_year_saves_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        calendar_year_add(
            actor=None,
            year=FUTURE,
            days=[
                (date(FUTURE, 1, 1), "holiday", "元旦"),
                (date(FUTURE + 1, 1, 1), "holiday", "x"),
            ],
        )
    assert not CalendarYear.objects.filter(year=FUTURE).exists()
    assert not CalendarDay.objects.filter(date__year=FUTURE).exists()


def test_sync_is_idempotent_and_restores_a_removed_year_with_system_attribution():
    system = UserFactory(username="sys")
    assert calendar_sync_from_package(actor=system) == []
    CalendarDay.objects.filter(date__year=2024).delete()
    CalendarYear.objects.filter(year=2024).delete()
    assert calendar_sync_from_package(actor=system) == [2024]
    assert calendar_sync_from_package(actor=system) == []
    restored = CalendarDay.objects.get(date=date(2024, 10, 1))
    assert restored.history.get().history_user == system
    assert get_work_calendar() == WorkCalendar.from_chinese_calendar()


def test_sync_leaves_a_year_corrected_by_an_administrator_alone():
    CalendarDay.objects.filter(date=date(2025, 10, 8)).delete()
    calendar_sync_from_package(actor=None)
    assert not CalendarDay.objects.filter(date=date(2025, 10, 8)).exists()


def test_seed_calendar_command_is_idempotent(capsys):
    CalendarYear.objects.filter(year=2010).delete()
    CalendarDay.objects.filter(date__year=2010).delete()
    call_command("seed_calendar")
    call_command("seed_calendar")
    out = capsys.readouterr().out
    assert "added 2010" in out
    assert "nothing to add" in out
    assert CalendarYear.objects.filter(year=2010).exists()


def test_an_empty_calendar_falls_back_to_the_package_data():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    assert get_work_calendar() == WorkCalendar.from_chinese_calendar()


def test_warn_if_unknown_logs_once_per_year_per_process(caplog, monkeypatch):
    monkeypatch.setattr(selectors, "_warned_years", set())
    cal = get_work_calendar()
    start, end = date(2026, 12, 1), date(FUTURE, 1, 20)
    with caplog.at_level(logging.WARNING, logger="workcalendar.selectors"):
        unknown = warn_if_unknown(cal, start, end)
        warn_if_unknown(cal, start, end)
    assert 2026 not in unknown
    assert {2027, FUTURE} <= unknown
    messages = [r.getMessage() for r in caplog.records]
    assert sum(f"for {FUTURE};" in m for m in messages) == 1


def test_warn_if_unknown_is_silent_for_known_years(caplog):
    with caplog.at_level(logging.WARNING, logger="workcalendar.selectors"):
        assert warn_if_unknown(get_work_calendar(), date(2025, 1, 1), date(2026, 6, 1)) == set()
    assert not caplog.records


def test_missing_years_names_the_current_and_next_year_when_unknown():
    assert missing_years(today=date(FUTURE, 5, 1)) == [FUTURE, FUTURE + 1]
    CalendarYear.objects.create(year=FUTURE, source=Source.ADMIN)
    assert missing_years(today=date(FUTURE, 5, 1)) == [FUTURE + 1]
    assert missing_years(today=date(2025, 5, 1)) == []


def test_a_makeup_workday_must_fall_on_a_weekend():
    from django.core.exceptions import ValidationError

    day = CalendarDay(date=date(2025, 10, 9), kind="makeup_workday", name="x", source="admin")
    with pytest.raises(ValidationError):
        day.full_clean()


def test_business_hours_must_end_after_they_start():
    from django.core.exceptions import ValidationError

    hours = BusinessHours(day_start=time(18, 0), day_end=time(9, 0))
    with pytest.raises(ValidationError):
        hours.full_clean()
    with pytest.raises(ValidationError):
        BusinessHours(time_zone="Mars/Olympus").full_clean()
