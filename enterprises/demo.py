"""Demo enterprises, contacts, liaisons and the enterprise user `qiye` (idempotent).

66 enterprises of the five statistical sectors in the demo district's streets and parks, each
with contacts, a liaison (`liaison`, `liaison2` or `deputy`) and the responsible leader
`bbleader`; some were handed over from one liaison to another (their history shows it).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from accounts.demo import DEMO_PASSWORD
from accounts.models import Region, User
from accounts.services import system_user, user_create
from enterprises.industries import ensure_taxonomy
from enterprises.ledger.apply import write_tag_history
from enterprises.models import Contact, Enterprise, Industry, LiaisonAssignment, Tag
from enterprises.services import enterprise_member_add
from enterprises.validators import credit_code_check_char

# (name, 大类 code, scale, region code)
ENTERPRISES = [
    # 工业
    ("江南精密机械有限公司", "34", "medium", "420102501"),
    ("楚天新材料科技股份有限公司", "26", "large", "420102502"),
    ("汉江汽车零部件有限公司", "36", "large", "420102502"),
    ("江城光电子技术有限公司", "39", "medium", "420102501"),
    ("临港精细化工有限公司", "26", "medium", "420102502"),
    ("东湖生物医药有限公司", "27", "medium", "420102501"),
    ("滨江食品有限公司", "14", "small", "420102002"),
    ("江南电气设备制造有限公司", "38", "medium", "420102501"),
    ("江城智能装备有限公司", "35", "small", "420102501"),
    ("楚韵纺织服饰有限公司", "18", "small", "420102003"),
    ("长江船舶配套有限公司", "37", "medium", "420102502"),
    ("江南印刷包装有限公司", "23", "small", "420102004"),
    ("新华家具制造有限公司", "21", "micro", "420102003"),
    ("江城仪器仪表有限公司", "40", "small", "420102501"),
    ("临港金属制品有限公司", "33", "small", "420102502"),
    ("江南热电有限公司", "44", "large", "420102502"),
    ("江城自来水有限公司", "46", "large", "420102001"),
    ("东湖半导体有限公司", "39", "medium", "420102501"),
    # 服务业
    ("江城数智软件有限公司", "65", "small", "420102501"),
    ("楚天云计算科技有限公司", "64", "medium", "420102501"),
    ("江南物流有限公司", "54", "medium", "420102502"),
    ("长江仓储服务有限公司", "59", "small", "420102502"),
    ("江城检验检测技术有限公司", "74", "small", "420102501"),
    ("东湖科技企业孵化器有限公司", "75", "small", "420102501"),
    ("江南人力资源服务有限公司", "72", "small", "420102001"),
    ("滨江会展服务有限公司", "72", "micro", "420102002"),
    ("江城设计研究院有限公司", "74", "medium", "420102003"),
    ("新华物业服务有限公司", "70", "small", "420102003"),
    ("江南融资担保有限公司", "69", "small", "420102001"),
    ("江城文化传媒有限公司", "87", "micro", "420102004"),
    ("东湖健康管理有限公司", "84", "small", "420102004"),
    ("江南职业技能培训学校有限公司", "83", "micro", "420102001"),
    ("江城环保科技有限公司", "77", "small", "420102502"),
    ("楚天汽车租赁有限公司", "71", "micro", "420102002"),
    # 批零餐饮业
    ("江南百货商贸有限公司", "52", "large", "420102001"),
    ("滨江大酒店有限公司", "61", "medium", "420102002"),
    ("楚味餐饮管理有限公司", "62", "small", "420102001"),
    ("江城医药连锁有限公司", "52", "medium", "420102003"),
    ("长江粮油贸易有限公司", "51", "medium", "420102502"),
    ("江南汽车销售服务有限公司", "52", "medium", "420102004"),
    ("新华超市有限公司", "52", "small", "420102003"),
    ("东湖茶餐厅有限公司", "62", "micro", "420102004"),
    ("江城钢材贸易有限公司", "51", "small", "420102502"),
    ("滨江农产品批发市场有限公司", "51", "medium", "420102002"),
    ("江南快捷酒店有限公司", "61", "small", "420102001"),
    ("楚天电子商务有限公司", "52", "small", "420102501"),
    # 建筑业
    ("江城建工集团有限公司", "47", "large", "420102001"),
    ("楚天路桥建设有限公司", "48", "large", "420102502"),
    ("江南建筑安装工程有限公司", "49", "medium", "420102003"),
    ("滨江装饰工程有限公司", "50", "small", "420102002"),
    ("长江市政工程有限公司", "48", "medium", "420102004"),
    ("东湖园林绿化工程有限公司", "48", "small", "420102004"),
    ("江城机电安装有限公司", "49", "small", "420102501"),
    ("新华幕墙工程有限公司", "50", "small", "420102003"),
    ("临港钢结构工程有限公司", "47", "medium", "420102502"),
    # 房地产业
    ("江南置业有限公司", "70", "large", "420102001"),
    ("滨江房地产开发有限公司", "70", "large", "420102002"),
    ("楚天城市更新投资有限公司", "70", "medium", "420102003"),
    ("东湖产业园开发有限公司", "70", "medium", "420102501"),
    ("江城商业地产有限公司", "70", "medium", "420102004"),
    ("临港实业开发有限公司", "70", "large", "420102502"),
    ("新华安居置业有限公司", "70", "small", "420102003"),
    ("江南房屋租赁运营有限公司", "70", "small", "420102001"),
    # 其他（农业）
    ("江城绿色农业发展有限公司", "01", "small", "420102502"),
    ("滨江水产养殖专业合作社", "04", "micro", "420102002"),
    ("东湖花卉苗木有限公司", "05", "micro", "420102004"),
]

SURNAMES = "陈王李张刘杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = ["建国", "海燕", "志强", "丽华", "明", "静", "伟", "芳", "勇", "婷", "军", "霞", "磊", "洁"]
TITLES = ["总经理", "行政经理", "财务总监", "办公室主任", "董事长", "人事经理"]
ROADS = ["解放路", "中山大道", "滨江路", "新华路", "东湖路", "光谷大道", "临港大道", "科技园路"]
HANDOVER_NOTE = "工作调整：原联络员移交在办诉求2件、走访台账及企业联系人，已当面交接。"


def credit_code_for(n: int) -> str:
    first17 = f"91420102MA4K{n:05d}"
    return first17 + credit_code_check_char(first17)


def seed(log=print) -> None:
    """Bulk-created (history attributed to the system account): the browser tests seed the
    demo for every test, so this must stay fast."""
    actor = system_user()
    ensure_taxonomy()
    rng = random.Random(2026)
    regions = {r.code: r for r in Region.objects.filter(code__startswith="420102")}
    industries = {i.code: i for i in Industry.objects.all()}
    tags = {t.name: t.pk for t in Tag.objects.all()}
    people = {u.username: u for u in User.objects.filter(username__in=_OFFICERS)}
    existing = set(
        Enterprise.objects.filter(
            credit_code__in=[credit_code_for(n) for n in range(1, len(ENTERPRISES) + 1)]
        ).values_list("credit_code", flat=True)
    )
    new, draws_of = [], {}
    for n, (name, division, scale, region_code) in enumerate(ENTERPRISES, start=1):
        code = credit_code_for(n)
        # draw the random numbers even for existing rows, so re-runs stay deterministic
        draws = _draws(rng, n, scale, division)
        if code in existing:
            continue
        region = regions[region_code]
        draws_of[code] = (n, draws)
        new.append(
            Enterprise(
                credit_code=code,
                name=name,
                legal_representative=draws["legal"],
                established_on=draws["established"],
                registered_capital=draws["capital"],
                address=f"江城市江南区{region.name}{ROADS[n % len(ROADS)]}{draws['number']}号",
                region=region,
                industry=industries[division],
                scale=scale,
                visit_frequency_days=draws["frequency"],
            )
        )
    if new:
        _write(actor, new, draws_of, tags, people)
    _enterprise_user(actor)
    log(f"enterprises: {Enterprise.objects.count()} enterprises ({len(new)} new)")


def _write(actor, new: list[Enterprise], draws_of: dict, tags: dict, people: dict) -> None:
    new = bulk_create_with_history(
        new, Enterprise, default_user=actor, default_change_reason=REASON
    )
    through = Enterprise.tags.through
    final_tags = {}
    links, contacts, assignments = [], [], []
    for enterprise in new:
        n, draws = draws_of[enterprise.credit_code]
        final_tags[enterprise.pk] = {tags[t] for t in draws["tags"] if t in tags}
        links += [through(enterprise=enterprise, tag_id=t) for t in final_tags[enterprise.pk]]
        for i, (contact_name, title, phone) in enumerate(draws["contacts"]):
            contacts.append(
                Contact(
                    enterprise=enterprise,
                    name=contact_name,
                    title=title,
                    phone=phone,
                    email=f"contact{n}@example.com" if i == 0 else "",
                    is_primary=i == 0,
                )
            )
        assignments += _assignments(enterprise, n, people)
    through.objects.bulk_create(links)
    write_tag_history(REASON, final_tags)
    bulk_create_with_history(contacts, Contact, default_user=actor, default_change_reason=REASON)
    bulk_create_with_history(
        assignments, LiaisonAssignment, default_user=actor, default_change_reason=REASON
    )


REASON = "演示数据"
_OFFICERS = ["liaison", "liaison2", "deputy", "bbleader"]


def _draws(rng: random.Random, n: int, scale: str, division: str) -> dict:
    capital = {"large": 50000, "medium": 5000, "small": 800, "micro": 100}[scale]
    tags = []
    if scale in ("large", "medium"):
        tags.append("四上企业")
    if division in ("26", "27", "34", "35", "38", "39", "40", "64", "65", "74", "75"):
        if rng.random() < 0.6:
            tags.append("高新技术企业")
        if rng.random() < 0.35:
            tags.append("专精特新")
    if scale == "large" or rng.random() < 0.15:
        tags.append("重点企业")
    contacts = [("陈建国", "总经理", "13900000001")] if n == 1 else []  # qiye's enterprise
    for _i in range(1 + (rng.random() < 0.6)):
        contacts.append(
            (
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                rng.choice(TITLES),
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            )
        )
    return {
        "legal": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "established": date(1998 + rng.randrange(26), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        "capital": Decimal(capital) * Decimal(rng.randrange(5, 30)) / 10,
        "number": 1 + rng.randrange(300),
        "frequency": rng.choice([15, 30, 30, 30, 60, 90]),
        "tags": tags,
        "contacts": contacts,
    }


def _assignments(enterprise: Enterprise, n: int, people: dict) -> list[LiaisonAssignment]:
    """`liaison` has the first enterprise (qiye's) and every third; every seventh was handed over
    from `liaison2`; a few still wait for a responsible leader."""
    kind = LiaisonAssignment.Kind
    username = "liaison" if n == 1 else ["liaison", "liaison2", "deputy"][n % 3]
    if username not in people:
        return []
    rows = []
    start = date(2025, 3, 1)
    if n % 7 == 3 and username != "liaison2" and "liaison2" in people:
        handover = date(2026, 6, 1)
        rows.append(
            LiaisonAssignment(
                enterprise=enterprise,
                person=people["liaison2"],
                kind=kind.LIAISON,
                started_on=start,
                ended_on=handover,
                handover_note=HANDOVER_NOTE,
            )
        )
        start = handover
    rows.append(
        LiaisonAssignment(
            enterprise=enterprise, person=people[username], kind=kind.LIAISON, started_on=start
        )
    )
    if "bbleader" in people and n % 5 != 4:
        rows.append(
            LiaisonAssignment(
                enterprise=enterprise,
                person=people["bbleader"],
                kind=kind.LEADER,
                started_on=date(2025, 3, 1),
            )
        )
    return rows


def _enterprise_user(actor) -> None:
    enterprise = Enterprise.objects.get(credit_code=credit_code_for(1))
    user = User.objects.filter(username="qiye").first()
    if user is None:
        user = user_create(
            actor=actor,
            username="qiye",
            password=DEMO_PASSWORD,
            display_name=f"{enterprise.name}·陈总",
            phone="13900000001",
            email="qiye@demo.qinqing.local",
        )
    enterprise_member_add(actor=actor, enterprise=enterprise, user=user)
