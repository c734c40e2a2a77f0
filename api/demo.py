"""Demo data for the API (idempotent): the city's 12345 hotline as an integration account of
江南区, and two work orders it filed — through the same intake service the API calls. No token
is created (a key is shown once): an administrator issues one in the admin."""

from __future__ import annotations

import secrets

from accounts.models import Region, User
from accounts.services import system_user, user_create
from api.intake import work_order_receive
from api.models import Integration
from enterprises.models import Enterprise
from issues.models import Category

DISTRICT_CODE = "420102"
ORDERS = [
    ("GD-DEMO-0001", "陈先生", "厂区门口道路积水严重，货车进出困难，已持续一周。", "infra.road"),
    ("GD-DEMO-0002", "刘女士", "企业反映周边夜间施工噪音扰民，影响员工休息。", "infra.environment"),
]


def seed(log=print) -> None:
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    category = Category.objects.filter(code="infra.road").first()
    if district is None or category is None:
        return
    account = User.objects.filter(username="hotline12345").first() or user_create(
        actor=system_user(), username="hotline12345", password=None, display_name="12345 热线"
    )
    integration, created = Integration.objects.get_or_create(
        code="jc12345",
        defaults={
            "name": "江城市 12345 政务服务便民热线",
            "account": account,
            "region": district,
            "default_category": category,
            "secret": secrets.token_urlsafe(32),
        },
    )
    enterprises = list(
        Enterprise.objects.filter(region__path__startswith=district.path).order_by("pk")[:2]
    )
    for (order_no, caller, text, code), enterprise in zip(ORDERS, enterprises, strict=False):
        work_order_receive(
            integration=integration,
            data={
                "工单编号": order_no,
                "来电人": caller,
                "诉求内容": text,
                "企业统一社会信用代码": enterprise.credit_code,
                "分类编码": code,
            },
        )
    log(f"api: integration {integration.code} ({'created' if created else 'already there'})")
