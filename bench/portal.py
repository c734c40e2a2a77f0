"""Benchmark: the enterprise portal's pages for an enterprise with many requests.

The demo data, then BENCH_ROWS (default 300) more requests of the demo enterprise user's
enterprise registered through the real service (`issue_register`, auto-dispatched), a third of
them waiting for the enterprise. Measures the portal home, a request page and the needs list:
median time and query count. Standalone, on a throwaway database (BENCH_DB, default
`qq_bench`, on the server of DATABASE_URL; SQLite: a temporary file); prints ONE JSON line.
Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/portal.py`
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchdb import fresh_database_url, start_django  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "300"))


start_django(fresh_database_url("qq_bench"))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from issues.models import Category, Issue  # noqa: E402
from issues.services import issue_register, issue_transition  # noqa: E402


def time_page(client, url: str, runs: int = 7) -> dict:
    client.get(url)  # warm up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "queries": queries}


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    qiye = User.objects.get(username="qiye")
    handler = User.objects.get(username="handler")
    enterprise = qiye.enterprise_memberships.get().enterprise
    category = Category.objects.get(code="elem.labour")
    result = {
        "benchmark": "portal",
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "load_avg_at_start": round(os.getloadavg()[0], 1),
    }
    started = time.perf_counter()
    for n in range(ROWS):
        issue = issue_register(
            actor=qiye,
            enterprise=enterprise,
            source=Issue.Source.PORTAL,
            registered_via=Issue.Via.PORTAL,
            category=category,
            title=f"基准诉求 {n}",
            description="用工需求",
        )
        if n % 3 == 0:
            issue_transition(actor=handler, issue_id=issue.pk, action="acknowledge")
            issue_transition(
                actor=handler, issue_id=issue.pk, action="ask_enterprise", question="请补充岗位"
            )
    result["register_per_request_ms"] = round((time.perf_counter() - started) * 1000 / ROWS, 1)
    result["requests_of_enterprise"] = Issue.objects.filter(enterprise=enterprise).count()
    client = Client()
    client.force_login(qiye)
    result["home"] = time_page(client, "/portal/")
    result["request_page"] = time_page(client, f"/portal/requests/{issue.pk}/")
    result["needs_list"] = time_page(client, "/portal/needs/")
    result["load_avg_at_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
