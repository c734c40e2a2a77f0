"""Bulletins (周报 / 半月调度 / 通报, DESIGN §10): the cockpit of one jurisdiction for one period,
as an .xlsx archived in `Bulletin` and announced to the jurisdiction's leaders through the
notification outbox. Scheduled ones are made by the beat (`cockpit_bulletins_task`), once per
kind, region and period; a leader may make one for any period on demand."""

from __future__ import annotations

import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, Role, RoleMembership
from cockpit import exports, facts
from cockpit.models import Bulletin
from cockpit.periods import Period, last_half_month, last_month, last_week
from cockpit.selectors import Cockpit, Filters
from notifications.models import Kind
from notifications.services import Message, notify_many

logger = logging.getLogger(__name__)

SCHEDULE = {
    Bulletin.Kind.WEEKLY: last_week,
    Bulletin.Kind.SEMIMONTHLY: last_half_month,
    Bulletin.Kind.MONTHLY: last_month,
}
BULLETIN_TABLES = ("figures", "ranking", "unit", "overdue", "trend")


def _title(kind: str, region: Region, period: Period) -> str:
    return _("%(region)s%(kind)s（%(period)s）") % {
        "region": region.name,
        "kind": Bulletin.Kind(kind).label,
        "period": period.label,
    }


@transaction.atomic
def bulletin_generate(
    *, kind: str, region: Region, period: Period, actor=None, announce: bool = True
) -> Bulletin:
    """Make one bulletin: the figures of `region`'s subtree for `period`, archived, and (when
    `announce`) one BULLETIN notification to each leader of the region, in this transaction."""
    cockpit = Cockpit(user=actor, filters=Filters(paths=(region.path,), period=period))
    bulletin = Bulletin(
        kind=kind,
        region=region,
        period_start=period.first,
        period_end=period.last,
        title=_title(kind, region, period),
        summary=cockpit.sentence,
        generated_by=actor,
        generated_at=timezone.now(),
    )
    content = exports.workbook(cockpit, tables=BULLETIN_TABLES)
    bulletin.size = len(content)
    bulletin.full_clean(exclude=["file"])
    name = f"{kind}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx"
    bulletin.file.save(name, ContentFile(content), save=False)
    bulletin.save()
    if announce:
        notify_many(
            messages=[
                Message(
                    kind=Kind.BULLETIN,
                    title=bulletin.title,
                    body=bulletin.summary,
                    region=region,
                    roles=[Role.LEADER],
                    link=reverse("cockpit:bulletins"),
                    source_type="bulletin",
                    source_id=bulletin.pk,
                )
            ]
        )
    return bulletin


def jurisdiction_regions() -> list[Region]:
    """Regions where some active leader oversees: each gets its own bulletins."""
    ids = (
        RoleMembership.objects.active()
        .filter(role=Role.LEADER, region__isnull=False, user__is_active=True)
        .values_list("region_id", flat=True)
        .distinct()
    )
    return list(Region.objects.filter(pk__in=list(ids)).order_by("path"))


def bulletins_due(*, today: date | None = None) -> list[Bulletin]:
    """Make every scheduled bulletin whose latest complete period has none yet (idempotent:
    the beat may run it any number of times, and catches up after downtime)."""
    today = today or timezone.localdate()
    facts.refresh()
    made = []
    for region in jurisdiction_regions():
        for kind, period_of in SCHEDULE.items():
            period = period_of(today)
            exists = Bulletin.objects.filter(
                kind=kind, region=region, period_start=period.first, period_end=period.last
            ).exists()
            if exists:
                continue
            try:
                made.append(bulletin_generate(kind=kind, region=region, period=period))
            except IntegrityError:  # made concurrently by another run
                logger.info("bulletin %s %s %s already made", kind, region, period.label)
    return made
