"""EXPLAIN (ANALYZE, BUFFERS) of a page's heaviest queries, as the page runs them (issue 17).

Requests the page once to warm it, then once more capturing its queries; explains each query
that reads BENCH_TABLE (issues_issue) and prints the plans of the BENCH_TOP (2) slowest by
their execution time, on the data set of `bench/generate.py`. By default the district
dispatcher's issue list, whose count and rows the note shows.

Run: `BENCH_DB=qq_bench .venv/bin/python bench/explain.py` (BENCH_USER=districtdispatcher,
BENCH_URL=/issues/list/ pick another page; DATABASE_URL as for bench/pages.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import configure  # noqa: E402

os.environ["BENCH_REUSE"] = "1"  # explain the data set bench/generate.py wrote; never rebuild
DB = configure("qq_bench")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

USER = os.environ.get("BENCH_USER", "districtdispatcher")
URL = os.environ.get("BENCH_URL", "/issues/list/")
TOP = int(os.environ.get("BENCH_TOP", "2"))
TABLE = os.environ.get("BENCH_TABLE", "issues_issue")


def main() -> None:
    client = Client()
    client.force_login(User.objects.get(username=USER))
    assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200, response.status_code
    print(f"# {USER} {URL}: {len(ctx.captured_queries)} queries")
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            if f'"{TABLE}"' not in query["sql"]:
                continue
            # The SQL as the page ran it (parameters inlined by Django's own quoting).
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
            lines = [line for (line,) in cursor.fetchall()]
            ms = float(lines[-1].split(":")[1].split()[0])  # "Execution Time: 1.234 ms"
            plans.append((ms, query["sql"], lines))
    for ms, sql, lines in sorted(plans, key=lambda p: -p[0])[:TOP]:
        print(f"--- {ms:.1f} ms: {sql[:100]}")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
