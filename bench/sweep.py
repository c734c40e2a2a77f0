"""Benchmark: the supervision sweep over 200,000 open issues on PostgreSQL (DESIGN §6, §12).

    python bench/sweep.py            # prints one JSON line

Uses DATABASE_URL from the environment; by default a dedicated database
postgres://postgres@127.0.0.1:5432/qq_bench_sweep that the script creates, migrates and drops.
A database the script did not create is kept (with the fixture rows in it).

Fixture (written with bulk_create, i.e. WITHOUT simple-history rows — acceptable for a benchmark
fixture; the product writes issues through the services): 50 units with 2 handlers and a head
each (all with e-mail addresses, so every notification also writes an outbox delivery), 20,000
enterprises, BENCH_ISSUES (200,000) open issues, dispatched or in progress, each with its clock.
BENCH_DUE (1,000) of them have a step due now: half a warning, half a reminder at the deadline;
later BENCH_DUE_SMALL (200) more enter their warning band (a typical burst).

Measured:
- `due_sweep_s`: one sweep taking every due step (event, supervision level + history row,
  notifications, deliveries), target ≤ 5 s;
- `idle_sweep_s`: the next sweep, when nothing changed, target ≤ 1 s;
- `small_due_sweep_s`: a sweep with BENCH_DUE_SMALL warnings due;
- `parallel_due_sweep_s`: BENCH_DUE warnings due again, BENCH_PARALLEL (4) sweeps at once;
- `idle_plan`: how PostgreSQL finds due clocks (should be the partial index `issueclock_due`).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qq_bench_sweep"
N_ISSUES = int(os.environ.get("BENCH_ISSUES", "200000"))
N_DUE = int(os.environ.get("BENCH_DUE", "1000"))
N_SMALL = int(os.environ.get("BENCH_DUE_SMALL", "200"))
N_PARALLEL = int(os.environ.get("BENCH_PARALLEL", "4"))
N_UNITS = 50
N_ENTERPRISES = 20000


def _server_dsn(url: str) -> tuple[dict, str]:
    parts = urlparse(url)
    dsn = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "dbname": "postgres",
    }
    return dsn, parts.path.lstrip("/")


def _ensure_database(url: str) -> bool:
    """Create the database if it does not exist; True if this script created it."""
    import psycopg2

    dsn, name = _server_dsn(url)
    conn = psycopg2.connect(**dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone():
                return False
            cur.execute(f'CREATE DATABASE "{name}"')
            return True
    finally:
        conn.close()


def _drop_database(url: str) -> None:
    import psycopg2

    dsn, name = _server_dsn(url)
    conn = psycopg2.connect(**dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ["LOG_LEVEL"] = "ERROR"  # one JSON line on stdout, nothing else
    os.environ["CELERY_BROKER_URL"] = "memory://"  # deliveries are queued in-process
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _fixture(now) -> dict:
    from django.contrib.auth.hashers import make_password

    from accounts.models import Region, Role, RoleMembership, Unit, User
    from enterprises.models import Enterprise, LiaisonAssignment
    from enterprises.validators import credit_code_check_char
    from issues.deadlines import limit_deadline
    from issues.models import Category, Issue, IssueClock
    from workcalendar.selectors import get_work_calendar
    from workcalendar.worktime import warning_start

    rng = random.Random(20261123)
    started = time.monotonic()
    cal = get_work_calendar()
    city = Region.add_root(name="基准市", code="990100", kind=Region.Kind.CITY)
    district = city.add_child(name="基准区", code="990102", kind=Region.Kind.DISTRICT)
    password = make_password("Bench-Passw0rd!")
    units = Unit.objects.bulk_create(
        [Unit(name=f"基准单位{i}", kind=Unit.Kind.LINE, region=district) for i in range(N_UNITS)]
    )
    users = []
    for unit in units:
        for role in ("h1", "h2", "head"):
            users.append(
                User(
                    username=f"u{unit.pk}{role}",
                    display_name=f"{unit.name}{role}",
                    email=f"{role}.{unit.pk}@bench.example.gov.cn",
                    password=password,
                )
            )
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.filter(username__startswith="u")}
    handlers: dict[int, list] = {}
    memberships = []
    for unit in units:
        for role in ("h1", "h2", "head"):
            user = by_name[f"u{unit.pk}{role}"]
            memberships.append(
                RoleMembership(
                    user=user, unit=unit, role=Role.UNIT_HEAD if role == "head" else Role.HANDLER
                )
            )
            if role != "head":
                handlers.setdefault(unit.pk, []).append(user)
    RoleMembership.objects.bulk_create(memberships)
    leader = User.objects.create(username="bbleader", display_name="包保领导", email="l@b.cn")
    liaison = User.objects.create(username="liaison", display_name="联络员", email="c@b.cn")

    enterprises = []
    for i in range(N_ENTERPRISES):
        first17 = f"91990102{i:09d}"
        enterprises.append(
            Enterprise(
                credit_code=first17 + credit_code_check_char(first17),
                name=f"基准企业{i}有限公司",
                region=district,
            )
        )
    enterprises = Enterprise.objects.bulk_create(enterprises, batch_size=5000)
    LiaisonAssignment.objects.bulk_create(
        [
            LiaisonAssignment(enterprise=e, person=leader, kind="leader", started_on=now.date())
            for e in enterprises[:2000]
        ]
    )
    category = Category.objects.filter(parent__isnull=False).first() or Category.objects.create(
        code="bench", name="基准分类"
    )

    due_ids = set(rng.sample(range(N_ISSUES), N_DUE))
    batch = 10000
    for offset in range(0, N_ISSUES, batch):
        issues, plans = [], []
        for i in range(offset, min(offset + batch, N_ISSUES)):
            unit = units[i % N_UNITS]
            in_progress = i % 3 != 0
            started_at = now - timedelta(hours=rng.randint(1, 72))
            if i in due_ids:
                # half inside the warning band, half just past the deadline (warned already)
                if i % 2:
                    deadline, step = now + timedelta(hours=1), 0
                else:
                    deadline, step = now - timedelta(minutes=30), 1
                warn_at = deadline - timedelta(hours=3)
            else:
                later = now + timedelta(days=rng.randint(1, 6))
                deadline = limit_deadline(cal, later, 1, "working_days")
                warn_at, step = warning_start(cal, started_at, deadline, category.warning_band), 0
                warn_at = max(warn_at, now + timedelta(hours=1))
            issue = Issue(
                enterprise=enterprises[i % N_ENTERPRISES],
                region_id=enterprises[i % N_ENTERPRISES].region_id,
                source="visit",
                category=category,
                title=f"基准诉求{i}",
                description="基准",
                state="in_progress" if in_progress else "dispatched",
                lead_unit=unit,
                handler=handlers[unit.pk][i % 2] if in_progress else None,
                liaison=liaison,
                registered_by=liaison,
                registered_at=started_at,
                last_activity_at=started_at,
                dispatched_at=started_at,
                acknowledged_at=started_at if in_progress else None,
                ack_deadline=None if in_progress else deadline,
                resolve_deadline=deadline if in_progress else None,
            )
            issues.append(issue)
            plans.append(("resolve" if in_progress else "ack", started_at, deadline, warn_at, step))
        Issue.objects.bulk_create(issues, batch_size=5000)
        clocks = [
            IssueClock(
                issue_id=issue.pk,
                kind=kind,
                started_at=start,
                deadline=deadline,
                warn_at=warn_at,
                step=step,
                next_check_at=warn_at if step == 0 else deadline,
            )
            for issue, (kind, start, deadline, warn_at, step) in zip(issues, plans, strict=True)
        ]
        IssueClock.objects.bulk_create(clocks, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"fixture_s": round(time.monotonic() - started, 1)}


def _make_due(n: int, now) -> int:
    """Bring `n` idle issues into their warning band (as time passing would)."""
    from issues.models import IssueClock

    ids = list(
        IssueClock.objects.filter(step=0, next_check_at__gt=now)
        .order_by("?")
        .values_list("issue_id", flat=True)[:n]
    )
    IssueClock.objects.filter(issue_id__in=ids).update(
        warn_at=now - timedelta(minutes=10),
        deadline=now + timedelta(hours=2),
        next_check_at=now - timedelta(minutes=10),
    )
    return len(ids)


def _parallel_sweeps(now, n: int) -> tuple[float, int]:
    import threading

    from django.db import connections

    from issues.supervision import supervision_sweep

    results = []

    def run():
        try:
            results.append(supervision_sweep(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, sum(r.taken for r in results)


def _idle_plan(now) -> str:
    from django.db import connection

    from issues.models import IssueClock

    qs = (
        IssueClock.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("issue_id", flat=True)[:200]
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = " / ".join(row[0].strip() for row in cursor.fetchall())
    return plan


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print(json.dumps({"error": "bench/sweep.py needs PostgreSQL (DATABASE_URL)"}))
        sys.exit(2)
    created = _ensure_database(url)
    try:
        _setup_django(url)
        from django.utils import timezone

        from issues.models import IssueEvent
        from issues.supervision import supervision_sweep
        from notifications.models import Delivery, Notification

        now = timezone.now()
        out = {"bench": "supervision_sweep", "open_issues": N_ISSUES, "due": N_DUE}
        out.update(_fixture(now))

        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            due = profile.runcall(supervision_sweep, now=now)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        else:
            due = supervision_sweep(now=now)
        idle_started = time.monotonic()
        idle = supervision_sweep(now=now)
        idle_s = time.monotonic() - idle_started
        # a sweep a few minutes later: still nothing new
        later = supervision_sweep(now=now + timedelta(minutes=5))
        # a typical burst: N_SMALL more issues enter their warning band
        small = _make_due(N_SMALL, now)
        small_result = supervision_sweep(now=now)
        # the big burst again, with N_PARALLEL sweeps at once (e.g. as many Celery workers):
        # they share the work through SKIP LOCKED
        parallel = _make_due(N_DUE, now)
        parallel_s, parallel_taken = _parallel_sweeps(now, N_PARALLEL)
        out.update(
            {
                "due_sweep_s": round(due.seconds, 3),
                "due_steps": due.steps,
                "steps_per_s": round(due.taken / due.seconds, 1) if due.seconds else None,
                "idle_sweep_s": round(idle_s, 4),
                "idle_taken": idle.taken,
                "later_sweep_s": round(later.seconds, 4),
                "small_due": small,
                "small_due_sweep_s": round(small_result.seconds, 3),
                "small_due_taken": small_result.taken,
                "parallel_sweeps": N_PARALLEL,
                "parallel_due": parallel,
                "parallel_due_sweep_s": round(parallel_s, 3),
                "parallel_due_taken": parallel_taken,
                "events": IssueEvent.objects.count(),
                "notifications": Notification.objects.count(),
                "deliveries": Delivery.objects.count(),
                "idle_plan": _idle_plan(now),
                "targets": {"due_sweep_s": 5, "idle_sweep_s": 1},
                "kept_database": not created,
            }
        )
        print(json.dumps(out, ensure_ascii=False))
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            _drop_database(url)


if __name__ == "__main__":
    main()
