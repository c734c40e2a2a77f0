"""The default catalogue of issue categories (诉求分类), loaded by migration 0002 and by the
demo seeder. Administrators edit it afterwards in the admin; loading again never overwrites
an existing category (matched by code).

Entry: code, name, requires_review, (ack_limit, ack_unit), (resolve_limit, resolve_unit).
Revisit limit (2 working days) and warning band (20 %) are the model defaults.
"""

from decimal import Decimal

D, H = "working_days", "working_hours"

CATALOGUE = [
    (
        ("proc", "手续办理"),
        [
            ("proc.construction", "施工许可", False, (1, D), (5, D)),
            ("proc.realestate", "不动产登记", False, (1, D), (5, D)),
            ("proc.project", "项目审批与备案", True, (1, D), (10, D)),
            ("proc.company", "企业开办与变更", False, (4, H), (3, D)),
            ("proc.license", "证照办理", False, (1, D), (5, D)),
            ("proc.acceptance", "竣工验收", True, (1, D), (10, D)),
        ],
    ),
    (
        ("elem", "要素保障"),
        [
            ("elem.labour", "用工招聘", False, (1, D), (5, D)),
            ("elem.finance", "融资信贷", False, (1, D), (10, D)),
            ("elem.land", "用地保障", True, (1, D), (15, D)),
            ("elem.utilities", "水电气热", False, (4, H), (5, D)),
            ("elem.logistics", "物流运输", False, (1, D), (5, D)),
            ("elem.talent", "人才引进与安居", False, (1, D), (10, D)),
        ],
    ),
    (
        ("policy", "政策咨询"),
        [
            ("policy.benefit", "惠企政策兑现", True, (1, D), (10, D)),
            ("policy.tax", "税费政策", False, (1, D), (3, D)),
            ("policy.innovation", "科技创新政策", False, (1, D), (5, D)),
            ("policy.employment", "稳岗就业政策", False, (1, D), (5, D)),
        ],
    ),
    (
        ("market", "市场对接"),
        [
            ("market.supply", "产销对接", False, (1, D), (10, D)),
            ("market.procurement", "政府采购", False, (1, D), (10, D)),
            ("market.expo", "展会与招商对接", False, (1, D), (10, D)),
        ],
    ),
    (
        ("supervision", "监管检查"),
        [
            ("supervision.inspection", "涉企检查", False, (1, D), (5, D)),
            ("supervision.penalty", "行政处罚", True, (1, D), (10, D)),
            ("supervision.credit", "信用修复", False, (1, D), (5, D)),
        ],
    ),
    (
        ("infra", "基础设施配套"),
        [
            ("infra.road", "道路交通", False, (1, D), (15, D)),
            ("infra.environment", "周边环境整治", False, (1, D), (10, D)),
        ],
    ),
    (("other", "其他"), [("other.general", "其他诉求", False, (1, D), (5, D))]),
]


def load_catalogue(Category) -> int:  # a model class (historical in migrations)
    """Create the missing categories; return how many were created."""
    created = 0
    for order, ((code, name), children) in enumerate(CATALOGUE, start=1):
        parent, made = Category.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order * 10}
        )
        created += made
        for sub, (c_code, c_name, review, ack, resolve) in enumerate(children, start=1):
            _, made = Category.objects.get_or_create(
                code=c_code,
                defaults={
                    "parent": parent,
                    "name": c_name,
                    "sort_order": sub,
                    "requires_review": review,
                    "ack_limit": Decimal(ack[0]),
                    "ack_unit": ack[1],
                    "resolve_limit": Decimal(resolve[0]),
                    "resolve_unit": resolve[1],
                },
            )
            created += made
    return created
