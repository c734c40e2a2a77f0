"""Reads for campaigns: lists with their completion in one query, a campaign's progress, its
rows (all or overdue) for the viewer, and the credit-code list reader."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from campaigns.models import Campaign, CampaignTarget
from enterprises.models import Enterprise

CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def _counted(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        total=Count("targets"),
        done=Count("targets", filter=Q(targets__status=CampaignTarget.Status.DONE)),
        not_applicable=Count(
            "targets", filter=Q(targets__status=CampaignTarget.Status.NOT_APPLICABLE)
        ),
        contacted=Count("targets", filter=Q(targets__status=CampaignTarget.Status.CONTACTED)),
    )


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    not_applicable: int
    contacted: int

    @property
    def due(self) -> int:
        """应完成企业: every target except those found not applicable."""
        return self.total - self.not_applicable

    @property
    def rate(self) -> int | None:
        return round(self.done * 100 / self.due) if self.due else None

    @property
    def pending(self) -> int:
        return self.due - self.done - self.contacted


def progress_of(campaign) -> Progress:
    return Progress(campaign.total, campaign.done, campaign.not_applicable, campaign.contacted)


def campaign_list(*, user) -> QuerySet[Campaign]:
    return _counted(Campaign.objects.visible_to(user)).select_related("owner_unit")


def campaign_get_for_user(*, user, pk: int) -> Campaign:
    campaign = campaign_list(user=user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_rows(*, user, campaign: Campaign, overdue: bool = False) -> QuerySet[CampaignTarget]:
    """The campaign's target rows `user` may see; `overdue`: the open ones of a campaign past
    its deadline (none before it)."""
    qs = (
        CampaignTarget.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("enterprise", "enterprise__region", "updated_by")
    )
    if overdue:
        if campaign.deadline >= timezone.localdate():
            return qs.none()
        qs = qs.open()
    return qs.order_by("enterprise__name", "pk")


def campaign_target_get_for_user(*, user, pk: int) -> CampaignTarget:
    target = (
        CampaignTarget.objects.visible_to(user)
        .select_related("campaign", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if target is None:
        raise Http404
    return target


def credit_codes_in(text: str) -> list[str]:
    """Every unified social credit code written in `text` (one per line, or separated by
    commas, spaces, tabs), upper-cased, in order, without repeats."""
    return list(dict.fromkeys(CREDIT_CODE.findall(text.upper())))


def enterprises_for_codes(*, user, codes: list[str]) -> tuple[list[int], list[str]]:
    """The ids of the active enterprises `user` may see among `codes`, and the codes that are
    not such an enterprise (unknown, not visible or deregistered)."""
    found = dict(
        Enterprise.objects.visible_to(user)
        .active()
        .filter(credit_code__in=codes)
        .values_list("credit_code", "pk")
    )
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


def updatable_target_ids(*, user, targets) -> set[int]:
    """Which of `targets` (one campaign's rows) `user` may update, in one query at most: all of
    them for the owner unit's staff, else those of the enterprises assigned to the user."""
    from accounts.models import Role
    from accounts.scope import scope_for
    from enterprises.models import LiaisonAssignment

    targets = list(targets)
    scope = scope_for(user)
    if not targets or scope.user_id is None:
        return set()
    if targets[0].campaign.owner_unit_id in scope.unit_ids():
        return {t.pk for t in targets}
    if not scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        return set()
    mine = set(
        LiaisonAssignment.objects.active()
        .filter(person_id=scope.user_id, enterprise_id__in=[t.enterprise_id for t in targets])
        .values_list("enterprise_id", flat=True)
    )
    return {t.pk for t in targets if t.enterprise_id in mine}
