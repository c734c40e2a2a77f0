"""Benchmark: the leaders' cockpit at city scale — 200,000 issues on PostgreSQL.

Standalone: recreates its own database (BENCH_DB, default `qq_bench_cockpit`) on the server of
DATABASE_URL, writes a year of a city's work with COPY — 20,000 enterprises, 200,000 issues and
their event timelines, as the workflow writes them — rebuilds the cockpit's facts from the
events with the product's own `cockpit.facts.rebuild_all` (facts and rollup), then times the
cockpit page (the whole view, template included) for a set of filters, and prints ONE JSON line.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cockpit.py`
(BENCH_ISSUES scales the data set down for a quick try; BENCH_REUSE=1 times the page on the
data set already there, after migrating it, laying the facts out as the rebuild does and
rebuilding the rollups only).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchdb import city_database_url, start_django  # noqa: E402
from bench.generate import issues_and_events, world  # noqa: E402

ISSUES = int(os.environ.get("BENCH_ISSUES", "200000"))
ENTERPRISES = max(ISSUES // 10, 100)
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


start_django(city_database_url("qq_bench_cockpit"))

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Region, Unit, User  # noqa: E402
from cockpit import cube, facts, grains  # noqa: E402
from cockpit.models import FactCube, FactGrain  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from issues.models import Category, Issue, IssueEvent  # noqa: E402


def measure(client, params, path="/cockpit/") -> dict:
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx)
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
    }


def existing_world() -> dict:
    call_command("migrate", verbosity=0)
    city = Region.objects.get(depth=1, code="420100")
    return {
        "districts": list(Region.objects.filter(depth=2).order_by("path")),
        "units": list(Unit.objects.order_by("pk")[:1]),
        "cats": list(Category.objects.filter(code__startswith="bench0.")),
        "liaisons": list(User.objects.filter(username__startswith="liaison").order_by("pk")[:1]),
        "ents": list(Enterprise.objects.filter(region__path__startswith=city.path)[:1]),
        "leader": User.objects.get(username="cityleader"),
    }


def main() -> None:
    t0 = time.perf_counter()
    if os.environ.get("BENCH_REUSE") == "1":
        w = existing_world()
        n_issues, n_events = Issue.objects.count(), IssueEvent.objects.count()
        generated = rebuild = None
        built = {"facts": facts.Fact.objects.count()}
        t1 = time.perf_counter()
        with transaction.atomic():
            facts.lay_out()  # as the rebuild leaves them
        layout = time.perf_counter() - t1
        t1 = time.perf_counter()
        with transaction.atomic():
            cube.rebuild()
        cube_rebuild = time.perf_counter() - t1
        t1 = time.perf_counter()
        with transaction.atomic():
            grains.rebuild()
        grains_rebuild = time.perf_counter() - t1
    else:
        w = world()
        n_issues, n_events = issues_and_events(w)
        generated = time.perf_counter() - t0
        t1 = time.perf_counter()
        built = facts.rebuild_all()
        rebuild = time.perf_counter() - t1
        cube_rebuild = grains_rebuild = layout = None  # part of rebuild_all
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # as autovacuum leaves a table in service
    client = Client()
    client.force_login(w["leader"])
    district = w["districts"][0]
    today = timezone.localdate()
    cases = {
        "this_month": {"period": "month"},
        "this_quarter": {"period": "quarter"},
        "this_year": {"period": "year"},
        "last_15_days": {
            "period": "custom",
            "start": (today - timedelta(days=14)).isoformat(),
            "end": today.isoformat(),
        },
        "last_365_days": {
            "period": "custom",
            "start": (today - timedelta(days=364)).isoformat(),
            "end": today.isoformat(),
        },
        "custom_past_100_days": {
            "period": "custom",
            "start": (today - timedelta(days=160)).isoformat(),
            "end": (today - timedelta(days=61)).isoformat(),
        },
        "custom_past_100_days_district_unit": {
            "period": "custom",
            "start": (today - timedelta(days=160)).isoformat(),
            "end": (today - timedelta(days=61)).isoformat(),
            "region": district.pk,
            "unit": w["units"][0].pk,
        },
        "last_365_days_unit": {
            "period": "custom",
            "start": (today - timedelta(days=364)).isoformat(),
            "end": today.isoformat(),
            "unit": w["units"][0].pk,
        },
        "last_90_days_district_category": {
            "period": "custom",
            "start": (today - timedelta(days=89)).isoformat(),
            "end": today.isoformat(),
            "region": district.pk,
            "category": w["cats"][0].parent_id,
        },
        "month_district": {"period": "month", "region": district.pk},
        "month_unit": {"period": "month", "unit": w["units"][0].pk},
        "quarter_category": {"period": "quarter", "category": w["cats"][0].parent_id},
        "month_liaison": {"period": "month", "liaison": w["liaisons"][0].pk},
        "year_district_industry": {
            "period": "year",
            "region": district.pk,
            "industry": w["ents"][0].industry_id,
        },
    }
    client.get("/cockpit/", {"period": "month"})  # warm-up
    results = {name: measure(client, params) for name, params in cases.items()}
    # The other breakdown tables load on their own (htmx): the largest, for a custom year.
    results["table_liaison_last_365_days"] = measure(
        client, {**cases["last_365_days"], "dim": "liaison"}, "/cockpit/table/"
    )
    print(
        json.dumps(
            {
                "bench": "cockpit",
                "issues": n_issues,
                "events": n_events,
                "facts": built["facts"],
                "enterprises": ENTERPRISES,
                "generate_s": generated and round(generated, 1),
                "facts_rebuild_s": rebuild and round(rebuild, 1),
                "facts_layout_s": layout and round(layout, 1),
                "cube_rebuild_s": cube_rebuild and round(cube_rebuild, 1),
                "cube_periods": len(cube.materialised()),
                "cube_rows": FactCube.objects.count(),
                "grains_rebuild_s": grains_rebuild and round(grains_rebuild, 1),
                "grain_rows": FactGrain.objects.count(),
                "loadavg_1m": os.getloadavg()[0],
                "runs": RUNS,
                "page": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
