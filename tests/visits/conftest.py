"""Visit helpers on top of the shared `world` (tests/conftest.py)."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from enterprises.models import Contact
from visits.models import Visit, VisitOfficer

# A PNG of one pixel: the smallest honest photo.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


def local_dt(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_visit(
    enterprise,
    officer,
    *,
    status=Visit.Status.DONE,
    happened_at=None,
    planned_on=None,
    kind=Visit.Kind.ON_SITE,
    confidentiality=Visit.Confidentiality.INTERNAL,
    others=(),
) -> Visit:
    """A visit written straight to the database (the services are tested on their own)."""
    if status == Visit.Status.DONE and happened_at is None:
        happened_at = timezone.now()
    if status != Visit.Status.DONE and planned_on is None:
        planned_on = timezone.localdate()
    visit = Visit.objects.create(
        enterprise=enterprise,
        kind=kind,
        status=status,
        happened_at=happened_at,
        planned_on=planned_on,
        summary="了解企业生产经营情况",
        confidentiality=confidentiality,
        cancel_reason="企业临时有事" if status == Visit.Status.CANCELLED else "",
        created_by=officer,
    )
    VisitOfficer.objects.create(visit=visit, user=officer, is_lead=True)
    for other in others:
        VisitOfficer.objects.create(visit=visit, user=other)
    return visit


@pytest.fixture
def contact_a(world):
    return Contact.objects.create(
        enterprise=world.ent_a, name="王经理", phone="13912345678", is_primary=True
    )
