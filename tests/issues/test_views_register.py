"""Registering an issue from the staff pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Issue, IssueEvent, RoutingRule
from tests.issues.conftest import pdf_upload

pytestmark = pytest.mark.django_db

URL = reverse("issues:register")


def form_data(world, cats, **extra):
    data = {
        "enterprise": world.ent_a.pk,
        "category": cats.plain.pk,
        "title": "厂区道路破损",
        "description": "进厂道路破损严重，货车无法通行。",
        "priority": "normal",
        "source": "visit",
    }
    data.update(extra)
    return data


def test_the_liaison_registers_an_issue_with_attachments(client, world, cats):
    client.force_login(world.liaison)
    data = form_data(world, cats, attachments=[pdf_upload("照片说明.pdf"), pdf_upload("现场.pdf")])
    response = client.post(URL, data)
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response.url == issue.get_absolute_url()
    assert issue.state == "new"
    assert issue.registered_by == world.liaison
    assert issue.attachments.count() == 2


def test_a_routing_rule_dispatches_at_once(client, world, cats):
    RoutingRule.objects.create(
        category=cats.plain, region=world.district, lead_unit=world.line_unit
    )
    client.force_login(world.liaison)
    client.post(URL, form_data(world, cats))
    issue = Issue.objects.get()
    assert issue.state == "dispatched"
    assert issue.lead_unit == world.line_unit


def test_the_enterprise_can_be_preselected(client, world, cats):
    client.force_login(world.liaison)
    html = client.get(URL, {"enterprise": world.ent_a.pk}).content.decode()
    assert f'<option value="{world.ent_a.pk}" selected>' in html


def test_the_form_offers_only_enterprises_the_person_may_register_for(client, world, cats):
    client.force_login(world.liaison)
    html = client.get(URL).content.decode()
    assert world.ent_a.name in html
    assert world.ent_b.name not in html and world.ent_far.name not in html


def test_categories_are_grouped_in_two_levels(client, world, cats):
    client.force_login(world.liaison)
    html = client.get(URL).content.decode()
    assert '<optgroup label="测试大类">' in html
    assert f'<option value="{cats.parent.pk}"' not in html  # a parent with children is a group


def test_another_enterprise_cannot_be_smuggled_in(client, world, cats):
    client.force_login(world.liaison)
    response = client.post(URL, form_data(world, cats, enterprise=world.ent_far.pk))
    assert response.status_code == 200
    assert Issue.objects.count() == 0
    assert IssueEvent.objects.count() == 0


def test_a_disguised_file_is_refused_and_nothing_is_registered(client, world, cats):
    client.force_login(world.liaison)
    fake = SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(URL, form_data(world, cats, attachments=[fake]))
    assert response.status_code == 200
    assert "内容与扩展名不符" in response.content.decode()
    assert Issue.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "handler", "leader", "enterprise_user"])
def test_people_who_cannot_register_from_the_staff_pages_get_403(client, world, cats, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(world, cats)).status_code == 403
    assert Issue.objects.count() == 0
