"""Benchmark: the leaders' cockpit at city scale — 200,000 issues on PostgreSQL.

Standalone: recreates its own database (BENCH_DB, default `qq_c12`) on the server of
DATABASE_URL, writes a year of a city's work with COPY — 20,000 enterprises, 200,000 issues and
their event timelines, as the workflow writes them — rebuilds the cockpit's facts from the
events with the product's own `cockpit.facts.rebuild_all`, then times the cockpit page (the
whole view, template included) for a set of filters, and prints ONE JSON line.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cockpit.py`
(BENCH_ISSUES scales the data set down for a quick try).
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchdb import recreate_database  # noqa: E402

ISSUES = int(os.environ.get("BENCH_ISSUES", "200000"))
ENTERPRISES = max(ISSUES // 10, 100)
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/cockpit.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    parts = urlsplit(url)
    name = os.environ.get("BENCH_DB", "qq_c12")
    if os.environ.get("BENCH_REUSE") == "1":  # time the page on the data set already there
        return urlunsplit(parts._replace(path=f"/{name}"))
    return recreate_database(url, name)


os.environ["DATABASE_URL"] = _database_url()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp()
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Region, Role, RoleMembership, Unit, User  # noqa: E402
from cockpit import facts  # noqa: E402
from enterprises.models import Enterprise, Industry, LiaisonAssignment  # noqa: E402
from issues.models import Category, Issue, IssueEvent  # noqa: E402

rng = random.Random(12)
TZ = timezone.get_current_timezone()


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())} seconds"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def credit_code(n: int) -> str:
    from tests.factories import credit_code as make

    return make(n)


def world():
    call_command("migrate", verbosity=0)
    city = Region.add_root(name="江城市", code="420100", kind=Region.Kind.CITY)
    districts = [
        city.add_child(name=f"第{i}区", code=f"4201{i:02d}", kind=Region.Kind.DISTRICT)
        for i in range(1, 11)
    ]
    streets = [
        d.add_child(name=f"{d.name}{j}街道", code=f"{d.code}{j:03d}", kind=Region.Kind.STREET)
        for d in districts
        for j in range(1, 6)
    ]
    units = [Unit.objects.create(name=f"市局{i}", kind="line", region=city) for i in range(20)]
    for d in districts:
        units += [
            Unit.objects.create(name=f"{d.name}局{i}", kind="line", region=d) for i in range(5)
        ]
    sections = list(Industry.objects.filter(parent__isnull=True).order_by("code")[:10])
    parents = [Category.objects.create(code=f"bench{i}", name=f"大类{i}") for i in range(6)]
    cats = [
        Category.objects.create(code=f"bench{i}.{j}", name=f"分类{i}.{j}", parent=p)
        for i, p in enumerate(parents)
        for j in range(5)
    ]
    system = User.objects.get_or_create(username="bench_system")[0]
    liaisons = User.objects.bulk_create(
        [User(username=f"liaison{i}", display_name=f"联络员{i}") for i in range(400)]
    )
    RoleMembership.objects.bulk_create(
        [RoleMembership(user=u, role=Role.LIAISON, region=city) for u in liaisons]
    )
    leader = User.objects.create(username="cityleader", display_name="市领导")
    RoleMembership.objects.create(user=leader, role=Role.LEADER, region=city)
    district_leader = User.objects.create(username="districtleader", display_name="区领导")
    RoleMembership.objects.create(user=district_leader, role=Role.LEADER, region=districts[0])
    ents = Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=credit_code(n + 1),
                name=f"企业{n}",
                region=streets[n % len(streets)],
                industry=sections[n % len(sections)],
            )
            for n in range(ENTERPRISES)
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    LiaisonAssignment.objects.bulk_create(
        [
            LiaisonAssignment(
                enterprise=e, person=liaisons[i % len(liaisons)], kind="liaison", started_on=today
            )
            for i, e in enumerate(ents)
        ],
        batch_size=5000,
    )
    return {
        "city": city,
        "districts": districts,
        "units": units,
        "cats": cats,
        "ents": ents,
        "liaisons": liaisons,
        "system": system,
        "leader": leader,
        "district_leader": district_leader,
    }


def _at(day: datetime, hours: float) -> datetime:
    return day + timedelta(hours=hours)


def timeline(reg: datetime, unit_id: int, now: datetime):
    """One issue's events (kind, at, from, to, data) and its final state and fields."""
    ev = [("register", reg, "", "new", {})]
    t = _at(reg, rng.uniform(0.1, 3))
    ev.append(("dispatch", t, "new", "dispatched", {"lead_unit_id": unit_id}))
    if rng.random() < 0.05:
        t = _at(t, rng.uniform(1, 20))
        ev.append(("return", t, "dispatched", "returned", {"unit_id": unit_id}))
        t = _at(t, rng.uniform(1, 20))
        ev.append(("rule_return", t, "returned", "dispatched", {"lead_unit_id": unit_id}))
    state = "dispatched"
    reworks = 0
    horizon = [e for e in ev if e[1] <= now]
    t = _at(t, rng.uniform(0.2, 40))
    if t < now:
        ok = rng.random() < 0.9
        ev.append(
            (
                "acknowledge",
                t,
                state,
                "in_progress",
                {"on_time": ok, "work_seconds": rng.randint(600, 40000)},
            )
        )
        state = "in_progress"
        first = True
        while True:
            t = _at(t, rng.uniform(10, 300))
            if t >= now:
                break
            outcome = rng.choices(["solved", "partly_solved", "explained"], [80, 12, 8])[0]
            ev.append(
                (
                    "resolve",
                    t,
                    state,
                    "resolved",
                    {
                        "outcome": outcome,
                        "on_time": rng.random() < 0.85,
                        "work_seconds": rng.randint(3600, 400000) if first else 1,
                    },
                )
            )
            first = False
            state = "resolved"
            t = _at(t, rng.uniform(5, 60))
            if t >= now:
                break
            sat = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [85, 11, 4])[0]
            to = "in_progress" if sat == "dissatisfied" else "closed"
            ev.append(("revisit", t, state, to, {"satisfaction": sat}))
            state = to
            if to == "closed" or reworks >= 2:
                break
            reworks += 1
    horizon = [e for e in ev if e[1] <= now]
    return horizon, horizon[-1][3], reworks


def issues_and_events(w) -> tuple[int, int]:
    now = timezone.now()
    start = now - timedelta(days=365)
    fields = [f for f in Issue._meta.concrete_fields if f.name not in ("id",)]
    issue_cols = ["id"] + [f.column for f in fields]
    event_cols = [
        "issue_id",
        "kind",
        "actor_id",
        "at",
        "from_state",
        "to_state",
        "data",
        "is_public",
    ]
    issue_rows, event_rows = [], []
    defaults = {f.name: f.get_default() for f in fields}
    units_by_district = {}
    for u in w["units"]:
        units_by_district.setdefault(u.region.path, []).append(u.pk)
    city_units = units_by_district[w["city"].path]
    n_events = 0
    for i in range(1, ISSUES + 1):
        ent = w["ents"][rng.randrange(len(w["ents"]))]
        reg = start + timedelta(seconds=rng.randrange(365 * 86400))
        district_path = ent.region.path[: len(w["city"].path) + 4]
        unit = rng.choice(units_by_district.get(district_path, city_units) + city_units[:2])
        evs, state, reworks = timeline(reg, unit, now)
        resolved = [e for e in evs if e[0] == "resolve"]
        values = dict(defaults)
        values.update(
            enterprise_id=ent.pk,
            source="visit",
            registered_via="web",
            category_id=rng.choice(w["cats"]).pk,
            title=f"诉求{i}",
            description="bench",
            priority="normal",
            state=state,
            lead_unit_id=unit,
            liaison_id=w["liaisons"][ent.pk % len(w["liaisons"])].pk,
            registered_by_id=w["system"].pk,
            rework_count=reworks,
            outcome=resolved[-1][4]["outcome"] if resolved else "",
            outcome_reason="bench"
            if resolved and resolved[-1][4]["outcome"] == "explained"
            else "",
            registered_at=reg,
            last_activity_at=evs[-1][1],
            supervision_level=3 if state == "in_progress" and rng.random() < 0.02 else 0,
            returned_unit_ids="[]",
        )
        issue_rows.append(
            [i]
            + [
                values[f.name] if not f.is_relation else values.get(f.attname, values.get(f.name))
                for f in fields
            ]
        )
        for kind, at, frm, to, data in evs:
            event_rows.append([i, kind, w["system"].pk, at, frm, to, json.dumps(data), False])
        n_events += len(evs)
    _copy(Issue._meta.db_table, issue_cols, issue_rows)
    _copy(IssueEvent._meta.db_table, event_cols, event_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Issue._meta.db_table}', 'id'), %s)", [ISSUES]
        )
        cursor.execute("ANALYZE")
    return ISSUES, n_events


def measure(client, params) -> dict:
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get("/cockpit/", params)
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
    else:
        w = world()
        n_issues, n_events = issues_and_events(w)
        generated = time.perf_counter() - t0
        t1 = time.perf_counter()
        built = facts.rebuild_all()
        rebuild = time.perf_counter() - t1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(w["leader"])
    district = w["districts"][0]
    today = timezone.localdate()
    cases = {
        "this_month": {"period": "month"},
        "this_quarter": {"period": "quarter"},
        "this_year": {"period": "year"},
        "last_365_days": {
            "period": "custom",
            "start": (today - timedelta(days=364)).isoformat(),
            "end": today.isoformat(),
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
                "loadavg_1m": os.getloadavg()[0],
                "runs": RUNS,
                "page": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
