"""Two people acting on the same issue at the same moment: exactly one wins (DESIGN §12)."""

import threading

import pytest
from django.db import connection

from issues.models import IssueEvent
from issues.services import WorkflowError, issue_transition


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("state", "action", "people", "data"),
    [
        ("dispatched", "acknowledge", ("handler", "unit_head"), {}),
        (
            "resolved",
            "revisit",
            ("liaison", "enterprise_user"),
            {"satisfaction": "dissatisfied", "comment": "没有解决。"},
        ),
    ],
)
def test_two_concurrent_identical_actions_only_one_succeeds(
    world, make_issue, state, action, people, data
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are only exercised on PostgreSQL")
    issue = make_issue(state)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(user):
        try:
            barrier.wait(timeout=10)
            issue_transition(actor=user, issue_id=issue.pk, action=action, **data)
            results.append("ok")
        except WorkflowError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(getattr(world, p),)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["ok", "refused"]
    assert IssueEvent.objects.filter(issue=issue, kind=action).count() == 1
    issue.refresh_from_db()
    assert issue.rework_count == (1 if action == "revisit" else 0)
