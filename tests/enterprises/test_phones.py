"""A contact's full phone number reaches only the enterprise's liaison, its responsible leader
and administrators (DESIGN §3) — including through the edit form."""

import pytest
from django.urls import reverse

from enterprises.models import Contact

pytestmark = pytest.mark.django_db

FULL = "13912345678"


@pytest.fixture
def contact(world):
    return Contact.objects.create(enterprise=world.ent_a, name="王经理", phone=FULL)


def _edit_url(contact):
    return reverse("enterprises:contact_edit", args=[contact.enterprise_id, contact.pk])


def _post(client, contact, phone):
    data = {"name": "王经理", "title": "总经理", "phone": phone, "email": ""}
    return client.post(_edit_url(contact), data)


def test_the_dispatcher_edit_form_never_holds_the_full_number(client, world, contact):
    client.force_login(world.dispatcher)
    response = client.get(_edit_url(contact))
    assert response.status_code == 200
    html = response.content.decode()
    assert FULL not in html
    assert "139****5678" in html


def test_a_dispatcher_saving_without_typing_a_number_keeps_the_stored_one(client, world, contact):
    client.force_login(world.dispatcher)
    assert _post(client, contact, "").status_code == 302
    contact.refresh_from_db()
    assert contact.phone == FULL and contact.title == "总经理"


def test_a_dispatcher_may_replace_the_number_by_typing_a_new_one(client, world, contact):
    client.force_login(world.dispatcher)
    assert _post(client, contact, "13700001111").status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "13700001111"


@pytest.mark.parametrize("who", ["liaison", "admin"])
def test_those_who_may_see_get_the_full_number_to_edit(client, world, contact, who):
    client.force_login(getattr(world, who))
    assert FULL in client.get(_edit_url(contact)).content.decode()


def test_a_refused_edit_does_not_echo_the_stored_number(client, world, contact):
    client.force_login(world.dispatcher)
    response = client.post(_edit_url(contact), {"name": "", "phone": ""})
    assert response.status_code == 200
    assert FULL not in response.content.decode()
