"""Production mode serves pages: `collectstatic` with whitenoise's manifest, then gunicorn.

`check --deploy` cannot see a static file that the manifest storage fails on; only running
collectstatic and asking a real server for the login page and its assets can.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# The project's static folder and every app's own `static/`.
STATIC_DIRS = [ROOT / "static", *(p for p in ROOT.glob("*/static") if p.parent.name != "var")]
HOST = "127.0.0.1"
SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=([^\s*]+)")


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "STATIC_ROOT", "DEBUG"}
    }
    env |= {
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_until_listening(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {timeout}s")


def test_every_source_map_a_shipped_static_file_names_is_shipped_too():
    # whitenoise's manifest storage rewrites sourceMappingURL comments and stops at a missing map
    missing = []
    paths = [path for folder in STATIC_DIRS for path in folder.rglob("*")]
    assert any(path.name == "bootstrap.bundle.min.js" for path in paths)
    for path in paths:
        if path.suffix not in {".js", ".css"}:
            continue
        for ref in SOURCE_MAP.findall(path.read_bytes()):
            target = path.parent / ref.decode()
            if not ref.startswith(b"data:") and not target.exists():
                missing.append(f"{path.relative_to(ROOT)} → {ref.decode()}")
    assert missing == []


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "crm.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(port, server)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    if server.returncode not in (0, -15):
        pytest.fail(log.read_text(errors="replace"))


HTTPS = {"X-Forwarded-Proto": "https"}


def test_plain_http_is_redirected_to_https_in_production(production_server):
    status, headers, _ = get(production_server, "/accounts/login/")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/accounts/login/"


def test_gunicorn_serves_the_login_page_with_its_form(production_server):
    status, headers, body = get(production_server, "/accounts/login/", HTTPS)
    page = body.decode()
    assert status == 200, page[:2000]
    assert headers["Content-Type"].startswith("text/html")
    assert "Strict-Transport-Security" in headers
    assert re.search(r'<form[^>]+method="post"', page)
    assert 'name="username"' in page
    assert 'name="password"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_login_pages_static_assets_resolve_to_hashed_files_that_are_served(
    production_server,
):
    _, _, body = get(production_server, "/accounts/login/", HTTPS)
    page = body.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any(a.endswith(".css") for a in assets), assets
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        # the manifest names: bootstrap.min.css → bootstrap.min.<12 hex>.css
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|ico|png|svg|woff2?)$", asset), asset
        status, headers, content = get(production_server, asset, HTTPS)
        assert status == 200, asset
        assert content, asset
        assert "max-age=315360000" in headers.get("Cache-Control", ""), asset


def test_fonts_referenced_by_the_served_stylesheets_are_served_too(production_server):
    _, _, body = get(production_server, "/accounts/login/", HTTPS)
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', body.decode())
    fonts = []
    for sheet in stylesheets:
        _, _, css = get(production_server, sheet, HTTPS)
        for ref in re.findall(rb'url\("?([^")]+)"?\)', css):
            ref = ref.decode()
            if ref.startswith("data:"):
                continue
            fonts.append(ref if ref.startswith("/") else sheet.rsplit("/", 1)[0] + "/" + ref)
    assert any("bootstrap-icons" in f for f in fonts), fonts
    for font in fonts:
        status, _, _ = get(production_server, font.split("?")[0].split("#")[0], HTTPS)
        assert status == 200, font
