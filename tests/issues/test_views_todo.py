"""The to-do page: each role's queue, counts in the headings, constant queries."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("issues:todo")


def section_count(html: str, key: str) -> int:
    marker = f'data-testid="todo-count-{key}">'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


def test_the_dispatcher_sees_new_returned_extension_and_review_queues(client, world, make_issue):
    new = make_issue("new", title="待派单的诉求")
    make_issue("returned", title="被退回的诉求")
    make_issue("review", title="待审核的诉求")
    make_issue("in_progress", pending_extension=True, title="申请延期的诉求")
    client.force_login(world.dispatcher)
    html = client.get(URL).content.decode()
    assert section_count(html, "new") == 1
    assert section_count(html, "returned") == 1
    assert section_count(html, "review") == 1
    assert section_count(html, "extensions") == 1
    assert new.title in html and "申请延期的诉求" in html
    assert 'data-testid="todo-group-unit"' not in html


def test_the_unit_sees_what_to_acknowledge_and_what_is_in_progress(client, world, make_issue):
    make_issue("dispatched", title="待签收的诉求")
    make_issue("in_progress", title="办理中的诉求")
    make_issue("waiting_enterprise", title="等企业补充的诉求")
    make_issue("new", title="尚未派单的诉求")
    for person in (world.handler, world.unit_head):
        client.force_login(person)
        html = client.get(URL).content.decode()
        assert section_count(html, "dispatched") == 1
        assert section_count(html, "in_progress") == 1
        assert section_count(html, "waiting") == 1
        assert "尚未派单的诉求" not in html
        assert 'data-testid="todo-group-dispatcher"' not in html


def test_in_progress_rows_carry_the_deadline_colour(client, world, make_issue):
    from datetime import timedelta

    from django.utils import timezone

    from issues.models import Issue

    issue = make_issue("in_progress")
    # Time limits are the engine's business; here we only set one that has passed.
    Issue.objects.filter(pk=issue.pk).update(resolve_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(world.handler)
    html = client.get(URL).content.decode()
    row = html[html.index(f'data-testid="issue-row-{issue.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "text-danger" in row


def test_the_liaison_sees_open_issues_and_revisits_of_their_enterprises(client, world, make_issue):
    make_issue("resolved", title="待回访的诉求")
    make_issue("in_progress", title="办理中的诉求")
    make_issue("closed", title="已销号的诉求")
    client.force_login(world.liaison)
    html = client.get(URL).content.decode()
    assert section_count(html, "revisit") == 1
    assert section_count(html, "open") == 1
    assert "已销号的诉求" not in html
    # The responsible leader of the same enterprise sees the same.
    client.force_login(world.resp_leader)
    assert section_count(client.get(URL).content.decode(), "revisit") == 1


def test_a_person_with_two_roles_sees_both_sets(client, world, cats):
    from issues.models import Issue
    from issues.services import issue_register

    issue_register(
        actor=world.deputy,
        enterprise=world.ent_b,
        source=Issue.Source.VISIT,
        category=cats.plain,
        title="园区企业的诉求",
        description="需要协调用电。",
    )
    client.force_login(world.deputy)
    html = client.get(URL).content.decode()
    assert 'data-testid="todo-group-dispatcher"' in html
    assert 'data-testid="todo-group-liaison"' in html
    assert section_count(html, "new") == 1
    assert section_count(html, "open") == 1


def test_the_deputy_dispatches_only_inside_their_park(client, world, make_issue):
    make_issue("new")  # ent_a is in 城关街道, outside the deputy's park
    client.force_login(world.deputy)
    assert section_count(client.get(URL).content.decode(), "new") == 0


def test_people_without_a_role_see_no_queues(client, world, make_issue):
    make_issue("new")
    for person in (world.outsider, world.enterprise_user):
        client.force_login(person)
        response = client.get(URL)
        assert response.status_code == 200
        assert 'data-testid="todo-group-' not in response.content.decode()


def test_the_to_do_page_needs_a_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302


def test_the_to_do_page_costs_the_same_queries_whatever_the_number_of_issues(
    client, world, make_issue, django_assert_max_num_queries
):
    make_issue("new")
    make_issue("dispatched")
    client.force_login(world.deputy)
    grant_all = world.deputy
    from accounts.models import Role
    from tests.factories import grant

    grant(grant_all, Role.HANDLER, unit=world.line_unit)
    client.get(URL)
    with django_assert_max_num_queries(60) as ctx:
        client.get(URL)
    baseline = len(ctx.captured_queries)
    for _ in range(4):
        make_issue("new")
        make_issue("dispatched")
        make_issue("resolved")
    with django_assert_max_num_queries(baseline):
        client.get(URL)
