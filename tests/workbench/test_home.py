"""The home page (工作台): every role lands on its work (issue 16).

Each block's figures match the filtered list its link opens; each block costs a fixed number of
queries whatever the amount of data; a person with several roles sees the blocks of each.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue
from workbench.blocks import HOME_BLOCKS, home_blocks_for, viewer_for

pytestmark = pytest.mark.django_db

HOME = reverse("home")

# A person of the fixed world for each block.
HOLDER = {
    "handler": "handler",
    "unit_head": "unit_head",
    "dispatcher": "dispatcher",
    "liaison": "liaison",
    "responsible_leader": "resp_leader",
    "leader": "leader",
    "admin": "admin",
    "enterprise": "enterprise_user",
}


def blocks_of(user) -> dict:
    return {shown.block.key: shown.data for shown in home_blocks_for(user=user)}


def figures(data) -> dict:
    return {f.key: f.value for f in data.figures}


def listed(client, url) -> int:
    """How many issues the list page behind a figure's link shows."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_every_declared_block_has_a_holder_in_this_test():
    assert {b.key for b in HOME_BLOCKS} == set(HOLDER)


@pytest.mark.parametrize("key", list(HOLDER))
def test_each_role_sees_its_block(world, key):
    person = getattr(world, HOLDER[key])
    assert key in blocks_of(person)


def test_a_person_with_two_roles_sees_both_blocks(client, world):
    client.force_login(world.deputy)
    html = client.get(HOME).content.decode()
    assert 'data-testid="block-liaison"' in html
    assert 'data-testid="block-dispatcher"' in html
    assert 'data-testid="block-handler"' not in html


def test_a_person_without_roles_is_told_to_ask_an_administrator(client, world):
    client.force_login(world.outsider)
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["blocks"] == []
    assert 'data-testid="no-role"' in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_home_is_read_only(client, world):
    client.force_login(world.dispatcher)
    assert client.post(HOME).status_code == 405


def _overdue(issue, field="resolve_deadline", hours=1):
    # Time limits are the engine's business; here we only move one into the past.
    Issue.objects.filter(pk=issue.pk).update(**{field: timezone.now() - timedelta(hours=hours)})


def test_the_handler_sees_the_queue_by_urgency_and_each_figure_opens_its_list(
    client, world, make_issue
):
    late = make_issue("in_progress", title="已超期的诉求")
    _overdue(late)
    make_issue("in_progress", title="正常办理的诉求")
    make_issue("dispatched", title="新派来的诉求")
    make_issue("waiting_enterprise", title="等企业补充的诉求")
    make_issue("new", title="未派单的诉求")
    data = blocks_of(world.handler)["handler"]
    got = figures(data)
    assert (got["overdue"], got["new"], got["waiting"]) == (1, 1, 1)
    assert data.extra["total"] == 4
    assert data.rows[0].title == "已超期的诉求"  # the most urgent first
    client.force_login(world.handler)
    for figure in data.figures:
        assert listed(client, figure.url) == figure.value, figure.key


def test_the_handler_counts_what_is_due_today_and_in_the_warning_band(client, world, make_issue):
    from issues.models import IssueClock

    issue = make_issue("in_progress")
    now = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(resolve_deadline=now + timedelta(minutes=5))
    IssueClock.objects.filter(issue=issue).update(
        warn_at=now - timedelta(hours=1), deadline=now + timedelta(minutes=5)
    )
    # an issue past its deadline, one not yet warned and one whose clock is paused are not
    # in the band
    for warn, deadline, kind in [(-2, -1, "resolve"), (1, 2, "resolve"), (-1, 1, "")]:
        other = make_issue("in_progress")
        IssueClock.objects.filter(issue=other).update(
            warn_at=now + timedelta(hours=warn),
            deadline=now + timedelta(hours=deadline),
            kind=kind,
            next_check_at=None if not kind else now,
        )
    data = blocks_of(world.handler)["handler"]
    got = figures(data)
    assert got["warning"] == 1
    client.force_login(world.handler)
    warning = next(f for f in data.figures if f.key == "warning")
    assert listed(client, warning.url) == 1
    local_midnight = timezone.localtime(now).replace(hour=23, minute=59)
    assert got["today"] == (1 if now + timedelta(minutes=5) <= local_midnight else 0)


def test_an_issue_assigned_to_another_handler_is_not_in_my_queue(world, make_issue):
    from tests.factories import UserFactory, grant

    colleague = UserFactory(username="colleague")
    grant(colleague, "handler", unit=world.line_unit)
    issue = make_issue("in_progress")
    Issue.objects.filter(pk=issue.pk).update(handler=colleague)
    assert blocks_of(world.handler)["handler"].extra["total"] == 0
    assert blocks_of(colleague)["handler"].extra["total"] == 1


def test_the_unit_head_sees_the_unit_queue_unassigned_and_supervision_received(
    client, world, make_issue
):
    from notifications.services import notify

    issue = make_issue("in_progress")
    make_issue("dispatched")
    notify(
        recipients=[world.unit_head],
        kind="supervision_notice",
        title="督办：请尽快办理",
        body="",
        issue_id=issue.pk,
    )
    notify(recipients=[world.unit_head], kind="issue_reminder", title="催办", body="")
    data = blocks_of(world.unit_head)["unit_head"]
    got = figures(data)
    # Acknowledging assigns the handler: only the dispatched one is unassigned.
    assert (got["queue"], got["unassigned"], got["reminders"], got["supervision"]) == (2, 1, 1, 1)
    assert {n.title for n in data.rows} == {"督办：请尽快办理", "催办"}
    client.force_login(world.unit_head)
    for key in ("queue", "unassigned", "overdue"):
        figure = next(f for f in data.figures if f.key == key)
        assert listed(client, figure.url) == figure.value, key


def test_the_dispatcher_sees_what_waits_for_a_decision(client, world, make_issue):
    make_issue("new")
    make_issue("returned")
    make_issue("review")
    make_issue("in_progress", pending_extension=True)
    escalated = make_issue("in_progress")
    Issue.objects.filter(pk=escalated.pk).update(supervision_level=3)
    data = blocks_of(world.dispatcher)["dispatcher"]
    got = figures(data)
    assert (got["new"], got["returned"], got["review"], got["extensions"]) == (1, 1, 1, 1)
    assert (got["escalated"], got["bancheng"]) == (1, 0)
    client.force_login(world.dispatcher)
    for figure in data.figures:
        if figure.key != "extensions":  # extensions are decided on the to-do page
            assert listed(client, figure.url) == figure.value, figure.key


def test_the_liaison_sees_visits_due_planned_this_week_and_needs_by_state(
    client, world, make_issue
):
    from tests.visits.conftest import make_visit
    from visits.models import Visit

    make_issue("resolved")
    make_issue("in_progress")
    make_issue("new")
    make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    data = blocks_of(world.liaison)["liaison"]
    got = figures(data)
    assert got["revisit"] == 1
    assert got["planned"] == 1
    assert got["visit_due"] == 1  # ent_a was never visited: due today
    assert [d.enterprise for d in data.rows] == [world.ent_a]
    states = {f.key: f.value for f in data.extra["states"] if f.value}
    assert states == {"state_new": 1, "state_in_progress": 1}
    assert data.extra["open_total"] == 2
    client.force_login(world.liaison)
    assert listed(client, next(f.url for f in data.figures if f.key == "revisit")) == 1
    for figure in data.extra["states"]:
        assert listed(client, figure.url) == figure.value, figure.key


def test_the_responsible_leader_sees_escalations_and_overdue_issues(client, world, make_issue):
    escalated = make_issue("in_progress")
    Issue.objects.filter(pk=escalated.pk).update(supervision_level=3)
    _overdue(escalated)
    make_issue("dispatched")
    data = blocks_of(world.resp_leader)["responsible_leader"]
    assert figures(data) == {"escalated": 1, "open": 2, "overdue": 1}
    assert data.rows == [Issue.objects.get(pk=escalated.pk)]
    client.force_login(world.resp_leader)
    for figure in data.figures:
        assert listed(client, figure.url) == figure.value, figure.key


def test_the_leader_sees_this_months_cockpit_figures(client, world, make_issue):
    from cockpit import facts

    make_issue("in_progress")
    make_issue("resolved")
    facts.refresh()  # the beat's job, every minute

    data = blocks_of(world.leader)["leader"]

    assert figures(data) == {
        "accepted": 2,
        "done_rate": "50%",
        "on_time_rate": "100%",
        "satisfaction_rate": "—",
    }
    client.force_login(world.leader)
    accepted = next(f for f in data.figures if f.key == "accepted")
    assert listed(client, accepted.url) == 2
    assert data.more_url == "/cockpit/"


def test_the_administrator_sees_system_health(world):
    from ops.beacons import beacon_touch

    data = blocks_of(world.admin)["admin"]
    got = figures(data)
    assert got["sweep"] == "从未运行"
    # outsider (no role, no enterprise) is the one person without a role in the fixed world
    assert got["roleless"] == 1
    assert got["failed"] == got["gave_up"] == 0
    beacon_touch(name="supervision_sweep")
    got = figures(blocks_of(world.admin)["admin"])
    assert got["sweep"] != "从未运行"


def test_the_calendar_figure_warns_about_an_unknown_year(world):
    from workcalendar.models import CalendarYear

    CalendarYear.objects.all().delete()
    data = blocks_of(world.admin)["admin"]
    calendar = next(f for f in data.figures if f.key == "calendar")
    assert str(timezone.localdate().year) in calendar.value
    assert calendar.tone == "danger"


def test_the_sweep_figure_shows_the_sweep_tasks_last_run(world):
    from issues.tasks import issues_supervision_sweep_task

    issues_supervision_sweep_task.apply().get()
    sweep = next(f for f in blocks_of(world.admin)["admin"].figures if f.key == "sweep")
    assert sweep.value.startswith(timezone.localdate().isoformat())
    assert sweep.tone == "success"


def test_an_enterprise_only_user_goes_to_the_portal_home(client, world):
    client.force_login(world.enterprise_user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    # Staff keep their home.
    client.force_login(world.dispatcher)
    assert client.get(HOME).status_code == 200


def test_staff_who_also_represent_an_enterprise_see_its_requests_without_deadlines(
    client, world, make_issue
):
    from tests.factories import EnterpriseMembershipFactory

    issue = make_issue("in_progress")
    EnterpriseMembershipFactory(user=world.leader, enterprise=world.ent_a)
    client.force_login(world.leader)
    html = client.get(HOME).content.decode()
    block = html[html.index('data-testid="block-enterprise"') :]
    block = block[: block.index("</section>")]
    assert issue.title in block
    assert "办理期限" not in block
    assert [i.pk for i in blocks_of(world.leader)["enterprise"].rows] == [issue.pk]


# --- Query counts: one world with a little data, then with more: same count, within the bound.


def _more_data(world, make_issue):
    from notifications.services import notify
    from tests.factories import AssignmentFactory, EnterpriseFactory

    for state in ("new", "dispatched", "in_progress", "waiting_enterprise", "resolved"):
        make_issue(state)
    for _i in range(3):
        ent = EnterpriseFactory(region=world.street)
        AssignmentFactory(enterprise=ent, person=world.liaison, kind="liaison")
        AssignmentFactory(enterprise=ent, person=world.resp_leader, kind="leader")
    notify(recipients=[world.unit_head], kind="issue_reminder", title="催办", body="")


def _queries(block, person) -> int:
    viewer = viewer_for(person)
    with CaptureQueriesContext(connection) as ctx:
        block.data(viewer)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("block", HOME_BLOCKS, ids=lambda b: b.key)
def test_each_block_costs_a_fixed_number_of_queries(world, make_issue, block):
    person = getattr(world, HOLDER[block.key])
    make_issue("in_progress")
    viewer_for(person)  # the scope is cached on the person, as within a request
    small = _queries(block, person)
    _more_data(world, make_issue)
    large = _queries(block, person)
    assert small <= block.max_queries
    assert large <= block.max_queries
    # Some blocks skip their rows query when there is nothing to list; never more than that.
    assert large - small in (0, 1)


def test_the_home_page_of_a_two_role_person_costs_the_same_with_more_data(
    client, world, make_issue, django_assert_max_num_queries
):
    client.force_login(world.deputy)
    make_issue("new")
    with CaptureQueriesContext(connection) as small:
        client.get(HOME)
    _more_data(world, make_issue)
    with CaptureQueriesContext(connection) as large:
        client.get(HOME)
    assert len(large.captured_queries) <= len(small.captured_queries) + 2
