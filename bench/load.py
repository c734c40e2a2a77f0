"""Benchmark: the staff pages under load — req/s and latency percentiles through gunicorn.

The same pages, people and data set as `bench/pages.py` (run `bench/generate.py` first, with
the same BENCH_DB), served as in production by gunicorn with BENCH_WORKERS (2) sync workers,
loaded by `wrk` with BENCH_THREADS (2) threads and BENCH_CONNECTIONS (8) connections for
BENCH_SECONDS (10) per page: the set-up issue 17 measured django-helpdesk with. Each page is
first fetched once and must answer a 200 with real rows; a page under load that answers
anything but 2xx fails the run. One JSON line per page: req/s, p50, p90 and p99 in ms.

Needs `wrk` (Debian: `apt-get install wrk`).
Run: `BENCH_DB=qq_bench .venv/bin/python bench/load.py` (BENCH_ONLY=issue_list,issue_page
picks pages, as in bench/pages.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402  (chooses the bench database, then starts Django)

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}  # what nginx adds (deploy/nginx)

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603 — our own gunicorn, fixed arguments
        [
            str(gunicorn),
            "crm.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    sys.exit("gunicorn did not answer /health/ within 60 s")


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)  # a database session: every gunicorn worker reads it
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def fetch(url: str, cookie: str) -> tuple[int, str]:
    # Our own server on 127.0.0.1 (http only).
    request = urllib.request.Request(url, headers={"Cookie": cookie, **PROXY_HEADERS})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.read().decode()


_LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, cookie: str) -> dict:
    headers = [
        arg for k, v in {"Cookie": cookie, **PROXY_HEADERS}.items() for arg in ("-H", f"{k}: {v}")
    ]
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--latency",
        *headers,
        url,
    ]
    out = subprocess.run(  # noqa: S603 — wrk with our own arguments
        command,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    latency = {f"p{p}_ms": round(float(v) * _UNIT_MS[u], 1) for p, v, u in _LATENCY.findall(out)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "req_s": rps,
        **latency,
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n}
    all_cases, users = pages.cases()
    port = free_port()
    server = start_gunicorn(port)
    failed = []
    try:
        for case in all_cases:
            if only and not any(case["name"].startswith(o) for o in only):
                continue
            cookie = session_cookie(users[case["user"]])
            url = f"http://127.0.0.1:{port}{case['url']}"
            status, body = fetch(url, cookie)
            rows = len(set(case["rows"].findall(body)))
            line = {
                "bench": "load",
                "label": pages.LABEL,
                "page": case["name"],
                "user": case["user"],
                "url": case["url"],
                "status": status,
                "rows": rows,
                "workers": WORKERS,
                "connections": CONNECTIONS,
                "seconds": SECONDS,
            }
            if status == 200 and rows >= case["fewest"]:
                line.update(wrk(url, cookie))
            line["ok"] = status == 200 and rows >= case["fewest"] and not line.get("non_2xx")
            line["loadavg_1m"] = round(os.getloadavg()[0], 2)
            print(json.dumps(line, ensure_ascii=False), flush=True)
            if not line["ok"]:
                failed.append(case["name"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if failed:
        sys.exit(
            f"pages without a 200 and real rows, or with errors under load: {', '.join(failed)}"
        )


if __name__ == "__main__":
    main()
