"""The demo data: every state, through the real services, idempotent, harmless when empty."""

from collections import Counter

import pytest

from accounts import demo as accounts_demo
from accounts.models import Region, User
from enterprises.models import EnterpriseMembership, LiaisonAssignment
from issues import demo
from issues.models import ImprovementAction, Issue, IssueEvent, RoutingRule
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def quiet(message):
    pass


def test_without_enterprises_only_the_catalogue_and_rules_are_loaded():
    accounts_demo.seed(log=quiet)
    demo.seed(log=quiet)
    assert RoutingRule.objects.count() >= len(demo.RULES)
    assert not Issue.objects.exists()


def test_the_demo_tells_issues_in_every_state_and_is_idempotent(private_media):
    accounts_demo.seed(log=quiet)
    streets = list(Region.objects.filter(code__startswith="420102", kind__in=["street", "park"]))
    liaison, entuser = User.objects.get(username="liaison"), User.objects.create(username="ent")
    for n in range(8):
        enterprise = EnterpriseFactory(region=streets[n % len(streets)], name=f"演示企业{n}")
        if n % 2 == 0:
            LiaisonAssignment.objects.create(
                enterprise=enterprise, person=liaison, kind="liaison", started_on="2026-01-01"
            )
        if n == 0:
            EnterpriseMembership.objects.create(user=entuser, enterprise=enterprise)

    demo.seed(log=quiet)
    demo.seed(log=quiet)

    states = Counter(Issue.objects.values_list("state", flat=True))
    assert set(states) == {
        "new",
        "dispatched",
        "returned",
        "in_progress",
        "waiting_enterprise",
        "review",
        "resolved",
        "closed",
        "withdrawn",
        "merged",
    }
    assert sum(states.values()) == 40
    for issue in Issue.objects.all():
        events = list(IssueEvent.objects.filter(issue=issue).order_by("at", "pk"))
        assert events[0].kind == "register"
        assert events[-1].to_state == issue.state
        assert issue.registered_at <= events[-1].at
    assert ImprovementAction.objects.filter(status="done").count() == 2
