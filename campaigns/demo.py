"""Demo campaign (idempotent): 信用修复专项行动, started by the dispatcher over a dozen enterprises,
in progress — some done, some contacted, one not applicable — through the campaign services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, RoleMembership, Unit, User
from campaigns.models import Campaign, CampaignTarget
from campaigns.services import campaign_create, campaign_target_update
from enterprises.models import Enterprise, LiaisonAssignment

TITLE = "信用修复专项行动"
PLAN = ["done"] * 5 + ["contacted"] * 3 + ["not_applicable"] + ["pending"] * 3


def seed(log=print) -> None:
    if Campaign.objects.filter(title=TITLE).exists():
        log("campaigns: already there")
        return
    dispatcher = User.objects.get(username="dispatcher")
    owner = Unit.objects.get(short_name="区发改局")
    ids = list(Enterprise.objects.active().order_by("pk").values_list("pk", flat=True)[:12])
    campaign = campaign_create(
        actor=dispatcher,
        title=TITLE,
        description="对存在失信记录、行政处罚公示的企业逐一上门告知信用修复渠道，指导在线申请修复；"
        "已完成修复的标记“已完成”，已注销或无需修复的标记“不适用”并说明原因。",
        owner_unit=owner,
        deadline=timezone.localdate() + timedelta(days=20),
        enterprise_ids=ids,
    )
    unit_staff = (
        RoleMembership.objects.active()
        .filter(unit=owner, role=Role.HANDLER)
        .select_related("user")
        .first()
    )
    liaisons = {
        a.enterprise_id: a.person
        for a in LiaisonAssignment.objects.active().filter(kind="liaison", enterprise_id__in=ids)
    }
    targets = CampaignTarget.objects.filter(campaign=campaign).order_by("enterprise_id")
    for target, status in zip(targets, PLAN, strict=False):
        if status == "pending":
            continue
        actor = liaisons.get(target.enterprise_id) or (unit_staff.user if unit_staff else None)
        if actor is None:
            continue
        campaign_target_update(
            actor=actor,
            target=target,
            status=status,
            note={"done": "已在信用中国完成修复", "not_applicable": "无失信记录，无需修复"}.get(
                status, "已电话告知修复流程"
            ),
        )
    log(f"campaigns: {TITLE} over {len(ids)} enterprises")
