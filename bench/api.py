"""Benchmark: the REST API at city scale — the issue list (first page, a deep cursor page, a
filtered page) over BENCH_ISSUES issues (default 20,000), and 12345 intake (new work orders and
retried ones).

Standalone: sets Django up itself on a throwaway database (BENCH_DB, default `qq_bench_api`,
created afresh on the server of DATABASE_URL; with a SQLite DATABASE_URL a temporary file), then
prints ONE JSON line. Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/api.py`
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

from bench.benchdb import fresh_database_url, start_django  # noqa: E402

ISSUES = int(os.environ.get("BENCH_ISSUES", "20000"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "100"))


start_django(fresh_database_url("qq_bench_api"), API_THROTTLE_RATE="1000000/min")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import Region, Role, RoleMembership, Unit, User  # noqa: E402
from accounts.services import system_user  # noqa: E402
from api.models import Integration  # noqa: E402
from api.tokens import token_issue  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from enterprises.validators import credit_code_check_char  # noqa: E402
from issues.models import Category, Issue  # noqa: E402

STATES = ["new", "dispatched", "in_progress", "resolved", "closed"]


def code(n: int) -> str:
    first17 = f"91420102{n:09d}"
    return first17 + credit_code_check_char(first17)


def world():
    city = Region.add_root(name="江城市", code="420100", kind="city")
    district = city.add_child(name="江南区", code="420102", kind="district")
    unit = Unit.objects.create(name="区人社局", kind="line", region=district)
    dispatcher = User.objects.create(username="dispatcher", display_name="派单员")
    RoleMembership.objects.create(user=dispatcher, role=Role.DISPATCHER, region=district)
    category = Category.objects.create(code="b.plain", name="用工")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(credit_code=code(i), name=f"企业{i}", region=district) for i in range(500)
    )
    now = timezone.now()
    batch = [
        Issue(
            enterprise=enterprises[i % len(enterprises)],
            region=district,
            source="visit",
            category=category,
            title=f"诉求{i}",
            description="企业反映的问题。",
            state=STATES[i % len(STATES)],
            lead_unit=unit if i % len(STATES) else None,
            registered_at=now - timedelta(minutes=i),
            last_activity_at=now - timedelta(minutes=i),
            registered_by=dispatcher,
        )
        for i in range(ISSUES)
    ]
    Issue.objects.bulk_create(batch, batch_size=2000)
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum keeps them live
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    account = User.objects.create(username="hotline", display_name="12345")
    system_user()
    Integration.objects.create(
        name="12345",
        code="jc12345",
        account=account,
        region=district,
        default_category=category,
        secret="s",
    )
    return dispatcher, account


def timed(client, url: str, runs: int = 7) -> dict:
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            answer = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.content[:300]
        queries = len(ctx.captured_queries)
    return {"median_ms": round(statistics.median(times), 1), "queries": queries}


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_issue(actor=None, user=user, name='b').key}"
    )
    client.get("/api/v1/categories/")  # the token's first use writes last_used_at
    return client


def main() -> None:
    call_command("migrate", verbosity=0)
    dispatcher, hotline = world()
    client = client_for(dispatcher)
    first = timed(client, "/api/v1/issues/")
    url = "/api/v1/issues/"
    for _ in range(50):  # 50 pages of 50 = 2,500 rows deep
        url = client.get(url).json()["next"]
    deep = timed(client, url)
    filtered = timed(client, "/api/v1/issues/?state=in_progress&q=诉求1")
    enterprises = timed(client, "/api/v1/enterprises/")

    intake = client_for(hotline)
    new, retried = [], []
    for i in range(ORDERS):
        body = {
            "工单编号": f"GD{i:06d}",
            "诉求内容": "道路积水。",
            "企业统一社会信用代码": code(i % 500),
        }
        started = time.perf_counter()
        assert intake.post("/api/v1/work-orders/", body, format="json").status_code == 201
        new.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert intake.post("/api/v1/work-orders/", body, format="json").status_code == 200
        retried.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "bench": "api",
                "database": connection.vendor,
                "issues": ISSUES,
                "issue_list_first_page": first,
                "issue_list_page_51_by_cursor": deep,
                "issue_list_filtered": filtered,
                "enterprise_list_first_page": enterprises,
                "work_order_new_median_ms": round(statistics.median(new), 1),
                "work_order_retry_median_ms": round(statistics.median(retried), 1),
                "work_orders": ORDERS,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
