"""Writes for visits: keyword-only, an explicit actor, one transaction each.

The status (planned → done | cancelled) is changed here and nowhere else. Logging a visit and
registering the needs recorded during it happen in ONE transaction: if any need cannot be
registered, neither the visit nor any of its issues exist afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.models import Contact, Enterprise
from visits.models import VISIT_HISTORY, Visit, VisitAttachment, VisitOfficer
from visits.permissions import can_record_visits, officer_candidates

# Models are validated with `full_clean(validate_constraints=False)`: fields are checked here,
# while the check and unique constraints — restated by this module's own checks, with Chinese
# messages — are enforced by the database. (Django validates each constraint with a query of its
# own, which tripled the cost of logging a visit.)

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class Need:
    """A need recorded during a visit; it becomes one issue (source "visit")."""

    category: object  # issues.models.Category
    description: str
    title: str = ""
    photo: object | None = None  # an UploadedFile, attached to the issue (or the visit)


def _check_may_record(actor: User, enterprise: Enterprise) -> None:
    if not can_record_visits(actor, enterprise):
        raise ValidationError(_("您无权为该企业登记走访。"), code="forbidden")


def _check_officers(officers: Sequence[User], lead: User) -> list[User]:
    people = list(dict.fromkeys([lead, *officers]))  # the lead first, no duplicates
    allowed = set(
        officer_candidates().filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    refused = [str(p) for p in people if p.pk not in allowed]
    if refused:
        raise ValidationError(
            _("以下人员不能作为走访人员：%(names)s") % {"names": "、".join(refused)},
            code="officers",
        )
    return people


def _check_attendees(enterprise: Enterprise, attendees: Iterable[Contact]) -> list[Contact]:
    attendees = list(attendees)
    if any(c.enterprise_id != enterprise.pk for c in attendees):
        raise ValidationError(_("参加人员必须是该企业的联系人。"), code="attendees")
    return attendees


def _set_officers(*, visit: Visit, people: list[User], actor: User, fresh: bool) -> None:
    if not fresh:
        VisitOfficer.objects.filter(visit=visit).delete()
    for i, person in enumerate(people):
        link = VisitOfficer(visit=visit, user=person, is_lead=i == 0)
        link.full_clean(validate_constraints=False)
        link._history_user = actor
        link.save()


@transaction.atomic
def visit_plan(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    planned_on: date,
    lead: User,
    officers: Sequence[User] = (),
    place: str = "",
    summary: str = "",
) -> Visit:
    """Plan a visit (status planned) for a day from today on, led by `lead`."""
    _check_may_record(actor, enterprise)
    if planned_on < timezone.localdate():
        raise ValidationError(_("计划日期不能早于今天。"), code="planned_on")
    people = _check_officers(officers, lead)
    visit = Visit(
        enterprise=enterprise,
        kind=kind,
        status=Visit.Status.PLANNED,
        planned_on=planned_on,
        place=place,
        summary=summary,
        created_by=actor,
    )
    visit.full_clean(validate_constraints=False)
    visit._history_user = actor
    visit.save()
    _set_officers(visit=visit, people=people, actor=actor, fresh=True)
    return visit


@transaction.atomic
def visit_log(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    happened_at: datetime,
    lead: User,
    officers: Sequence[User] = (),
    attendees: Iterable[Contact] = (),
    summary: str = "",
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    confidentiality: str = Visit.Confidentiality.INTERNAL,
    planned: Visit | None = None,
    files: Sequence = (),
    needs: Sequence[Need] = (),
    backdate_needs: bool = False,
) -> Visit:
    """Record a visit that happened — completing `planned` when given, else a new one — with
    its attachments and, in the same transaction, one issue per need (registered through
    `issues.services.issue_register`, so routing rules auto-dispatch them). The issues are
    registered now (their clocks start now); `backdate_needs` registers them at the visit's
    time instead, for demo data and imports only."""
    _check_may_record(actor, enterprise)
    if happened_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("走访时间不能晚于现在。"), code="happened_at")
    if not summary.strip():
        raise ValidationError(_("请填写走访情况。"), code="summary")
    people = _check_officers(officers, lead)
    attendees = _check_attendees(enterprise, attendees)
    _check_uploads([*files, *(n.photo for n in needs if n.photo)])
    if planned is not None:
        visit = Visit.objects.select_for_update().get(pk=planned.pk)
        if visit.status != Visit.Status.PLANNED:
            raise ValidationError(_("该走访已完成或已取消，不能再登记。"), code="status")
        if visit.enterprise_id != enterprise.pk:
            raise ValidationError(_("走访计划与企业不符。"), code="enterprise")
    else:
        visit = Visit(enterprise=enterprise, created_by=actor)
    visit.kind = kind
    visit.status = Visit.Status.DONE
    visit.happened_at = happened_at
    visit.summary = summary.strip()
    visit.place = place
    visit.latitude = latitude
    visit.longitude = longitude
    visit.confidentiality = confidentiality
    visit.full_clean(validate_constraints=False)
    visit._history_user = actor
    visit._change_reason = _("登记走访") if planned is not None else ""
    fresh = planned is None
    if fresh:
        # One creation record that already lists the attendees (see VISIT_HISTORY).
        visit.skip_history_when_saving = True
    visit.save()
    _set_officers(visit=visit, people=people, actor=actor, fresh=fresh)
    if attendees or not fresh:
        visit.attendees.set(attendees)
    if fresh:
        del visit.skip_history_when_saving
        VISIT_HISTORY.create_historical_record(visit, "+")
    stored: list[VisitAttachment] = []
    try:
        for upload in files:
            stored.append(visit_attach(actor=actor, visit=visit, upload=upload))
        for number, need in enumerate(needs, start=1):
            _register_need(
                actor=actor, visit=visit, need=need, number=number, backdate=backdate_needs
            )
    except Exception:
        # Files are not transactional: the rows roll back, so remove what was written.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return visit


def _check_uploads(uploads) -> None:
    """Check every file before anything is written, so that a refused one leaves no file of
    the others behind on disk."""
    from crm.lib.files import validate_upload

    for upload in uploads:
        validate_upload(upload)


TITLE_LENGTH = 30
CLAUSE_END = re.compile(r"[，。；！？、,.;!?\n]")


def need_title(*, category, description: str) -> str:
    """A short title for a need: its category and the first clause of its text, at most 30
    characters (the whole text stays the issue's description)."""
    clause = CLAUSE_END.split(description.strip(), maxsplit=1)[0].strip()
    title = f"{category.name}：{clause}" if clause else str(category.name)
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1] + "…"
    return title


def _register_need(*, actor: User, visit: Visit, need: Need, number: int, backdate: bool):
    from issues.services import issue_register

    description = need.description.strip()
    title = need.title.strip()[:80] or need_title(category=need.category, description=description)
    try:
        return issue_register(
            actor=actor,
            enterprise=visit.enterprise,
            source="visit",
            category=need.category,
            title=title,
            description=description,
            visit_id=visit.pk,
            attachments=[need.photo] if need.photo else [],
            at=visit.happened_at if backdate else None,
        )
    except ValidationError as exc:
        raise ValidationError(
            _("第 %(n)s 条诉求未能登记：%(why)s") % {"n": number, "why": " ".join(exc.messages)},
            code="need",
        ) from exc


@transaction.atomic
def visit_cancel(*, actor: User, visit: Visit, reason: str) -> Visit:
    """Cancel a planned visit, with a reason (kept in the visit and its history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写取消原因。"), code="reason")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _check_may_record(actor, visit.enterprise)
    if visit.status != Visit.Status.PLANNED:
        raise ValidationError(_("只有计划中的走访可以取消。"), code="status")
    visit.status = Visit.Status.CANCELLED
    visit.cancel_reason = reason[:200]
    visit.full_clean(validate_constraints=False)
    visit._history_user = actor
    visit._change_reason = _("取消走访")
    visit.save()
    return visit


@transaction.atomic
def visit_attach(*, actor: User, visit: Visit, upload) -> VisitAttachment:
    """Attach a photo or a document. The content is checked (size, type, sniffed bytes); what
    the browser claimed about the file is ignored."""
    from crm.lib.files import IMAGE_EXTENSIONS, validate_upload

    _check_may_record(actor, visit.enterprise)
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("已取消的走访不能再添加附件。"), code="status")
    checked = validate_upload(upload)
    attachment = VisitAttachment(
        visit=visit,
        kind=VisitAttachment.Kind.PHOTO
        if checked.extension in IMAGE_EXTENSIONS
        else VisitAttachment.Kind.DOCUMENT,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.original_name, upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def visit_attach_many(*, actor: User, visit: Visit, uploads: Sequence) -> list[VisitAttachment]:
    """Attach several files at once: all of them or, if one is refused, none."""
    stored: list[VisitAttachment] = []
    try:
        for upload in uploads:
            stored.append(visit_attach(actor=actor, visit=visit, upload=upload))
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored
