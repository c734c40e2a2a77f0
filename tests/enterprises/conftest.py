"""Helpers for the enterprises tests, on top of the shared `world` (tests/conftest.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from enterprises.industries import ensure_taxonomy
from enterprises.ledger.columns import COLUMNS
from enterprises.models import Contact
from tests.factories import credit_code

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def taxonomy(db):
    """GB/T 4754 and the tags come from a data migration; a transactional test elsewhere in the
    run may have flushed them."""
    ensure_taxonomy()


@pytest.fixture
def login_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def ent_a_contact(world):
    return Contact.objects.create(
        enterprise=world.ent_a, name="赵经理", phone="13812345678", is_primary=True
    )


def ledger_row(n: int, **overrides) -> dict:
    """A valid ledger row (by header) for a new enterprise n, in the `world`'s 城关街道."""
    row = {
        "统一社会信用代码": credit_code(900000 + n),
        "企业名称": f"导入测试{n}有限公司",
        "法定代表人": "王五",
        "成立日期": "2018-06-01",
        "注册资本（万元）": "500",
        "地址": "城关街道解放路1号",
        "所属辖区": "420102001",
        "行业门类": "C",
        "规模": "小型",
        "标签": "专精特新、高新技术企业",
        "状态": "存续",
        "走访频次（天）": "30",
        "联络员工号或手机号": "",
        "包保领导工号或手机号": "",
        "联系人": "赵六",
        "联系人电话": "13912345678",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], *, encoding="utf-8-sig", headers=HEADERS) -> bytes:
    lines = [",".join(headers)]
    for row in rows:
        lines.append(",".join(str(row.get(h, "")) for h in headers))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(content: bytes, name="台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
