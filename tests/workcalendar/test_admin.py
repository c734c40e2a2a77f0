"""The calendar's admin pages: the year form, the list by year and the missing-year warning."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from workcalendar.forms import CalendarYearForm
from workcalendar.models import CalendarDay, CalendarYear, Source
from workcalendar.selectors import get_work_calendar
from workcalendar.services import calendar_year_add

pytestmark = pytest.mark.django_db
ADD_YEAR = "admin:workcalendar_calendarday_add_year"
FUTURE = 2090

HOLIDAYS = """
元旦 2090-01-01
春节 2090-01-28~2090-02-03
国庆节 2090-10-01 至 2090-10-07
"""
MAKEUP = "国庆节调休 2090-10-08\n春节调休 2090-01-22"


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def _know_this_and_next_year():
    year = timezone.localdate().year
    for y in (year, year + 1):
        CalendarYear.objects.get_or_create(year=y, defaults={"source": Source.ADMIN})


def test_the_form_expands_ranges_into_days():
    form = CalendarYearForm({"year": FUTURE, "holidays": HOLIDAYS, "makeup_days": MAKEUP})
    assert form.is_valid(), form.errors
    days = form.days()
    assert len(days) == 1 + 7 + 7 + 2
    assert (date(2090, 2, 3), "holiday", "春节") in days
    assert (date(2090, 10, 8), "makeup_workday", "国庆节调休") in days


@pytest.mark.parametrize(
    ("holidays", "makeup", "message"),
    [
        ("元旦 2090-13-01", "", "无法识别日期"),
        ("元旦", "", "请写成"),
        ("春节 2090-02-03~2090-01-28", "", "日期范围不合理"),
        ("元旦 2091-01-01", "", "不在 2090 年内"),
        ("元旦 2090-01-01", "元旦调休 2090-01-02", "调休上班日应为周六或周日"),
        ("元旦 2090-01-01\n元旦 2090-01-01", "", "重复出现"),
        ("", "", "必填"),
    ],
)
def test_the_form_explains_bad_input_in_chinese(holidays, makeup, message):
    form = CalendarYearForm({"year": FUTURE, "holidays": holidays, "makeup_days": makeup})
    assert not form.is_valid()
    assert message in str(form.errors)


def test_the_form_refuses_a_year_already_known():
    form = CalendarYearForm({"year": 2025, "holidays": "元旦 2025-01-01"})
    assert not form.is_valid()
    assert "已在日历中" in str(form.errors["year"])


def test_an_administrator_adds_a_newly_announced_year(client, superuser):
    response = client.post(
        reverse(ADD_YEAR),
        {"year": FUTURE, "holidays": HOLIDAYS, "makeup_days": MAKEUP, "note": "国办发明电"},
    )
    assert response.status_code == 302
    assert response.url.endswith(f"?year={FUTURE}")
    year = CalendarYear.objects.get(year=FUTURE)
    assert (year.source, year.note) == (Source.ADMIN, "国办发明电")
    assert CalendarDay.objects.filter(date__year=FUTURE).count() == 17
    day = CalendarDay.objects.get(date=date(FUTURE, 10, 8))
    assert day.history.get().history_user == superuser


def test_bad_year_input_shows_the_form_again_and_saves_nothing(client, superuser):
    response = client.post(reverse(ADD_YEAR), {"year": FUTURE, "holidays": "元旦 2090-02-30"})
    assert response.status_code == 200
    assert "无法识别日期" in response.content.decode()
    assert not CalendarYear.objects.filter(year=FUTURE).exists()


def test_the_add_year_page_is_closed_to_people_without_the_permission(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(reverse(ADD_YEAR)).status_code == 403
    response = client.post(reverse(ADD_YEAR), {"year": FUTURE, "holidays": HOLIDAYS})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=FUTURE).exists()


def test_the_add_year_page_sends_anonymous_visitors_to_the_admin_login(client):
    response = client.get(reverse(ADD_YEAR))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_day_list_filters_by_year_and_links_to_the_year_form(client, superuser):
    response = client.get(reverse("admin:workcalendar_calendarday_changelist") + "?year=2025")
    body = response.content.decode()
    assert response.status_code == 200
    assert "2025年10月1日" in body or "Oct. 1, 2025" in body
    assert "2024年10月1日" not in body
    assert reverse(ADD_YEAR) in body


def test_the_day_list_warns_when_the_next_year_is_unknown(client, superuser):
    CalendarYear.objects.filter(year=timezone.localdate().year + 1).delete()
    response = client.get(reverse("admin:workcalendar_calendarday_changelist"))
    assert "工作日历缺少" in response.content.decode()
    assert str(timezone.localdate().year + 1) in response.content.decode()


def test_the_admin_index_warns_when_the_current_or_next_year_is_unknown(client, superuser):
    CalendarYear.objects.filter(year=timezone.localdate().year + 1).delete()
    assert 'data-testid="calendar-warning"' in client.get(reverse("admin:index")).content.decode()


def test_the_admin_index_is_quiet_when_both_years_are_known(client, superuser):
    _know_this_and_next_year()
    assert "工作日历缺少" not in client.get(reverse("admin:index")).content.decode()
    body = client.get(reverse("admin:workcalendar_calendarday_changelist")).content.decode()
    assert "工作日历缺少" not in body


def test_the_year_list_counts_each_years_days_in_one_query(client, superuser):
    response = client.get(reverse("admin:workcalendar_calendaryear_changelist"))
    assert response.status_code == 200
    rows = {y.year: y._day_count for y in response.context["cl"].result_list}
    assert rows[2025] == CalendarDay.objects.filter(date__year=2025).count()


def test_an_admin_edit_marks_the_day_as_entered_by_an_administrator(client, superuser):
    day = CalendarDay.objects.get(date=date(2025, 10, 8))
    url = reverse("admin:workcalendar_calendarday_change", args=[day.pk])
    response = client.post(url, {"date": "2025-10-08", "kind": "holiday", "name": "国庆节（补）"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.name, day.source) == ("国庆节（补）", Source.ADMIN)


def test_the_warning_stays_while_fixed_holidays_apply_and_goes_once_the_year_is_entered(
    client, superuser
):
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    CalendarDay.objects.filter(date__year=next_year).delete()
    assert not get_work_calendar().is_working_day(date(next_year, 1, 1))  # 元旦 applies already
    body = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="calendar-warning"' in body
    assert "仅扣除元旦（1月1日）、劳动节（5月1日）和国庆节（10月1日至3日）" in body
    days = [(date(next_year, 1, 1), "holiday", "元旦")]
    calendar_year_add(actor=superuser, year=next_year, days=days, note="国办发明电")
    _know_this_and_next_year()
    body = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="calendar-warning"' not in body
