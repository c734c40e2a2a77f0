"""The demo seeder is idempotent and gives a realistic spread of visits."""

from accounts.models import Role
from tests.factories import AssignmentFactory, EnterpriseFactory, UserFactory, grant
from visits import demo
from visits.models import Visit


def test_the_demo_visits_are_seeded_once_with_plans_and_cancellations(world):
    liaison = UserFactory(username="liaison", display_name="张伟")
    grant(liaison, Role.LIAISON, region=world.district)
    for i in range(16):
        e = EnterpriseFactory(name=f"演示企业{i}", region=world.street)
        AssignmentFactory(enterprise=e, person=liaison, kind="liaison")
    demo.seed(log=lambda *_: None)
    counts = {s: Visit.objects.filter(status=s).count() for s in Visit.Status}
    assert counts[Visit.Status.DONE] >= 8
    assert counts[Visit.Status.PLANNED] >= 1
    assert counts[Visit.Status.CANCELLED] >= 1
    assert len(set(Visit.objects.values_list("kind", flat=True))) == len(Visit.Kind)
    assert not Visit.objects.filter(officer_links__isnull=True).exists()
    # Some needs heard on visits became issues linked to them.
    from issues.models import Issue

    assert Issue.objects.filter(source="visit", visit_id__isnull=False).count() >= 3
    before = Visit.objects.count()
    demo.seed(log=lambda *_: None)
    assert Visit.objects.count() == before
