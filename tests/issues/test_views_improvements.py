"""Improvement actions (优化提升): list, create, link issues, move the status."""

import pytest
from django.urls import reverse

from issues.models import ImprovementAction

pytestmark = pytest.mark.django_db


def create(client, world, **extra):
    data = {
        "title": "简化用工备案流程",
        "kind": "process_simplification",
        "region": world.district.pk,
        "owner_unit": world.line_unit.pk,
        "description": "同类诉求反复出现。",
    }
    data.update(extra)
    return client.post(reverse("issues:improvement_create"), data)


def test_the_dispatcher_opens_an_improvement_from_recurring_issues(client, world, make_issue):
    a, b = make_issue("closed"), make_issue("closed")
    client.force_login(world.dispatcher)
    response = create(client, world, issues=f"{a.number}, {b.pk}")
    improvement = ImprovementAction.objects.get()
    assert response.status_code == 302
    assert set(improvement.issues.all()) == {a, b}
    html = client.get(reverse("issues:improvement_detail", args=[improvement.pk])).content.decode()
    assert a.number in html and "简化用工备案流程" in html
    assert "简化用工备案流程" in client.get(reverse("issues:improvements")).content.decode()


def test_linking_more_issues_and_moving_the_status(client, world, make_issue):
    client.force_login(world.dispatcher)
    create(client, world)
    improvement = ImprovementAction.objects.get()
    issue = make_issue("closed")
    client.post(reverse("issues:improvement_link", args=[improvement.pk]), {"issues": issue.number})
    assert list(improvement.issues.all()) == [issue]
    client.post(reverse("issues:improvement_status", args=[improvement.pk]), {"status": "done"})
    improvement.refresh_from_db()
    assert improvement.status == "done"
    # No way back.
    response = client.post(
        reverse("issues:improvement_status", args=[improvement.pk]), {"status": "proposed"}
    )
    assert response.status_code == 400
    improvement.refresh_from_db()
    assert improvement.status == "done"


def test_an_issue_the_dispatcher_may_not_see_cannot_be_linked(client, world, make_issue):
    client.force_login(world.far_dispatcher)
    create(client, world, region=world.far.pk, owner_unit=world.far_unit.pk)
    improvement = ImprovementAction.objects.get()
    issue = make_issue("closed")
    response = client.post(
        reverse("issues:improvement_link", args=[improvement.pk]), {"issues": issue.number}
    )
    assert response.status_code == 400
    assert improvement.issues.count() == 0


@pytest.mark.parametrize("who", ["outsider", "handler", "liaison", "enterprise_user"])
def test_people_without_the_role_get_403_and_nothing_changes(client, world, who):
    client.force_login(world.dispatcher)
    create(client, world)
    improvement = ImprovementAction.objects.get()
    history = improvement.history.count()
    client.force_login(getattr(world, who))
    assert client.get(reverse("issues:improvements")).status_code == 403
    assert client.get(reverse("issues:improvement_create")).status_code == 403
    assert create(client, world).status_code == 403
    detail = reverse("issues:improvement_detail", args=[improvement.pk])
    assert client.get(detail).status_code == 403
    status = reverse("issues:improvement_status", args=[improvement.pk])
    assert client.post(status, {"status": "done"}).status_code == 403
    link = reverse("issues:improvement_link", args=[improvement.pk])
    assert client.post(link, {"issues": "1"}).status_code == 403
    improvement.refresh_from_db()
    assert improvement.status == "proposed"
    assert improvement.issues.count() == 0
    assert ImprovementAction.objects.count() == 1
    assert improvement.history.count() == history


def test_a_dispatcher_of_another_district_gets_404(client, world):
    client.force_login(world.dispatcher)
    create(client, world)
    improvement = ImprovementAction.objects.get()
    client.force_login(world.far_dispatcher)
    assert (
        client.get(reverse("issues:improvement_detail", args=[improvement.pk])).status_code == 404
    )
    status = reverse("issues:improvement_status", args=[improvement.pk])
    assert client.post(status, {"status": "done"}).status_code == 404
    link = reverse("issues:improvement_link", args=[improvement.pk])
    assert client.post(link, {"issues": "1"}).status_code == 404
    improvement.refresh_from_db()
    assert improvement.status == "proposed"


def test_a_leader_may_not_create_in_a_region_outside_their_subtree(client, world):
    client.force_login(world.leader)
    response = create(client, world, region=world.far.pk, owner_unit="")
    assert response.status_code == 200
    assert ImprovementAction.objects.count() == 0
