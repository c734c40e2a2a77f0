"""Every demo person logs in and sees the navigation their roles give them."""

import pytest

from tests.browser.conftest import login, shot

# (username, entries that must be in the navigation, entries that must not)
PEOPLE = [
    ("admin", ["工作台", "系统管理"], []),
    ("dispatcher", ["工作台"], ["系统管理"]),
    ("leader", ["工作台"], ["系统管理"]),
    ("liaison", ["工作台"], ["系统管理"]),
    ("bbleader", ["工作台"], ["系统管理"]),
    ("handler", ["工作台"], ["系统管理"]),
    ("unithead", ["工作台"], ["系统管理"]),
    ("deputy", ["工作台"], ["系统管理"]),
]


@pytest.mark.parametrize(("username", "present", "absent"), PEOPLE)
def test_each_demo_person_logs_in_and_sees_their_navigation(
    page_factory, username, present, absent
):
    page = page_factory()
    login(page, username)
    nav = page.get_by_test_id("main-nav")
    for label in present:
        assert nav.get_by_text(label, exact=True).count() == 1, label
    for label in absent:
        assert nav.get_by_text(label, exact=True).count() == 0, label
    assert page.get_by_test_id("my-roles").is_visible()
    shot(page, f"login-{username}")


def test_a_wrong_password_gets_a_chinese_message(page_factory):
    page = page_factory()
    login(page, "dispatcher", "not-the-password")
    assert "用户名或密码错误" in page.get_by_test_id("login-error").inner_text()
    shot(page, "login-wrong-password")


def test_the_workbench_works_on_a_phone_and_switches_to_english(page_factory):
    page = page_factory(width=390, height=844)
    login(page, "liaison")
    # The menu collapses behind the toggler on a phone.
    assert not page.get_by_test_id("main-nav").is_visible()
    page.click(".navbar-toggler")
    page.get_by_test_id("main-nav").wait_for(state="visible")
    shot(page, "phone-liaison-menu")
    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Hello, 张伟").is_visible()
    shot(page, "phone-liaison-english")
