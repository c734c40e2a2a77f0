"""The loop tells people, in a real browser: the dispatcher dispatches an issue to 区人社局; the
handler logs in, sees the unread badge go up and the notification in the inbox, and clicking it
opens the issue."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.browser.test_issue_loop import _liaison_enterprise_and_category, expect_state, submit


def test_the_handler_is_told_of_a_dispatch_and_opens_the_issue_from_the_inbox(page_factory):
    from accounts.models import User
    from issues.services import issue_register
    from notifications.models import Notification

    enterprise, category = _liaison_enterprise_and_category()
    issue = issue_register(
        actor=User.objects.get(username="liaison"),
        enterprise=enterprise,
        source="visit",
        category=category,
        title="厂区变压器增容",
        description="新生产线投产，需要将变压器由 630 kVA 增容到 1250 kVA。",
    )
    handler_user = User.objects.get(username="handler")
    unread_before = Notification.objects.filter(recipient=handler_user, read_at=None).count()

    # the dispatcher dispatches it on the issue page
    dispatcher = page_factory()
    login(dispatcher, "dispatcher")
    dispatcher.goto(f"/issues/{issue.pk}/")
    dispatcher.get_by_test_id("action-dispatch").click()
    dispatcher.get_by_test_id("form-dispatch").get_by_label("主办单位").select_option(
        label="区人社局"
    )
    submit(dispatcher, "dispatch")
    expect_state(dispatcher, "待签收")
    shot(dispatcher, "notified-01-dispatcher-dispatched")

    # the handler logs in: the bell shows one more unread notification
    handler = page_factory()
    login(handler, "handler")
    badge = handler.get_by_test_id("unread-badge")
    expect(badge).to_have_text(re.compile(rf"^{unread_before + 1}(?!\d)"))
    shot(handler, "notified-02-handler-badge")

    # the inbox lists it first, unread, naming the issue
    handler.get_by_test_id("nav-bell").click()
    handler.wait_for_load_state("networkidle")
    first = handler.get_by_test_id("notification").first
    assert first.get_attribute("data-read") == "0"
    assert f"新派单：{issue.number}「厂区变压器增容」" in first.inner_text()
    assert "区人社局主办" in first.inner_text()
    shot(handler, "notified-03-handler-inbox")

    # clicking it opens the issue, which the handler may now acknowledge
    first.get_by_test_id("notification-open").click()
    handler.wait_for_url(re.compile(rf"/issues/{issue.pk}/$"))
    expect_state(handler, "待签收")
    assert handler.get_by_test_id("action-acknowledge").is_visible()
    shot(handler, "notified-04-handler-opens-the-issue")
