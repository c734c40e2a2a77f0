"""Benchmark: the staff pages at city scale, in process (issue 17).

Times the whole view — middleware, view, SQL, template — through Django's test client on the
data set of `bench/generate.py` (run that first, with the same BENCH_DB): the issue list
(a city dispatcher, a district dispatcher, `?state=in_progress`, page 400), the issue page, the
to-do, the enterprise list, the visit list and the homes of a dispatcher, a handler, a liaison
and a leader. For each: the median of BENCH_RUNS (20) requests after one warm-up, the median
SQL time of those requests (each query timed by a connection execute wrapper), the median CPU
time of this process per request, the number of queries, and a check that the answer is a 200
with real rows (the page's own links to rows, counted). One JSON line per page; BENCH_LABEL
tags the lines (e.g. "before" / "after").

Run: `BENCH_DB=qq_bench .venv/bin/python bench/pages.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/postgres; BENCH_ONLY=issue_list,issue_page picks pages).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import configure  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
LABEL = os.environ.get("BENCH_LABEL", "")

os.environ["BENCH_REUSE"] = "1"  # measure the data set bench/generate.py wrote; never rebuild
DB = configure("qq_bench")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Region, User  # noqa: E402
from issues.models import Issue  # noqa: E402

ISSUE_LINK = re.compile(r'href="/issues/(\d+)/"')
ENTERPRISE_LINK = re.compile(r'href="/enterprises/(\d+)/"')
VISIT_LINK = re.compile(r'href="/visits/(\d+)/"')
COCKPIT_FIGURE = re.compile(r'href="/cockpit/issues/\?[^"]*metric=(\w+)"')
ANY_ROW_LINK = re.compile(r'href="/(?:issues|enterprises|visits)/(\d+)/"')


class SqlTimer:
    """A connection execute wrapper: how many queries ran and how long they took."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.count += 1


def cases() -> list[dict]:
    """(name, user, url, row pattern, fewest rows) of every page measured."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "citydispatcher",
                "districtdispatcher",
                "unithandler",
                "liaison0",
                "cityleader",
            ]
        )
    }
    if len(users) < 5 or not Issue.objects.exists():
        sys.exit(f"no bench data set in {DB}: run bench/generate.py with BENCH_DB={DB} first")
    district = Region.objects.filter(depth=2).order_by("path").first()
    issue = (
        Issue.objects.filter(
            state="in_progress", enterprise__region__path__startswith=district.path
        )
        .order_by("pk")
        .first()
    )
    table = [
        ("issue_list", "citydispatcher", "/issues/list/", ISSUE_LINK, 10),
        ("issue_list_district", "districtdispatcher", "/issues/list/", ISSUE_LINK, 10),
        (
            "issue_list_in_progress",
            "citydispatcher",
            "/issues/list/?state=in_progress",
            ISSUE_LINK,
            10,
        ),
        ("issue_list_page400", "citydispatcher", "/issues/list/?page=400", ISSUE_LINK, 10),
        ("issue_list_handler", "unithandler", "/issues/list/", ISSUE_LINK, 10),
        ("issue_page", "citydispatcher", f"/issues/{issue.pk}/", re.compile(issue.title), 1),
        ("todo_dispatcher", "citydispatcher", "/issues/todo/", ISSUE_LINK, 1),
        ("todo_handler", "unithandler", "/issues/todo/", ISSUE_LINK, 10),
        ("enterprise_list", "citydispatcher", "/enterprises/", ENTERPRISE_LINK, 10),
        ("visit_list", "liaison0", "/visits/", VISIT_LINK, 10),
        ("visit_list_leader", "cityleader", "/visits/", VISIT_LINK, 10),
        ("home_dispatcher", "citydispatcher", "/workspace/", ANY_ROW_LINK, 1),
        ("home_handler", "unithandler", "/workspace/", ANY_ROW_LINK, 1),
        ("home_liaison", "liaison0", "/workspace/", ANY_ROW_LINK, 1),
        ("home_leader", "cityleader", "/workspace/", COCKPIT_FIGURE, 3),
    ]
    keys = ("name", "user", "url", "rows", "fewest")
    return [dict(zip(keys, row, strict=True)) for row in table], users


def measure(client: Client, case: dict) -> dict:
    times, sql_times, cpu_times = [], [], []
    queries = 0
    response = client.get(case["url"])  # warm-up (and the rows check below)
    for _ in range(RUNS):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(case["url"])
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append((time.process_time() - c0) * 1000)
        sql_times.append(timer.seconds * 1000)
        queries = timer.count
    body = response.content.decode()
    rows = len(set(case["rows"].findall(body)))
    ok = response.status_code == 200 and rows >= case["fewest"]
    median = statistics.median(times)
    sql = statistics.median(sql_times)
    return {
        "bench": "pages",
        "label": LABEL,
        "page": case["name"],
        "user": case["user"],
        "url": case["url"],
        "median_ms": round(median, 1),
        "sql_ms": round(sql, 1),
        "outside_sql_ms": round(median - sql, 1),
        # This process's CPU time (the database's is not in it): steadier than the wall clock
        # when other work shares the machine.
        "cpu_ms": round(statistics.median(cpu_times), 1),
        "p90_ms": round(statistics.quantiles(times, n=10)[-1], 1) if RUNS >= 10 else None,
        "queries": queries,
        "status": response.status_code,
        "rows": rows,
        "ok": ok,
    }


def main() -> None:
    only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n}
    all_cases, users = cases()
    issues = Issue.objects.count()
    failed = []
    for case in all_cases:
        if only and not any(case["name"].startswith(o) for o in only):
            continue
        client = Client()
        client.force_login(users[case["user"]])
        line = measure(client, case)
        line.update(issues=issues, runs=RUNS, loadavg_1m=round(os.getloadavg()[0], 2))
        print(json.dumps(line, ensure_ascii=False), flush=True)
        if not line["ok"]:
            failed.append(case["name"])
    if failed:
        sys.exit(f"pages without a 200 and real rows: {', '.join(failed)}")


if __name__ == "__main__":
    main()
