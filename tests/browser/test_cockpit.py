"""The leaders' cockpit in a real browser: desktop, phone (390×844) and the big screen at
1920×1080, on the demo data (whose facts and bulletins seed_demo made with the cockpit's code)."""

from playwright.sync_api import expect

from tests.browser.conftest import login, shot


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_leader_reads_the_cockpit_drills_down_and_copies_the_sentence(page_factory):
    page = page_factory(width=1440, height=900)
    login(page, "leader")

    page.goto("/cockpit/?period=year")
    page.wait_for_selector("[data-chart=trend] canvas")
    sentence = page.get_by_test_id("summary-sentence").inner_text()
    assert sentence.startswith("本年走访企业") and "问题解决率" in sentence
    page.get_by_test_id("copy-summary").click()
    expect(page.get_by_test_id("copy-summary")).to_contain_text("已复制")
    shot(page, "cockpit-desktop")

    # The region table loads when its tab is first opened.
    assert page.get_by_test_id("table-region").count() == 0
    page.get_by_test_id("tab-region").click()
    expect(page.get_by_test_id("table-region").locator("tbody tr").first).to_be_visible()
    assert page.get_by_test_id("table-region").locator("tbody a").count() > 0
    shot(page, "cockpit-desktop-region-tab")

    accepted = page.get_by_test_id("figure-accepted").inner_text()
    page.get_by_test_id("figure-accepted").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("drill-total").inner_text() == accepted

    page.goto("/cockpit/bulletins/")
    assert page.get_by_test_id("bulletin-table").locator("tbody tr").count() >= 3
    shot(page, "cockpit-bulletins")


def test_the_cockpit_fits_a_phone(page_factory):
    page = page_factory(width=390, height=844)
    login(page, "leader")

    page.goto("/cockpit/?period=year")
    page.wait_for_selector("[data-chart=trend] canvas")

    assert _fits_the_screen(page)
    shot(page, "cockpit-phone")


def test_the_big_screen_fills_1920_by_1080_and_reads_from_across_the_room(page_factory):
    page = page_factory(width=1920, height=1080)
    login(page, "leader")

    page.goto("/cockpit/screen/?period=year")
    page.wait_for_selector("[data-testid=screen-sentence]")
    page.wait_for_selector("[data-chart=units] canvas")

    assert _fits_the_screen(page)
    value_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.screen-figure .value')).fontSize)"
    )
    assert value_px >= 48
    assert page.get_by_test_id("screen-panel").get_attribute("hx-trigger") == "load, every 60s"
    page.screenshot(path=str(shot(page, "cockpit-screen-1920x1080")), full_page=False)
