"""Writes for campaigns: keyword-only, an explicit actor, one transaction each; notifications
through the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, Unit, User
from accounts.scope import scope_for
from campaigns.models import Campaign, CampaignTarget
from campaigns.permissions import CREATOR_ROLES, can_create, can_update_target
from enterprises.models import Enterprise, LiaisonAssignment
from notifications.models import Kind
from notifications.services import Message, notify_many

MAX_TARGETS = 5000


def _creator_region(actor: User) -> Region:
    scope = scope_for(actor)
    paths = scope.paths(*CREATOR_ROLES)
    if not paths:  # a superuser without a region: the top of the tree
        return Region.get_first_root_node()
    return Region.objects.filter(path__in=paths).order_by("depth", "path").first()


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    title: str,
    owner_unit: Unit,
    deadline: date,
    enterprise_ids: Sequence[int],
    description: str = "",
) -> Campaign:
    """Start a campaign over `enterprise_ids` (each must be an active enterprise the actor may
    see), then tell each liaison of those enterprises — one notification listing how many of
    theirs — and the owner unit."""
    if not can_create(actor):
        raise ValidationError(_("只有派单员、领导或管理员可以发起专项行动。"), code="forbidden")
    if not title.strip():
        raise ValidationError(_("请填写行动名称。"), code="title")
    if deadline < timezone.localdate():
        raise ValidationError(_("完成时限不能早于今天。"), code="deadline")
    ids = sorted(set(enterprise_ids))
    if not ids:
        raise ValidationError(_("请选择至少一家企业。"), code="empty")
    if len(ids) > MAX_TARGETS:
        raise ValidationError(
            _("一次最多选择 %(n)s 家企业。") % {"n": MAX_TARGETS}, code="too_many"
        )
    allowed = set(
        Enterprise.objects.visible_to(actor)
        .active()
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    if len(allowed) != len(ids):
        raise ValidationError(_("所选企业中有您无权查看或已注销的企业。"), code="enterprises")
    campaign = Campaign(
        title=title.strip(),
        description=description.strip(),
        owner_unit=owner_unit,
        region=_creator_region(actor),
        deadline=deadline,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    CampaignTarget.objects.bulk_create(
        [CampaignTarget(campaign=campaign, enterprise_id=pk) for pk in ids], batch_size=1000
    )
    _notify_created(campaign=campaign, actor=actor, ids=ids)
    return campaign


def _notify_created(*, campaign: Campaign, actor: User, ids: list[int]) -> None:
    link = campaign.get_absolute_url()
    per_person: dict[int, list] = {}
    people = {}
    for a in (
        LiaisonAssignment.objects.active()
        .filter(kind=LiaisonAssignment.Kind.LIAISON, enterprise_id__in=ids)
        .select_related("person")
    ):
        per_person.setdefault(a.person_id, []).append(a.enterprise_id)
        people[a.person_id] = a.person
    messages = [
        Message(
            kind=Kind.CAMPAIGN,
            title=_("专项行动：%(title)s") % {"title": campaign.title},
            body=_("您包保的 %(n)s 家企业在本次行动范围内，请于 %(d)s 前完成并更新状态。")
            % {"n": len(rows), "d": campaign.deadline.strftime("%Y-%m-%d")},
            recipients=[people[pid]],
            link=link,
            actor=actor,
            source_type="campaign",
            source_id=campaign.pk,
        )
        for pid, rows in per_person.items()
    ]
    messages.append(
        Message(
            kind=Kind.CAMPAIGN,
            title=_("牵头专项行动：%(title)s") % {"title": campaign.title},
            body=_("共 %(n)s 家企业，完成时限 %(d)s。")
            % {"n": len(ids), "d": campaign.deadline.strftime("%Y-%m-%d")},
            unit=campaign.owner_unit,
            link=link,
            actor=actor,
            source_type="campaign",
            source_id=campaign.pk,
        )
    )
    notify_many(messages=messages)


@transaction.atomic
def campaign_target_update(
    *, actor: User, target: CampaignTarget, status: str, note: str = ""
) -> CampaignTarget:
    """Set a target's status (by its liaison or the owner unit); 不适用 needs a note."""
    if status not in CampaignTarget.Status.values:
        raise ValidationError(_("无效的状态。"), code="status")
    target = CampaignTarget.objects.select_for_update().select_related("campaign").get(pk=target.pk)
    if not can_update_target(actor, target):
        raise ValidationError(_("只有包保联络员或牵头单位可以更新状态。"), code="forbidden")
    note = note.strip()[:200]
    if status == CampaignTarget.Status.NOT_APPLICABLE and not note:
        raise ValidationError(_("标记“不适用”时请说明原因。"), code="note")
    target.status = status
    target.note = note
    target.updated_by = actor
    target.updated_at = timezone.now()
    target.save(update_fields=["status", "note", "updated_by", "updated_at"])
    return target
