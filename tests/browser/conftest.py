"""Browser tests: Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

Each test gets a fresh live server whose database holds the demo data (`seed_demo`; on
PostgreSQL a copy of the first test's seed, see `demo`), and logs in
as the demo people, as a real user would. Screenshots go to test-artifacts/screenshots/.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction

CHROMIUM = os.environ.get("QINQING_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The flags this workplace's Chromium needs (no sandbox as root, no background networking).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "Qinqing@2026"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (setup, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    have_browser = shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
    required = os.environ.get("QINQING_REQUIRE_BROWSER") == "1"
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not have_browser and not required:
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The demo data as seeded by the first browser test, table by table (PostgreSQL's COPY text):
# seeding takes 10-20 s and each test starts on a flushed database, so the later tests copy the
# same rows back in well under a second. Elsewhere (SQLite) every test seeds afresh.
_SNAPSHOT: dict[str, str] = {}


@pytest.fixture
def demo(transactional_db, settings):
    settings.AXES_ENABLED = False
    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        return
    tables = connection.introspection.django_table_names(only_existing=True)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    if _SNAPSHOT:
        with transaction.atomic():
            # The flush's post_migrate handlers wrote content types and permissions again.
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table, rows in _SNAPSHOT.items():
                cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.StringIO(rows))
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        for cache in caches.all():  # cached figures and pages of the previous test's data
            cache.clear()
        return
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for table in tables:
        out = io.StringIO()
        cursor.copy_expert(f'COPY "{table}" TO STDOUT', out)
        if out.tell():
            _SNAPSHOT[table] = out.getvalue()


@pytest.fixture
def page_factory(browser, live_server, demo):
    from playwright.sync_api import expect

    # Locator assertions wait as long as actions do (their own default is 5 s, too short for
    # CI's two cores while a notification fan-out runs inside the request).
    expect.set_options(timeout=15_000)
    contexts = []

    def make(*, width: int = 1280, height: int = 800, locale: str = "zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            base_url=live_server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
