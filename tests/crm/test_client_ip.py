"""Login throttling counts the real client behind reverse proxies (AXES_PROXY_COUNT), and a
client cannot dodge it by sending its own X-Forwarded-For."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from crm.lib.client_ip import client_ip
from tests.factories import TEST_PASSWORD

PROXY = "10.0.0.2"  # the nginx in front of gunicorn


def request(remote=PROXY, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.QINQING_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_last_forwarded_address(settings):
    settings.QINQING_PROXY_COUNT = 1
    assert client_ip(request(forwarded="203.0.113.7")) == "203.0.113.7"
    # a client that sends its own header: nginx appends the real address after it
    assert client_ip(request(forwarded="198.51.100.1, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_the_second_from_the_right(settings):
    settings.QINQING_PROXY_COUNT = 2
    forwarded = "198.51.100.1, 203.0.113.7, 10.0.0.1"  # spoofed, client, load balancer
    assert client_ip(request(forwarded=forwarded)) == "203.0.113.7"


def test_a_missing_or_garbled_header_falls_back_to_the_peer_address(settings):
    settings.QINQING_PROXY_COUNT = 1
    assert client_ip(request()) == PROXY
    assert client_ip(request(forwarded="")) == PROXY
    assert client_ip(request(forwarded="not-an-ip")) == PROXY
    settings.QINQING_PROXY_COUNT = 2
    assert client_ip(request(forwarded="203.0.113.7")) == PROXY


def login(client, forwarded, password=None):
    return client.post(
        reverse("accounts:login"),
        {"username": "dispatcher1", "password": password or "wrong-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_a_proxy_a_lockout_reaches_one_client_not_everyone(client, world, settings):
    settings.QINQING_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "203.0.113.7")
    assert login(client, "203.0.113.7", TEST_PASSWORD).status_code == 429
    # the same user from another client behind the same proxy still logs in
    assert login(client, "203.0.113.8", TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_client_cannot_dodge_the_lockout_with_its_own_header(client, world, settings):
    settings.QINQING_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"198.51.100.{n}, 203.0.113.7")
    response = login(client, "198.51.100.99, 203.0.113.7", TEST_PASSWORD)
    assert response.status_code == 429
