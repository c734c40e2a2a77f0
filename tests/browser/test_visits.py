"""A liaison logs an on-site visit on a phone (390×844): two needs and a photo, in one step."""

import struct
import zlib

from tests.browser.conftest import login, shot
from visits.models import Visit


def _png(width: int = 64, height: int = 48) -> bytes:
    """A small real PNG (a red-to-blue gradient), made here so the test needs no fixture file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((255 - x * 4, 80, x * 4)) for x in range(width))
        for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_liaison_logs_an_on_site_visit_with_two_needs_and_a_photo_on_a_phone(page_factory):
    page = page_factory(width=390, height=844)
    login(page, "liaison")

    # My coverage: the overdue list offers a one-tap "log visit" per enterprise.
    page.goto("/visits/coverage/mine/")
    assert _fits_the_screen(page)
    shot(page, "visits-phone-my-coverage")
    page.get_by_test_id("log-for-enterprise").first.click()
    page.wait_for_load_state("networkidle")
    enterprise = page.get_by_test_id("log-enterprise").locator(".fw-semibold").inner_text()

    form = page.get_by_test_id("log-form")
    assert form.locator("select[name=kind]").input_value() == "on_site"
    assert form.locator("input[name=happened_at]").input_value()  # defaults to now
    # The camera input opens the phone's back camera.
    photo_input = form.locator("input[name=photos]")
    assert photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("accept") == "image/*"
    camera = page.get_by_test_id("camera")
    assert camera.bounding_box()["height"] >= 44

    form.locator("textarea[name=summary]").fill(
        "走访生产车间，企业订单饱满，反映用工和融资两方面困难。"
    )
    photo_input.set_input_files(
        files=[{"name": "车间.png", "mimeType": "image/png", "buffer": _png()}]
    )
    assert "车间.png" in page.get_by_test_id("photo-names").inner_text()

    needs = page.get_by_test_id("needs")
    first = needs.get_by_test_id("need").nth(0)
    first.locator("select").select_option(label="要素保障 / 用工招聘")
    first.locator("textarea").fill("扩产后一线操作工缺口约 30 人。")
    page.get_by_test_id("add-need").click()
    second = needs.get_by_test_id("need").nth(1)
    second.locator("select").select_option(label="要素保障 / 融资信贷")
    second.locator("textarea").fill("技改项目资金缺口 500 万元，希望对接贴息贷款。")
    assert _fits_the_screen(page)
    shot(page, "visits-phone-log-form")

    save = page.get_by_test_id("save-visit")
    assert save.bounding_box()["height"] >= 44
    save.click()
    page.wait_for_load_state("networkidle")

    # The visit page: done, the photo, and two issues raised from it.
    assert "并生成 2 条诉求" in page.locator(".alert-success").inner_text()
    assert page.get_by_test_id("visit-status").inner_text() == "已完成"
    assert enterprise in page.get_by_test_id("visit-title").inner_text()
    issues = page.get_by_test_id("visit-issues").locator("li")
    assert issues.count() == 2
    assert page.locator(".qq-thumb img").count() == 1
    assert (
        page.evaluate(
            "() => { const i = document.querySelector('.qq-thumb img'); return i.naturalWidth; }"
        )
        == 64
    )
    assert _fits_the_screen(page)
    shot(page, "visits-phone-visit-page")

    visit = Visit.objects.filter(enterprise__name=enterprise).order_by("-pk").first()
    assert visit.status == Visit.Status.DONE
    assert visit.attachments.count() == 1


def test_the_visit_list_and_coverage_table_look_right_on_a_desktop(page_factory):
    page = page_factory()
    login(page, "dispatcher")
    page.goto("/visits/")
    assert page.get_by_test_id("visit-row").count() > 0
    shot(page, "visits-desktop-list")
    page.goto("/visits/coverage/")
    assert page.get_by_test_id("coverage-regions").locator("tbody tr").count() >= 2
    shot(page, "visits-desktop-coverage")
