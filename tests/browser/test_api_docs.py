"""The API docs (Swagger UI) render from our own static files (drf-spectacular-sidecar) under our
strict CSP, with no request leaving the site."""

import pytest

from tests.browser.conftest import shot


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_with_no_request_leaving_the_site(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    foreign, problems = [], []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url)
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/work-orders/").first.wait_for(timeout=20_000)

    shot(page, "api-docs")
    context.close()
    assert foreign == []
    assert problems == []
