import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=TEST_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_home_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_logs_in_with_the_right_password(client, world):
    response = login(client, "dispatcher1")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_a_chinese_message(client, world):
    response = login(client, "dispatcher1", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_username_from_that_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dispatcher1", "wrong-password")
    response = login(client, "dispatcher1")  # even the right password is refused now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_lockout_does_not_reach_the_same_user_from_another_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dispatcher1", "wrong-password")
    response = client.post(
        reverse("accounts:login"),
        {"username": "dispatcher1", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 302


def test_lockout_lifts_after_the_cool_off(client, world, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dispatcher1", "wrong-password")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert login(client, "dispatcher1").status_code == 302


def test_logout_needs_a_post(client, world):
    client.force_login(world.dispatcher)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("who", "sees", "does_not_see"),
    [
        ("admin", ["系统管理"], []),
        ("dispatcher", ["工作台"], ["系统管理"]),
        ("leader", ["工作台"], ["系统管理"]),
        ("liaison", ["工作台"], ["系统管理"]),
        ("handler", ["工作台"], ["系统管理"]),
        # enterprise_user: the workbench sends them to the portal (tests/portal)
        ("outsider", ["工作台"], ["系统管理"]),
    ],
)
def test_navigation_follows_roles(client, world, who, sees, does_not_see):
    client.force_login(getattr(world, who))
    html = client.get(reverse("home")).content.decode()
    nav = html.split('data-testid="main-nav"')[1].split("</ul>")[0]
    for label in sees:
        assert label in nav
    for label in does_not_see:
        assert label not in nav


def test_workbench_lists_my_roles_and_where(client, world):
    client.force_login(world.deputy)
    html = client.get(reverse("home")).content.decode()
    assert "联络员" in html and "派单员" in html and "高新园" in html


def test_outsider_workbench_says_no_role(client, world):
    client.force_login(world.outsider)
    assert "您暂未被分配任何角色" in client.get(reverse("home")).content.decode()


def test_english_is_available(client, world):
    client.force_login(world.dispatcher)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    html = client.get(reverse("home")).content.decode()
    assert "Workbench" in html
    assert '<html lang="en">' in html


def test_pages_carry_a_content_security_policy(client, world):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
