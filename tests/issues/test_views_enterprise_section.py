"""The issues section on the enterprise page (enterprises.sections registry)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

pytest.importorskip("enterprises.sections")

pytestmark = pytest.mark.django_db


def section(user, enterprise):
    from issues.enterprise_section import issues_section

    request = RequestFactory().get("/")
    request.user = user
    return issues_section(request, enterprise)


def test_the_section_is_declared_for_the_enterprise_page():
    from crm.lib.plugins import plugins
    from issues.enterprise_section import issues_section

    assert issues_section in plugins("QINQING_ENTERPRISE_PAGE_SECTIONS")


def test_the_liaison_sees_the_issues_and_the_register_button(world, make_issue):
    make_issue("closed", title="已销号的需求")
    found = section(world.liaison, world.ent_a)
    assert found.context["total"] == 1
    assert found.context["may_register"] is True


def test_unit_staff_see_only_their_units_issues_and_cannot_register(world, make_issue):
    make_issue("in_progress", title="人社局在办")
    make_issue("new", title="尚未派单")
    found = section(world.handler, world.ent_a)
    assert [i.title for i in found.context["issues"]] == ["人社局在办"]
    assert found.context["may_register"] is False


def test_the_enterprise_page_shows_the_section(client, world, make_issue):
    make_issue("in_progress", title="人社局在办")
    client.force_login(world.liaison)
    response = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    html = response.content.decode()
    assert 'data-testid="enterprise-issues"' in html
    assert "人社局在办" in html
    assert f"/issues/new/?enterprise={world.ent_a.pk}" in html
