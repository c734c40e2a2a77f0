"""Who sees which enterprise (DESIGN §2), through the selectors and the pages."""

import pytest
from django.urls import reverse

from enterprises.selectors import enterprise_get_for_user, enterprise_list

pytestmark = pytest.mark.django_db


def names(user):
    return set(enterprise_list(user=user).qs.values_list("name", flat=True))


def test_each_role_sees_exactly_its_enterprises(world):
    a, b, far = "城关机械有限公司", "高新芯片有限公司", "江北纺织有限公司"
    assert names(world.admin) == {a, b}
    assert names(world.dispatcher) == {a, b}
    assert names(world.far_dispatcher) == {far}
    assert names(world.leader) == {a, b}
    assert names(world.liaison) == {a}
    assert names(world.resp_leader) == {a}
    assert names(world.deputy) == {b}  # liaison of ent_b and dispatcher of the park
    assert names(world.enterprise_user) == {a}
    assert names(world.handler) == set()  # no issues yet
    assert names(world.unit_head) == set()
    assert names(world.outsider) == set()


def test_a_wrong_or_foreign_id_is_a_404(world):
    from django.http import Http404

    with pytest.raises(Http404):
        enterprise_get_for_user(user=world.liaison, pk=world.ent_b.pk)
    with pytest.raises(Http404):
        enterprise_get_for_user(user=world.dispatcher, pk=world.ent_far.pk)
    with pytest.raises(Http404):
        enterprise_get_for_user(user=world.dispatcher, pk=999999)


def test_an_ended_assignment_no_longer_shows_the_enterprise(world):
    assignment = world.ent_a.assignments.get(kind="liaison")
    assignment.ended_on = assignment.started_on
    assignment.save()
    assert names(world.liaison) == set()


OUTSIDER_URLS = [
    ("enterprises:detail", True),
    ("enterprises:edit", True),
    ("enterprises:assign", True),
    ("enterprises:contact_add", True),
    ("enterprises:list", False),
    ("enterprises:export", False),
    ("enterprises:create", False),
    ("enterprises:import", False),
    ("enterprises:handover", False),
]


@pytest.mark.parametrize(("name", "with_pk"), OUTSIDER_URLS)
def test_an_outsider_gets_404_everywhere(world, login_as, name, with_pk):
    client = login_as(world.outsider)
    url = reverse(name, kwargs={"pk": world.ent_a.pk} if with_pk else {})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名"}).status_code in (404, 405)  # 405: a read-only page
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "城关机械有限公司"


@pytest.mark.parametrize("name", ["enterprises:detail", "enterprises:edit", "enterprises:assign"])
def test_a_liaison_gets_404_for_an_enterprise_that_is_not_theirs(world, login_as, name):
    client = login_as(world.liaison)
    assert client.get(reverse(name, kwargs={"pk": world.ent_b.pk})).status_code == 404


def test_the_enterprise_user_does_not_get_the_staff_pages(world, login_as):
    client = login_as(world.enterprise_user)
    assert (
        client.get(reverse("enterprises:detail", kwargs={"pk": world.ent_a.pk})).status_code == 404
    )
    assert client.get(reverse("enterprises:list")).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_handler_sees_an_empty_list_and_no_enterprise(world, login_as):
    client = login_as(world.handler)
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 200
    assert "城关机械有限公司" not in response.content.decode()
    assert (
        client.get(reverse("enterprises:detail", kwargs={"pk": world.ent_a.pk})).status_code == 404
    )


def test_the_export_contains_only_what_the_person_sees(world, login_as):
    import io

    from openpyxl import load_workbook

    response = login_as(world.liaison).get(reverse("enterprises:export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in ws.iter_rows(min_row=2, values_only=True)] == ["城关机械有限公司"]
