"""Demo visits (idempotent): six months of visits of every kind by the demo liaisons, a few
plans for the coming days, a few cancellations and — once the issues app is there — needs
recorded during visits that became issues."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from enterprises.models import LiaisonAssignment
from visits.models import Visit
from visits.services import Need, visit_cancel, visit_log, visit_plan

OFFICERS = ("liaison", "liaison2", "deputy")
SUMMARIES = {
    Visit.Kind.ON_SITE: "走访企业生产车间，了解订单和用工情况，企业整体经营平稳。",
    Visit.Kind.MEETING: "召开政企座谈会，听取企业对营商环境的意见建议。",
    Visit.Kind.PHONE: "电话回访企业负责人，跟踪前期反映问题的办理进度。",
    Visit.Kind.ONLINE: "通过视频会议沟通企业扩产项目的前期手续。",
    Visit.Kind.SITE_INSPECTION: "踏查企业新建厂房施工现场，核实施工许可办理进度。",
    Visit.Kind.ACCOMPANIED: "陪同企业到政务服务中心办理变更登记，当场办结。",
    Visit.Kind.POLICY_BRIEFING: "宣讲稳岗返还、研发费用加计扣除等惠企政策。",
}
CANCEL_REASONS = ["企业负责人临时出差", "企业停产检修", "与企业另行约定时间"]
# Needs heard on visits: (category code prefix or name, description).
NEEDS = [
    ("用工", "扩产后一线操作工缺口约 30 人，希望协助对接职业院校和招聘会。"),
    ("融资", "技改项目资金缺口 500 万元，希望对接银行信用贷款和贴息政策。"),
    ("施工许可", "新建厂房施工许可办理进度慢，希望协调加快审批。"),
    ("政策", "咨询专精特新企业认定条件和奖补政策兑现流程。"),
    ("用地", "计划扩建仓库，需要了解周边工业用地指标情况。"),
    ("水电", "厂区用电负荷不足，申请增容改造。"),
    ("市场", "希望参加政府组织的产销对接会，拓展本地客户。"),
]


def _categories() -> list:
    try:
        from issues.models import Category
    except ImportError:  # demo without the issues app
        return []
    return list(Category.objects.active().leaves().select_related("parent").order_by("code"))


def _category_for(categories: list, hint: str, rng: random.Random):
    matching = [c for c in categories if hint in c.name or (c.parent and hint in c.parent.name)]
    return matching[0] if matching else rng.choice(categories)


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def seed(log=print) -> None:
    officers = {u.username: u for u in User.objects.filter(username__in=OFFICERS)}
    assignments = (
        LiaisonAssignment.objects.active()
        .filter(person__username__in=OFFICERS, kind=LiaisonAssignment.Kind.LIAISON)
        .select_related("enterprise", "person")
        .order_by("enterprise__name")
    )
    kinds = list(Visit.Kind)
    categories = _categories()
    today = timezone.localdate()
    created = needs_created = cycle = 0
    for n, assignment in enumerate(assignments):
        enterprise, officer = assignment.enterprise, officers[assignment.person.username]
        if Visit.objects.filter(enterprise=enterprise).exists():
            continue  # already seeded
        rng = random.Random(enterprise.credit_code)
        contacts = list(enterprise.contacts.all())
        # Some enterprises are left unvisited for a while, so that coverage has gaps.
        count = 0 if n % 6 == 5 else rng.randint(1, 4)
        days = sorted(rng.sample(range(3, 180), count), reverse=True)
        for i, days_ago in enumerate(days):
            needs = []
            # Every fourth enterprise's latest visit was on site, recently, and heard needs.
            if categories and n % 4 == 0 and i == len(days) - 1:
                kind, days_ago = Visit.Kind.ON_SITE, min(days_ago, 20)
                for hint, text in rng.sample(NEEDS, rng.randint(1, 2)):
                    needs.append(
                        Need(category=_category_for(categories, hint, rng), description=text)
                    )
            else:  # every kind in turn
                kind = kinds[cycle % len(kinds)]
                cycle += 1
            visit_log(
                actor=officer,
                enterprise=enterprise,
                kind=kind,
                happened_at=_at(today - timedelta(days=days_ago), rng.choice([9, 10, 14, 15])),
                lead=officer,
                attendees=[c for c in contacts if c.is_primary],
                summary=SUMMARIES[kind],
                place=enterprise.address if kind != Visit.Kind.PHONE else "",
                confidentiality=rng.choice(list(Visit.Confidentiality)),
                needs=needs,
                backdate_needs=True,
            )
            created += 1
            needs_created += len(needs)
        if n % 3 == 0:
            visit_plan(
                actor=officer,
                enterprise=enterprise,
                kind=Visit.Kind.ON_SITE,
                planned_on=today + timedelta(days=1 + n % 5),
                lead=officer,
                summary="回访前期反映问题办理情况，宣讲最新惠企政策。",
            )
            created += 1
        if n % 4 == 1:
            plan = visit_plan(
                actor=officer,
                enterprise=enterprise,
                kind=Visit.Kind.MEETING,
                planned_on=today,
                lead=officer,
            )
            visit_cancel(actor=officer, visit=plan, reason=CANCEL_REASONS[n % 3])
            created += 1
    log(
        f"visits: {created} new ({needs_created} needs became issues), "
        f"{Visit.objects.count()} in all"
    )
