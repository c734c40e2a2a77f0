"""The demo inbox holds only what the product's own code sent while the demo ran: the workflow's
and the sweep's events, the visit reminders, the cockpit's bulletins, the policy pushes and the
campaign notices."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from campaigns.models import Campaign
from cockpit.models import Bulletin
from issues.models import IssueEvent
from notifications import demo
from notifications.models import Kind, Notification
from policies.models import PolicyPush
from visits.models import VisitReminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())


def test_the_demo_inbox_holds_only_what_the_product_sent_once(seeded):
    notifications = list(Notification.objects.all())
    assert notifications
    from_events = [n for n in notifications if n.source_type == "issue_event"]
    from_reminders = [n for n in notifications if n.source_type == "visit_reminder"]
    from_bulletins = [n for n in notifications if n.source_type == "bulletin"]
    from_pushes = [n for n in notifications if n.source_type == "policy_push"]
    from_campaigns = [n for n in notifications if n.source_type == "campaign"]
    assert len(from_events) + len(from_reminders) + len(from_bulletins) + len(from_pushes) + len(
        from_campaigns
    ) == len(notifications)
    pushes = {str(pk) for pk in PolicyPush.objects.values_list("pk", flat=True)}
    assert from_pushes and {n.source_id for n in from_pushes} <= pushes
    campaigns = {str(pk) for pk in Campaign.objects.values_list("pk", flat=True)}
    assert from_campaigns and {n.source_id for n in from_campaigns} <= campaigns
    bulletins = {str(pk) for pk in Bulletin.objects.values_list("pk", flat=True)}
    assert {n.source_id for n in from_bulletins} <= bulletins
    events = set(IssueEvent.objects.values_list("pk", flat=True))
    assert {int(n.source_id) for n in from_events} <= events
    assert all(n.issue_id for n in from_events)
    reminders = set(VisitReminder.objects.values_list("person_id", "kind"))
    kinds = {"due_tomorrow": Kind.VISIT_PLANNED, "overdue": Kind.COVERAGE_OVERDUE}
    assert {(n.recipient_id, n.kind) for n in from_reminders} == {
        (person, kinds[kind]) for person, kind in reminders
    }
    # bulletin figures only as the cockpit computed them
    assert all(n.source_type == "bulletin" for n in notifications if n.kind == Kind.BULLETIN)

    # seeding again sends nothing twice
    count = Notification.objects.count()
    demo.seed(log=lambda *_: None)
    assert Notification.objects.count() == count

    # the invented rows an earlier version of the seed wrote are removed
    leader = User.objects.get(username="leader")
    Notification.objects.create(
        recipient=leader,
        kind=Kind.BULLETIN,
        title="本周诉求办理周报已生成",
        body="本周受理诉求 23 件，办结 19 件，按时办结率 94.7%。",
        source_type="demo",
    )
    demo.seed(log=lambda *_: None)
    assert not Notification.objects.filter(source_type="demo").exists()
