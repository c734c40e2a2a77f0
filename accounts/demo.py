"""Demo jurisdiction, units and people (idempotent). See README "Demo logins"."""

from __future__ import annotations

from accounts.models import Region, Role, Unit, User
from accounts.services import membership_grant, system_user, user_create

DEMO_PASSWORD = "Qinqing@2026"

CITY = ("420100", "江城市", Region.Kind.CITY)
DISTRICT = ("420102", "江南区", Region.Kind.DISTRICT)
CHILDREN = [
    ("420102001", "城关街道", Region.Kind.STREET),
    ("420102002", "滨江街道", Region.Kind.STREET),
    ("420102003", "新华街道", Region.Kind.STREET),
    ("420102004", "东湖街道", Region.Kind.STREET),
    ("420102501", "江南高新技术产业园", Region.Kind.PARK),
    ("420102502", "临港经济开发区", Region.Kind.PARK),
]

LINE_UNITS = [
    ("江南区发展和改革局", "区发改局"),
    ("江南区工业和信息化局", "区工信局"),
    ("江南区市场监督管理局", "区市场监管局"),
    ("江南区自然资源和规划局", "区自然资源局"),
    ("江南区住房和城乡建设局", "区住建局"),
    ("江南区人力资源和社会保障局", "区人社局"),
    ("江南区商务局", "区商务局"),
    ("江南区科学技术局", "区科技局"),
    ("江南区政务服务和大数据管理局", "区政务服务局"),
    ("江南区地方金融工作局", "区金融局"),
    ("国家税务总局江城市江南区税务局", "区税务局"),
    ("江城市生态环境局江南区分局", "区生态环境分局"),
]

# username, display name, staff no, phone, [(role, region code or unit short name)]
PEOPLE = [
    ("admin", "系统管理员", "A0001", "13800000001", [(Role.ADMIN, "420100")]),
    ("dispatcher", "王敏", "D0001", "13800000002", [(Role.DISPATCHER, "420102")]),
    ("leader", "赵志刚", "L0001", "13800000003", [(Role.LEADER, "420102")]),
    ("liaison", "张伟", "S0001", "13800000004", [(Role.LIAISON, "420102")]),
    ("liaison2", "李娜", "S0002", "13800000005", [(Role.LIAISON, "420102")]),
    ("bbleader", "刘强", "B0001", "13800000006", [(Role.RESPONSIBLE_LEADER, "420102")]),
    ("handler", "陈静", "H0001", "13800000007", [(Role.HANDLER, "区人社局")]),
    ("handler2", "孙浩", "H0002", "13800000008", [(Role.HANDLER, "区自然资源局")]),
    ("unithead", "周丽", "U0001", "13800000009", [(Role.UNIT_HEAD, "区人社局")]),
    # Two roles at once: a liaison who is also the dispatcher's deputy.
    (
        "deputy",
        "吴磊",
        "D0002",
        "13800000010",
        [(Role.LIAISON, "420102"), (Role.DISPATCHER, "420102501")],
    ),
]
PEOPLE.append(
    # Writes policies in the Wagtail admin (/cms/); `admin` reviews and publishes them.
    ("editor", "钱芳", "E0001", "13800000011", [(Role.POLICY_EDITOR, "420102")])
)
# The enterprise user is created by enterprises.demo, which has the enterprise to bind it to.


def _region(code: str, name: str, kind: str, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is not None:
        return region
    if parent is None:
        return Region.add_root(code=code, name=name, kind=kind)
    parent.refresh_from_db()
    return parent.add_child(code=code, name=name, kind=kind)


def seed(log=print) -> None:
    actor = system_user()
    city = _region(*CITY, parent=None)
    district = _region(*DISTRICT, parent=city)
    children = [_region(*child, parent=district) for child in CHILDREN]

    for name, short in LINE_UNITS:
        Unit.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": Unit.Kind.LINE, "region": district}
        )
    for region in children:
        suffix = "办事处" if region.kind == Region.Kind.STREET else "管理委员会"
        Unit.objects.get_or_create(
            name=f"{region.name}{suffix}",
            defaults={
                "short_name": region.name,
                "kind": Unit.Kind.TERRITORIAL,
                "region": region,
            },
        )

    for username, display_name, staff_no, phone, roles in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                display_name=display_name,
                staff_no=staff_no,
                phone=phone,
                email=f"{username}@demo.qinqing.local",
                is_superuser=username == "admin",
            )
        for role, where in roles:
            if role in (Role.HANDLER, Role.UNIT_HEAD):
                membership_grant(
                    actor=actor, user=user, role=role, unit=Unit.objects.get(short_name=where)
                )
            else:
                membership_grant(
                    actor=actor, user=user, role=role, region=Region.objects.get(code=where)
                )
    log(
        f"accounts: {Region.objects.count()} regions, {Unit.objects.count()} units, "
        f"{User.objects.count()} people"
    )
