"""The inbox in a real browser: the bell's badge, marking read with htmx, preferences on a phone,
and the working calendar's admin pages."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, shot


def _badge(page):
    return page.get_by_test_id("unread-badge")


def _unread(username: str):
    from notifications.models import Notification

    return Notification.objects.filter(recipient__username=username, read_at__isnull=True)


def test_a_liaison_reads_what_the_product_sent_and_the_badge_follows(page_factory):
    # The demo inbox holds only what the product sent while the demo ran: here the visit
    # reminders (tomorrow's visits, overdue coverage) and the supervision sweep's steps.
    unread = _unread("liaison")
    n = unread.count()
    assert n >= 2
    assert unread.filter(kind="visit_planned").exists()
    page = page_factory()
    login(page, "liaison")
    assert _badge(page).inner_text().startswith(str(n))
    page.get_by_test_id("nav-bell").click()
    page.wait_for_load_state("networkidle")
    items = page.get_by_test_id("notification")
    assert items.count() == min(n, 20)
    assert "走访计划提醒" in page.get_by_test_id("notification-list").inner_text()
    shot(page, "notifications-inbox")

    items.first.get_by_test_id("mark-read").click()
    page.wait_for_selector('[data-testid="notification"][data-read="1"]')
    expect(_badge(page)).to_have_text(re.compile(rf"^{n - 1}"))
    assert page.url.endswith("/notifications/")  # htmx: no page load

    page.get_by_test_id("mark-all-read").click()
    expect(_badge(page)).to_have_text("")
    assert page.locator('[data-testid="notification"][data-read="0"]').count() == 0
    assert "0 条未读" in page.get_by_test_id("unread-summary").inner_text()
    shot(page, "notifications-all-read")


def test_opening_an_escalation_goes_to_the_issue(page_factory):
    escalation = _unread("unithead").filter(kind="escalation").order_by("-created_at", "-pk")
    first = escalation.first()
    assert first is not None and first.issue_id
    n = _unread("unithead").count()
    page = page_factory()
    login(page, "unithead")
    page.goto("/notifications/?kind=escalation")
    page.get_by_test_id("notification-open").first.click()
    page.wait_for_load_state("networkidle")
    assert f"/issues/{first.issue_id}/" in page.url
    shot(page, "notifications-opened-issue")
    page.goto("/notifications/?unread=true")
    assert page.get_by_test_id("notification").count() == min(n - 1, 20)


def test_preferences_on_a_phone(page_factory):
    page = page_factory(width=390, height=844)
    login(page, "unithead")
    page.goto("/notifications/")
    shot(page, "notifications-inbox-phone")
    page.get_by_test_id("preferences-link").click()
    page.wait_for_load_state("networkidle")
    sms = page.locator("#id_issue_dispatched__sms")
    assert not sms.is_checked()
    sms.check()
    shot(page, "notifications-preferences-phone")
    page.get_by_test_id("preferences-form").locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "提醒设置已保存" in page.content()
    assert page.locator("#id_issue_dispatched__sms").is_checked()


def test_an_administrator_adds_next_years_holidays(page_factory):
    from workcalendar.models import CalendarDay, CalendarYear

    next_year = timezone.localdate().year + 1
    CalendarDay.objects.filter(date__year=next_year).delete()
    CalendarYear.objects.filter(year=next_year).delete()
    page = page_factory()
    login(page, "admin")
    page.goto("/django-admin/")
    assert str(next_year) in page.get_by_test_id("calendar-warning").inner_text()
    page.goto("/django-admin/workcalendar/calendarday/")
    page.get_by_test_id("add-year").click()
    page.fill("#id_year", str(next_year))
    page.fill(
        "#id_holidays",
        f"元旦 {next_year}-01-01\n国庆节 {next_year}-10-01~{next_year}-10-07",
    )
    shot(page, "calendar-add-year")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"已添加 {next_year} 年的放假安排（8 天）" in page.content()
    shot(page, "calendar-year-list")
    assert CalendarYear.objects.filter(year=next_year).exists()
