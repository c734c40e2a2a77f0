"""Hostile values the fuzz found, pinned one by one: each answers a clear message, never a 500,
and changes nothing."""

import pytest
from django.urls import reverse

from issues.services.improvement import improvement_create
from tests.security.scene import Scene

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("visits:log_start", {"q": "\x00"}),
        ("issues:list", {"q": "a\x00b"}),
        ("enterprises:list", {"q": "\x00"}),
        ("visits:list", {"\x00": "1"}),
    ],
)
def test_a_nul_in_any_parameter_is_refused_with_a_message(client, world, url, params):
    client.force_login(world.dispatcher)
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    assert "非法字符" in response.content.decode()


def test_a_nul_in_a_form_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.dispatcher)
    before = world.ent_a.name
    response = client.post(
        reverse("enterprises:edit", args=[world.ent_a.pk]), {"name": "新名称\x00"}
    )
    assert response.status_code == 400
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == before


def test_a_100000_digit_issue_number_in_the_link_form_is_a_form_error(client, world):
    action = improvement_create(
        actor=world.dispatcher,
        region=world.district,
        title="并联审批",
        kind="process_simplification",
    )
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("issues:improvement_link", args=[action.pk]), {"issues": "9" * 100_000}
    )
    assert response.status_code == 400
    assert "无法识别的诉求编号" in response.content.decode()
    assert not action.issues.exists()


@pytest.mark.parametrize("q", ["9" * 1999, "SQ2026" + "9" * 1000, "99999999999999999999"])
def test_huge_numbers_in_the_issue_search_find_nothing_instead_of_failing(client, world, q):
    assert Scene(world, "own").issue
    client.force_login(world.dispatcher)
    response = client.get(reverse("issues:list"), {"q": q})
    assert response.status_code == 200
    assert 'data-testid="issue-row-' not in response.content.decode()


def test_a_100000_character_search_is_refused_with_a_message(client, world):
    client.force_login(world.dispatcher)
    response = client.get(reverse("issues:list"), {"q": "9" * 100_000})
    assert response.status_code == 400
    assert "查询条件过长" in response.content.decode()


def test_the_last_day_of_the_calendar_as_a_visit_filter_is_fine(client, world):
    client.force_login(world.liaison)
    assert client.get(reverse("visits:list"), {"end": "9999-12-31"}).status_code == 200


def test_a_100000_character_username_is_refused_by_the_form(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "x" * 100_000, "password": "whatever"}
    )
    assert response.status_code == 200
    assert "用户名不能超过 150 个字符" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
