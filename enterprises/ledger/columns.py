"""The ledger's columns: the template's headers, and the spellings accepted on upload."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False  # the column must be present and the cell filled
    example: str = ""
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", True, "91420102MA4KA00012", "18位，含校验位"),
    Column("name", "企业名称", True, "江城示例科技有限公司"),
    Column("legal_representative", "法定代表人", example="王五"),
    Column("established_on", "成立日期", example="2018-06-01", help="如 2018-06-01"),
    Column("registered_capital", "注册资本（万元）", example="500"),
    Column("address", "地址", example="江城市江南区城关街道解放路88号"),
    Column("region", "所属辖区", True, "420102001", "辖区名称或区划代码"),
    Column("industry", "行业门类", example="C", help="门类代码（A–T）、大类代码或名称"),
    Column("scale", "规模", example="小型", help="大型、中型、小型、微型"),
    Column("tags", "标签", example="专精特新、高新技术企业", help="多个用、或逗号分隔"),
    Column("status", "状态", example="存续", help="存续或注销，留空为存续"),
    Column("visit_frequency_days", "走访频次（天）", example="30", help="留空为30"),
    Column("liaison", "联络员工号或手机号", example="S0001"),
    Column("leader", "包保领导工号或手机号", example="B0001"),
    Column("contact_name", "联系人", example="赵六"),
    Column("contact_phone", "联系人电话", example="13912345678"),
)
BY_KEY = {c.key: c for c in COLUMNS}

_SPACES = re.compile(r"\s+")


def normalise_header(text) -> str:
    """Headers match whatever the spreadsheet did to spaces and brackets: "注册资本(万元)",
    " 注册资本（万元） " and "注册资本（万元）" are the same column."""
    text = _SPACES.sub("", str(text or "")).replace("(", "（").replace(")", "）")
    return text.lstrip("\ufeff*").rstrip("*")


HEADER_TO_KEY = {normalise_header(c.header): c.key for c in COLUMNS}
# A few spellings seen in real ledgers.
HEADER_TO_KEY.update(
    {
        "信用代码": "credit_code",
        "统一信用代码": "credit_code",
        "注册资本": "registered_capital",
        "辖区": "region",
        "行业": "industry",
        "走访频次": "visit_frequency_days",
        "联络员": "liaison",
        "包保领导": "leader",
    }
)
# Group header + sub-header spellings (联系人 over 姓名 / 电话 reads as 联系人姓名 / 联系人电话).
HEADER_TO_KEY.update(
    {
        "联系人姓名": "contact_name",
        "联系人手机": "contact_phone",
        "联系人手机号": "contact_phone",
        "联系人联系电话": "contact_phone",
        "联系人联系方式": "contact_phone",
        "联系电话": "contact_phone",
    }
)
# One header cell merged across several columns: the keys of those columns, in order
# (联系人 over two columns holds the name, then the phone).
SPANNING: dict[str, tuple[str, ...]] = {"contact_name": ("contact_name", "contact_phone")}
