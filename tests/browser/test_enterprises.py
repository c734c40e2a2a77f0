"""Enterprises in a real browser: what a liaison sees, and an administrator's ledger import."""

import io

from openpyxl import Workbook

from enterprises.ledger.columns import COLUMNS
from enterprises.models import Enterprise, LiaisonAssignment
from tests.browser.conftest import login, shot
from tests.factories import credit_code


def ledger(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append([row.get(c.header, "") for c in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def row(n, **overrides):
    values = {
        "统一社会信用代码": credit_code(880000 + n),
        "企业名称": f"江城导入示范{n}有限公司",
        "所属辖区": "420102001",
        "行业门类": "C",
        "规模": "小型",
        "标签": "专精特新",
        "联络员工号或手机号": "S0002",
        "包保领导工号或手机号": "B0001",
        "联系人": "孙经理",
        "联系人电话": "13911112222",
    }
    values.update(overrides)
    return values


def test_a_liaison_sees_only_their_enterprises(page_factory):
    page = page_factory()
    login(page, "liaison")
    page.get_by_test_id("main-nav").get_by_text("企业", exact=True).click()
    page.wait_for_load_state("networkidle")
    rows = page.get_by_test_id("enterprise-row")
    mine = set(
        LiaisonAssignment.objects.active()
        .filter(person__username="liaison", kind="liaison")
        .values_list("enterprise__name", flat=True)
    )
    shown = {rows.nth(i).locator("a").first.inner_text() for i in range(rows.count())}
    assert shown and shown <= mine
    assert "江南精密机械有限公司" in page.content()
    shot(page, "enterprises-liaison-list")
    page.get_by_role("link", name="江南精密机械有限公司").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("enterprise-name").inner_text() == "江南精密机械有限公司"
    # the liaison sees the contacts' full phone numbers
    phone = page.get_by_test_id("contact-phone").first.inner_text()
    assert "*" not in phone and phone.startswith("1")
    shot(page, "enterprises-liaison-detail")
    # another liaison's enterprise is a 404
    other = (
        LiaisonAssignment.objects.active()
        .filter(person__username="liaison2", kind="liaison")
        .values_list("enterprise_id", flat=True)
        .first()
    )
    response = page.goto(f"/enterprises/{other}/")
    assert response.status == 404


def test_the_list_on_a_phone_folds_the_filters(page_factory):
    page = page_factory(width=390, height=844)
    login(page, "dispatcher")
    page.goto("/enterprises/")
    assert not page.get_by_test_id("filters").is_visible()
    page.get_by_role("button", name="筛选").click()
    page.get_by_test_id("filters").wait_for(state="visible")
    shot(page, "enterprises-phone-filters")


def test_an_administrator_imports_a_ledger_fixes_an_error_and_imports_it(page_factory, tmp_path):
    page = page_factory()
    login(page, "admin")
    page.goto("/enterprises/")
    page.get_by_role("link", name="台账导入").click()
    page.wait_for_load_state("networkidle")
    bad = ledger(tmp_path / "台账-有误.xlsx", [row(1), row(2, 所属辖区="火星街道"), row(3)])
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state("networkidle")
    errors = page.get_by_test_id("import-errors")
    assert "第 3 行" in errors.inner_text()
    assert "未知的辖区“火星街道”" in errors.inner_text()
    assert page.get_by_test_id("confirm-import").count() == 0
    shot(page, "enterprises-import-error")
    assert not Enterprise.objects.filter(name__startswith="江城导入示范").exists()

    good = ledger(tmp_path / "台账-已修改.xlsx", [row(1), row(2, 所属辖区="滨江街道"), row(3)])
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state("networkidle")
    assert "将新增 3 家企业" in page.get_by_test_id("import-preview").inner_text()
    shot(page, "enterprises-import-preview")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    assert "新增 3 家企业" in page.get_by_test_id("import-done").inner_text()
    shot(page, "enterprises-import-done")
    assert Enterprise.objects.filter(name__startswith="江城导入示范").count() == 3
    imported = Enterprise.objects.get(name="江城导入示范2有限公司")
    assert imported.region.name == "滨江街道"
    assert imported.assignments.active().get(kind="liaison").person.username == "liaison2"

    page.goto(imported.get_absolute_url())
    assert "台账导入" in page.get_by_test_id("change-history").inner_text()
    shot(page, "enterprises-imported-detail")
