"""Demo data for issues (idempotent): the catalogue, routing rules for the demo district, a
handler for every routed unit, ~40 issues in every state and a few improvement actions.

Every issue is driven through the real services (`issue_register`, `issue_transition`) by the
people who would act in real life. To spread them over the last three months, each call passes
`at=` — the services' documented backdating parameter for imports — so timestamps, events and
history rows agree with each other. Issues are only created when there are none yet; with no
enterprises (or no demo district) only the catalogue and the rules are loaded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Region, Role, RoleMembership, Unit, User
from accounts.services import membership_grant, system_user, user_create
from issues.catalogue_data import load_catalogue
from issues.models import Category, ImprovementAction, Issue, RoutingRule
from issues.services import (
    WorkflowError,
    improvement_create,
    improvement_set_status,
    issue_register,
    issue_transition,
)

DISTRICT_CODE = "420102"
DEMO_PASSWORD = "Qinqing@2026"  # the documented demo password (accounts.demo)

# category code -> lead unit short name (江南区); (category, street code) -> territorial unit
RULES = {
    "proc.construction": "区住建局",
    "proc.realestate": "区自然资源局",
    "proc.project": "区发改局",
    "proc.company": "区市场监管局",
    "proc.license": "区政务服务局",
    "proc.acceptance": "区住建局",
    "elem.labour": "区人社局",
    "elem.finance": "区金融局",
    "elem.land": "区自然资源局",
    "elem.utilities": "区发改局",
    "elem.logistics": "区商务局",
    "elem.talent": "区人社局",
    "policy.benefit": "区工信局",
    "policy.tax": "区税务局",
    "policy.innovation": "区科技局",
    "policy.employment": "区人社局",
    "market.supply": "区商务局",
    "market.procurement": "区商务局",
    "market.expo": "区商务局",
    "supervision.inspection": "区市场监管局",
    "supervision.penalty": "区市场监管局",
    "supervision.credit": "区发改局",
    "infra.road": "区住建局",
    "infra.environment": "区生态环境分局",
}
STREET_RULES = {
    ("infra.environment", "420102001"): "城关街道",
    ("infra.road", "420102002"): "滨江街道",
}
SUPPORT = {"elem.land": ["区发改局"], "proc.acceptance": ["区自然资源局"]}

# Handlers for routed units that have nobody yet: username, name, unit short name.
HANDLERS = [
    ("handler_zj", "黄磊", "区住建局"),
    ("handler_fg", "马丽", "区发改局"),
    ("handler_sj", "郭涛", "区市场监管局"),
    ("handler_zw", "林芳", "区政务服务局"),
    ("handler_jr", "何军", "区金融局"),
    ("handler_sw", "高洁", "区商务局"),
    ("handler_gx", "罗斌", "区工信局"),
    ("handler_ss", "梁燕", "区税务局"),
    ("handler_kj", "宋杰", "区科技局"),
    ("handler_hb", "谢婷", "区生态环境分局"),
    ("handler_cg", "韩冰", "城关街道"),
    ("handler_bj", "唐宁", "滨江街道"),
]

# category, title, description
CASES = [
    (
        "elem.labour",
        "二季度熟练焊工缺口 30 人",
        "订单增长，急需熟练焊工 30 名，希望协助组织专场招聘。",
    ),
    ("elem.labour", "新厂区一线操作工招聘困难", "新厂区投产在即，一线操作工缺口约 80 人。"),
    ("elem.finance", "设备更新贷款贴息申请", "计划购置数控机床，申请设备更新贷款贴息政策支持。"),
    (
        "elem.finance",
        "流动资金贷款续贷",
        "一笔 500 万元流动资金贷款即将到期，希望协调银行无还本续贷。",
    ),
    ("elem.land", "二期项目用地指标", "二期扩产项目需新增用地约 30 亩，请协调用地指标。"),
    ("elem.utilities", "新生产线用电增容", "新生产线投产需增容 800 千伏安，供电方案迟迟未出。"),
    ("elem.utilities", "厂区天然气管道接入", "食堂和烘干车间需接入天然气，报装进度缓慢。"),
    ("elem.utilities", "厂区供水压力不足", "夏季用水高峰期厂区水压不足，影响冷却系统运行。"),
    ("elem.logistics", "货车通行证办理", "城区配送货车需要办理通行证，咨询办理渠道。"),
    ("elem.talent", "引进博士人才安居补贴", "公司引进两名博士，咨询人才公寓和安居补贴申请。"),
    ("proc.construction", "厂房扩建施工许可加快办理", "扩建厂房已完成图审，希望加快施工许可办理。"),
    (
        "proc.construction",
        "钢结构车间施工许可材料咨询",
        "钢结构车间施工许可需要哪些材料，能否容缺受理。",
    ),
    ("proc.realestate", "新购厂房不动产登记", "新购厂房办理不动产转移登记，资料已齐全。"),
    ("proc.realestate", "土地抵押登记办理", "为融资办理土地使用权抵押登记，希望一次办结。"),
    ("proc.project", "技改项目备案", "智能化技改项目需要备案，咨询备案流程和时限。"),
    ("proc.company", "经营范围变更登记", "新增医疗器械销售业务，需要变更经营范围。"),
    ("proc.license", "食品经营许可证延续", "食品经营许可证下月到期，申请延续。"),
    ("proc.acceptance", "仓库竣工联合验收", "新建仓库已完工，申请联合验收。"),
    ("policy.benefit", "专精特新企业奖励兑现", "去年认定为省级专精特新企业，奖励资金尚未兑现。"),
    ("policy.benefit", "技改补贴申报", "咨询今年技改补贴申报条件和时间。"),
    ("policy.tax", "研发费用加计扣除政策咨询", "咨询研发费用加计扣除的归集口径。"),
    ("policy.tax", "留抵退税办理", "申请增值税增量留抵退税，希望了解进度。"),
    ("policy.innovation", "高新技术企业认定辅导", "计划申报高新技术企业，希望得到申报辅导。"),
    ("policy.employment", "稳岗返还资金到账查询", "稳岗返还公示已过，资金尚未到账。"),
    ("market.supply", "对接本地汽车整车厂配套", "希望对接区内整车厂，进入其零部件供应商名录。"),
    ("market.procurement", "参与政府采购项目咨询", "咨询中小企业参与政府采购的预留份额政策。"),
    ("market.expo", "参加进博会展位申请", "希望通过区商务局申请进博会展位。"),
    ("supervision.inspection", "同一事项重复检查", "本月已接受三次消防检查，希望合并检查。"),
    ("supervision.penalty", "首违不罚适用申请", "因标签瑕疵被立案，申请适用首违不罚。"),
    ("supervision.credit", "行政处罚信用修复", "两年前的行政处罚已整改完毕，申请信用修复。"),
    ("infra.road", "厂区门口道路破损", "厂区门口道路破损严重，大货车通行困难。"),
    ("infra.road", "园区公交线路延伸", "员工通勤不便，希望公交线路延伸至园区。"),
    ("infra.environment", "周边餐饮油烟扰民", "厂区宿舍周边餐饮油烟影响员工休息。"),
    ("infra.environment", "排污管网接入", "新建车间需接入市政排污管网。"),
    ("other.general", "企业搬迁选址咨询", "企业拟整体搬迁，咨询区内可选的园区载体。"),
    ("other.general", "员工子女入学咨询", "外地骨干员工子女入学，咨询积分入学政策。"),
    ("elem.labour", "技能人才培训补贴", "组织员工参加焊工技能培训，咨询培训补贴。"),
    ("elem.finance", "知识产权质押融资", "拥有 12 项发明专利，希望办理知识产权质押融资。"),
    ("proc.license", "排污许可证变更", "产能调整后需变更排污许可证。"),
    ("policy.benefit", "首台套保险补偿申报", "新研制的智能装备申请首台套保险补偿。"),
]

# How many cases end in each state (40 in all); see `_plan` for which case gets which.
PLAN = (
    ["closed"] * 11
    + ["resolved"] * 5
    + ["in_progress"] * 7
    + ["waiting_enterprise"] * 3
    + ["returned"] * 2
    + ["dispatched"] * 4
    + ["new"] * 2
    + ["withdrawn", "merged"]
)


def _plan(cats: dict) -> list[str]:
    """The target state of each case: two cases of categories that need review end in review,
    the two 其他 cases (no routing rule) stay new, the rest follow PLAN in order."""
    review = [i for i, c in enumerate(CASES) if cats[c[0]].requires_review][:2]
    new = [i for i, c in enumerate(CASES) if c[0] == "other.general"][:2]
    rest = iter(PLAN)
    return [
        "review" if i in review else "new" if i in new else next(rest) for i in range(len(CASES))
    ]


def _ensure_rules(log) -> None:
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return
    units = {u.short_name: u for u in Unit.objects.filter(is_active=True)}
    cats = {c.code: c for c in Category.objects.all()}
    made = 0
    for code, unit_name in RULES.items():
        if code in cats and unit_name in units:
            rule, created = RoutingRule.objects.get_or_create(
                category=cats[code], region=district, defaults={"lead_unit": units[unit_name]}
            )
            made += created
            if created:
                rule.supporting_units.add(*[units[s] for s in SUPPORT.get(code, ()) if s in units])
    for (code, street_code), unit_name in STREET_RULES.items():
        street = Region.objects.filter(code=street_code).first()
        if street and code in cats and unit_name in units:
            made += RoutingRule.objects.get_or_create(
                category=cats[code], region=street, defaults={"lead_unit": units[unit_name]}
            )[1]
    log(f"issues: {made} routing rules added")


def _ensure_handlers(actor) -> None:
    for username, name, unit_name in HANDLERS:
        unit = Unit.objects.filter(short_name=unit_name).first()
        if unit is None or RoleMembership.objects.active().filter(unit=unit).exists():
            continue
        user = User.objects.filter(username=username).first() or user_create(
            actor=actor,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            email=f"{username}@demo.qinqing.local",
        )
        membership_grant(actor=actor, user=user, role=Role.HANDLER, unit=unit)


def _unit_staff(unit_id: int) -> User | None:
    membership = (
        RoleMembership.objects.active()
        .filter(unit_id=unit_id, role__in=[Role.HANDLER, Role.UNIT_HEAD])
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


class _Story:
    """One demo issue, told step by step at increasing times."""

    def __init__(self, issue: Issue, clock: datetime, people: dict) -> None:
        self.issue, self.clock, self.people = issue, clock, people

    def act(self, who: User | None, action: str, hours: float, **data) -> bool:
        if who is None:
            return False
        self.clock = min(self.clock + timedelta(hours=hours), timezone.now())
        self.issue = issue_transition(
            actor=who, issue_id=self.issue.pk, action=action, at=self.clock, **data
        )
        return True


def _tell(story: _Story, target: str, rng: random.Random, other: Issue | None) -> None:
    p = story.people
    issue = story.issue
    if target == "new":
        return
    if target == "withdrawn":
        story.act(issue.registered_by, "withdraw", 20, reason="企业已通过其他渠道解决。")
        return
    if target == "merged" and other is not None:
        story.act(p["dispatcher"], "merge", 6, into=other, reason="与已登记诉求重复。")
        return
    if issue.state == "new":
        unit = Unit.objects.filter(short_name="区政务服务局").first()
        if unit is None or not story.act(p["dispatcher"], "dispatch", 3, lead_unit=unit):
            return
    handler = _unit_staff(story.issue.lead_unit_id)
    if target == "dispatched" or handler is None:
        return
    if target == "returned":
        story.act(handler, "return", rng.uniform(2, 8), reason="该事项不属于本单位职责范围。")
        return
    story.act(handler, "acknowledge", rng.uniform(1, 10))
    if rng.random() < 0.4:
        story.act(
            handler, "progress_reply", rng.uniform(20, 40), text="已与企业对接，正在协调办理。"
        )
    if target == "waiting_enterprise":
        story.act(handler, "ask_enterprise", rng.uniform(4, 20), question="请补充相关证明材料。")
        return
    if rng.random() < 0.3:
        story.act(handler, "request_extension", 24, days=3, reason="需多部门会商。")
        story.act(p["dispatcher"], "decide_extension", 4, decision="approve")
    if target == "in_progress":
        return
    outcome = rng.choice(["solved"] * 7 + ["partly_solved"] * 2 + ["explained"])
    extra = (
        {"outcome_reason": "现行政策暂不支持。", "policy_basis": "相关政策文件第三条"}
        if outcome == "explained"
        else {}
    )
    reply = (
        "经协调，已按企业诉求办理完毕。"
        if outcome == "solved"
        else "已部分落实，其余事项持续跟进。"
    )
    story.act(handler, "resolve", rng.uniform(30, 120), outcome=outcome, reply=reply, **extra)
    if story.issue.state == "review":
        if target == "review":
            return
        story.act(p["dispatcher"], "review", 6, decision="pass")
    if target == "resolved":
        return
    revisitor = p["liaison"] or p["dispatcher"]
    if rng.random() < 0.2:  # a rework: the first revisit finds the enterprise dissatisfied
        story.act(revisitor, "revisit", 24, satisfaction="dissatisfied", comment="问题未彻底解决。")
        story.act(handler, "resolve", 48, outcome="solved", reply="已再次协调，问题彻底解决。")
        if story.issue.state == "review":
            story.act(p["dispatcher"], "review", 6, decision="pass")
    satisfaction = rng.choice(["satisfied"] * 8 + ["basically_satisfied"] * 2)
    story.act(revisitor, "revisit", rng.uniform(10, 30), satisfaction=satisfaction)


def _seed_issues(log) -> None:
    from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment

    district = Region.objects.filter(code=DISTRICT_CODE).first()
    dispatcher = User.objects.filter(username="dispatcher").first()
    enterprises = list(
        Enterprise.objects.filter(region__path__startswith=district.path).order_by("pk")[:60]
        if district
        else []
    )
    if not enterprises or dispatcher is None:
        log("issues: no demo enterprises or dispatcher yet, no demo issues")
        return
    rng = random.Random(2026)
    now = timezone.now()
    cats = {c.code: c for c in Category.objects.all()}
    created: list[Issue] = []
    for index, ((code, title, description), target) in enumerate(
        zip(CASES, _plan(cats), strict=True)
    ):
        enterprise = enterprises[index % len(enterprises)]
        other = None
        if target == "merged":  # a duplicate of an issue of the same enterprise still in work
            other = next((i for i in created if i.state == "in_progress"), None)
            enterprise = other.enterprise if other else enterprise
        liaison = (
            LiaisonAssignment.objects.active()
            .filter(enterprise=enterprise, kind="liaison")
            .select_related("person")
            .first()
        )
        member = EnterpriseMembership.objects.filter(enterprise=enterprise, is_active=True).first()
        people = {"dispatcher": dispatcher, "liaison": liaison.person if liaison else None}
        # Older for issues further along the loop; all within the last 90 days.
        age = {"closed": 85, "resolved": 40, "review": 30, "withdrawn": 50, "merged": 45}
        days_ago = rng.uniform(12, age.get(target, 25)) if target != "new" else rng.uniform(0.2, 2)
        registered_at = now - timedelta(days=days_ago)
        portal = member is not None and index % 5 == 0
        source = (
            Issue.Source.BANCHENG
            if target == "new" and index % 2 == 0
            else Issue.Source.PORTAL
            if portal
            else rng.choice([Issue.Source.VISIT] * 4 + [Issue.Source.PHONE, Issue.Source.HOTLINE])
        )
        registrant = (
            member.user
            if source in (Issue.Source.PORTAL, Issue.Source.BANCHENG) and member
            else people["liaison"] or dispatcher
        )
        try:
            issue = issue_register(
                actor=registrant,
                enterprise=enterprise,
                source=source,
                category=cats[code],
                title=title,
                description=description,
                priority="urgent" if index % 9 == 0 else "normal",
                registered_via="portal" if source == Issue.Source.PORTAL else "web",
                at=registered_at,
            )
            story = _Story(issue, registered_at, people)
            _tell(story, target, rng, other)
        except WorkflowError as exc:  # a demo world without the expected people: skip the case
            log(f"issues: demo case {title!r} stopped: {exc.messages[0]}")
            continue
        created.append(story.issue)
    log(f"issues: {len(created)} demo issues")
    _seed_improvements(dispatcher, district, created)


def _seed_improvements(dispatcher: User, district: Region, issues: list[Issue]) -> None:
    by_code: dict[str, list[Issue]] = {}
    for issue in Issue.objects.filter(pk__in=[i.pk for i in issues]).select_related("category"):
        by_code.setdefault(issue.category.code.split(".")[0], []).append(issue)
    units = {u.short_name: u for u in Unit.objects.all()}
    items = [
        ("施工许可“并联审批、容缺受理”", "process_simplification", "区住建局", "proc", "done"),
        ("水电气报装“一件事一次办”", "process_simplification", "区发改局", "elem", "in_progress"),
        ("惠企政策“免申即享”清单", "policy_change", "区工信局", "policy", "proposed"),
        ("涉企检查“综合查一次”", "systemic_fix", "区市场监管局", "supervision", "done"),
    ]
    for title, kind, unit, code, status in items:
        if ImprovementAction.objects.filter(title=title).exists():
            continue
        action = improvement_create(
            actor=dispatcher,
            region=district,
            title=title,
            kind=kind,
            description="由多件同类诉求归纳而来，从解决一件事到解决一类事。",
            owner_unit=units.get(unit),
            issues=by_code.get(code, [])[:4],
        )
        if status != "proposed":
            improvement_set_status(actor=dispatcher, improvement_id=action.pk, status=status)


def seed(log=print) -> None:
    actor = system_user()
    load_catalogue(Category)
    _ensure_rules(log)
    _ensure_handlers(actor)
    if Issue.objects.exists():
        log(f"issues: {Issue.objects.count()} issues already there")
        return
    _seed_issues(log)
