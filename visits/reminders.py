"""Daily visit reminders (DESIGN §4, §7): planned visits due tomorrow and overdue coverage.

Idempotent per (person, day, kind): a `VisitReminder` row is the sent-marker, created in the
same transaction as the notification, under a unique constraint — running the sweep twice a
day (or in two beat processes at once) tells nobody twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.models import Enterprise, LiaisonAssignment
from visits.models import Visit, VisitOfficer, VisitReminder
from visits.selectors.coverage import _overdue


@dataclass(frozen=True)
class ReminderCounts:
    due_tomorrow: int = 0
    overdue: int = 0


def _claim(person_id: int, day: date, kind: str, count: int) -> bool:
    """Write the sent-marker; False if this reminder was already sent (by anyone)."""
    try:
        with transaction.atomic():
            VisitReminder.objects.create(person_id=person_id, day=day, kind=kind, count=count)
    except IntegrityError:
        return False
    return True


def visit_reminders_send(*, today: date | None = None) -> ReminderCounts:
    """Tell each officer about their visits planned for tomorrow, and each liaison about the
    enterprises whose visit is due or overdue. One notification per person and kind a day."""
    from notifications.services import notify

    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)

    planned: dict[int, list[Visit]] = defaultdict(list)
    links = VisitOfficer.objects.filter(
        visit__status=Visit.Status.PLANNED, visit__planned_on=tomorrow, user__is_active=True
    ).select_related("visit__enterprise")
    for link in links.order_by("visit__enterprise__name"):
        planned[link.user_id].append(link.visit)

    overdue = dict(
        LiaisonAssignment.objects.active()
        .filter(
            kind=LiaisonAssignment.Kind.LIAISON,
            person__is_active=True,
            enterprise__status=Enterprise.Status.ACTIVE,
        )
        .filter(_overdue(today, ref="enterprise_id", frequency="enterprise__visit_frequency_days"))
        .values("person_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("person_id", "n")
    )
    people = User.objects.in_bulk([*planned, *overdue])

    sent_planned = sent_overdue = 0
    for person_id, visits in planned.items():
        with transaction.atomic():
            if not _claim(person_id, today, VisitReminder.Kind.DUE_TOMORROW, len(visits)):
                continue
            names = "、".join(v.enterprise.name for v in visits[:5])
            more = _("等 %(n)s 家企业") % {"n": len(visits)} if len(visits) > 5 else ""
            notify(
                recipients=[people[person_id]],
                kind="visit_planned",
                title=_("明日走访提醒：%(n)s 项走访计划") % {"n": len(visits)},
                body=_("您明天（%(day)s）计划走访：%(names)s%(more)s。")
                % {"day": tomorrow.isoformat(), "names": names, "more": more},
                link=visits[0].get_absolute_url()
                if len(visits) == 1
                else reverse("visits:list")
                + f"?status=planned&start={tomorrow.isoformat()}&end={tomorrow.isoformat()}",
                source_type="visit_reminder",
                source_id=f"{today.isoformat()}:due_tomorrow",
            )
            sent_planned += 1
    for person_id, count in overdue.items():
        with transaction.atomic():
            if not _claim(person_id, today, VisitReminder.Kind.OVERDUE, count):
                continue
            notify(
                recipients=[people[person_id]],
                kind="coverage_overdue",
                title=_("走访到期提醒：%(n)s 家企业待走访") % {"n": count},
                body=_("您包联的 %(n)s 家企业已到走访周期（或从未走访），请及时安排走访。")
                % {"n": count},
                link=reverse("visits:my_coverage"),
                source_type="visit_reminder",
                source_id=f"{today.isoformat()}:overdue",
            )
            sent_overdue += 1
    return ReminderCounts(due_tomorrow=sent_planned, overdue=sent_overdue)
