"""Login throttling cannot be turned against other people (accounts/throttle.py)."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


WRONG = "wrong-password"


def attempt(client, username, password=WRONG, ip="198.51.100.7", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def test_a_colleague_behind_the_same_address_logs_in_while_another_account_is_hammered(
    client, world, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT * 6):
        attempt(client, "dispatcher1")
    assert attempt(client, "dispatcher1", TEST_PASSWORD).status_code == 429

    colleague = attempt(client, "leader1", TEST_PASSWORD)
    assert colleague.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_failures_from_one_address_never_pause_the_username_elsewhere(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT * 6):
        attempt(client, "dispatcher1", ip="198.51.100.7")
    assert attempt(client, "dispatcher1", TEST_PASSWORD, ip="203.0.113.9").status_code == 302


def test_failures_from_several_addresses_pause_the_username_everywhere(client, world, settings):
    for n in range(settings.QINQING_LOGIN_USERNAME_FAILURES):
        ip = f"198.51.100.{n % settings.QINQING_LOGIN_USERNAME_IPS + 1}"
        attempt(client, "dispatcher1", ip=ip)
    response = attempt(client, "dispatcher1", TEST_PASSWORD, ip="203.0.113.9")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_an_address_trying_many_usernames_is_paused(client, world, settings):
    for n in range(settings.QINQING_LOGIN_IP_USERNAMES):
        attempt(client, f"guess{n}")
    assert attempt(client, "leader1", TEST_PASSWORD).status_code == 429
    assert attempt(client, "leader1", TEST_PASSWORD, ip="203.0.113.9").status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_is_ignored(client, world, settings):
    settings.QINQING_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "dispatcher1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    forged = attempt(client, "dispatcher1", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert forged.status_code == 429


def test_behind_one_proxy_each_client_is_told_apart_by_forwarded_for(client, world, settings):
    settings.QINQING_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "dispatcher1", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = attempt(
        client, "dispatcher1", TEST_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    # The owner at another address, through the same proxy, is not paused; a client cannot
    # pretend to be elsewhere by prepending its own entries (only the proxy's last one counts).
    owner = attempt(
        client,
        "dispatcher1",
        TEST_PASSWORD,
        ip=proxy,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert owner.status_code == 302
    client.logout()
    forged = attempt(
        client,
        "dispatcher1",
        TEST_PASSWORD,
        ip=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )
    assert forged.status_code == 429


def test_a_100000_character_username_is_refused_with_a_message(client, world):
    response = attempt(client, "x" * 100_000)
    assert response.status_code == 200
    assert "150" in response.content.decode()
