"""The benchmarks' data set: a city's (or a province's) year of work on PostgreSQL, reproducibly.

City (the default, DESIGN §12): 20,000 enterprises, 200,000 issues with the events the workflow
writes and their running clocks, 100,000 visits, and the simple-history rows the services would
have left. `BENCH_SCALE=province`: 200,000 enterprises, 2,000,000 issues, 1,000,000 visits.
`BENCH_ISSUES=n` scales the city down for a quick try (n/10 enterprises, n/2 visits).

Rows go in with COPY, in chunks (the province does not fit in memory at once); history rows are
derived inside the database with `INSERT … SELECT` from the rows they describe (one per issue
event, one creation row per enterprise, assignment, visit and visit officer). A fixed seed
(`random.Random(12)`) makes two runs write the same data.

About 17 % of the issues are open (city): most issues are acknowledged within two days and resolved
within two weeks, but three in ten are hard cases whose resolution takes up to a year, and
those registered recently are still being worked on.

Run: `BENCH_DB=qq_bench .venv/bin/python bench/generate.py` (DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/postgres; the database BENCH_DB is dropped and created anew).
It prints one JSON line: the counts and the seconds it took.

`bench/cockpit.py` imports `world` and `issues_and_events` from here (and rebuilds the cockpit's
facts itself; this script leaves them empty), `bench/pages.py` imports `configure`. The
functions expect Django to be set up already (the script's `main` does that itself).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCALES = {
    # enterprises, issues, visits
    "city": (20_000, 200_000, 100_000),
    "province": (200_000, 2_000_000, 1_000_000),
}
SCALE = os.environ.get("BENCH_SCALE", "city")
if SCALE not in SCALES:
    sys.exit(f"BENCH_SCALE must be one of {', '.join(SCALES)}")
if os.environ.get("BENCH_ISSUES"):
    ISSUES = int(os.environ["BENCH_ISSUES"])
    ENTERPRISES = max(ISSUES // 10, 100)
    VISITS = ISSUES // 2
else:
    ENTERPRISES, ISSUES, VISITS = SCALES[SCALE]
CHUNK = 20_000  # issues (with their events and clocks) per COPY

rng = random.Random(12)

# The workflow's time limits, simplified to calendar time for the data set.
ACK_LIMIT = timedelta(days=1)
RESOLVE_LIMIT = timedelta(days=15)
REVISIT_LIMIT = timedelta(days=5)
WARN_BEFORE = timedelta(hours=4)


def credit_code(n: int) -> str:
    from tests.factories import credit_code as make

    return make(n)


def world(enterprises: int = ENTERPRISES) -> dict:
    """Migrate, then the regions, units, categories, people and enterprises of a city: ten
    districts of five streets, 70 units, 30 categories, 400 liaisons (each enterprise has one),
    leaders and dispatchers of the city and of district 1, a handler of a city unit."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Region, Role, RoleMembership, Unit, User
    from enterprises.models import Enterprise, Industry, LiaisonAssignment
    from issues.models import Category

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
    dispatcher = User.objects.create(username="citydispatcher", display_name="市派单员")
    RoleMembership.objects.create(user=dispatcher, role=Role.DISPATCHER, region=city)
    district_dispatcher = User.objects.create(
        username="districtdispatcher", display_name="区派单员"
    )
    RoleMembership.objects.create(
        user=district_dispatcher, role=Role.DISPATCHER, region=districts[0]
    )
    handler = User.objects.create(username="unithandler", display_name="承办人")
    RoleMembership.objects.create(user=handler, role=Role.HANDLER, unit=units[0])
    ents = Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=credit_code(n + 1),
                name=f"企业{n}",
                region=streets[n % len(streets)],
                industry=sections[n % len(sections)],
            )
            for n in range(enterprises)
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
        "dispatcher": dispatcher,
        "district_dispatcher": district_dispatcher,
        "handler": handler,
    }


def _at(day: datetime, hours: float) -> datetime:
    return day + timedelta(hours=hours)


def timeline(reg: datetime, unit_id: int, now: datetime):
    """One issue's events (kind, at, from, to, data) up to `now`, its final state and its
    rework count. Three in ten issues are hard cases: resolving them takes up to a year."""
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
    hard = rng.random() < 0.3
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
            t = _at(t, rng.uniform(300, 365 * 24) if hard and first else rng.uniform(10, 300))
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


def _issue_fields(evs, state: str, unit_id: int, now: datetime) -> tuple[dict, list]:
    """The issue's timestamps, deadlines and counters as the workflow would have left them
    after `evs`, and its clock row (kind, started_at, deadline, warn_at, step, next_check)."""
    first = {}
    last = {}
    for kind, at, _frm, _to, data in evs:
        first.setdefault(kind, (at, data))
        last[kind] = (at, data)
    if "dispatch" not in first:  # registered moments ago: waits for dispatch, no clock
        return {}, ["", None, None, None, 0, None]
    values = {
        "dispatched_at": first["dispatch"][0],
        "ack_deadline": first["dispatch"][0] + ACK_LIMIT,
    }
    returned = "return" in first
    values.update(
        return_count=1 if returned else 0,
        returned_unit_ids=json.dumps([unit_id] if returned else []),
        returned_unit_count=1 if returned else 0,
        return_final=returned,
    )
    if "acknowledge" in first:
        at, data = first["acknowledge"]
        values.update(
            acknowledged_at=at,
            acknowledged_on_time=data["on_time"],
            resolve_deadline=at + RESOLVE_LIMIT,
        )
    if "resolve" in first:
        at, data = last["resolve"]
        values.update(
            first_resolved_at=first["resolve"][0],
            resolved_at=at,
            resolved_on_time=first["resolve"][1]["on_time"],
            revisit_deadline=at + REVISIT_LIMIT,
        )
    if "revisit" in last:
        at, data = last["revisit"]
        values.update(revisited_at=at, satisfaction=data["satisfaction"])
        if state == "closed":
            values["closed_at"] = at
    clock_kind, started, deadline = {
        "dispatched": ("ack", values["dispatched_at"], values["ack_deadline"]),
        "in_progress": (
            "resolve",
            values.get("acknowledged_at"),
            values.get("resolve_deadline"),
        ),
        "resolved": ("revisit", values.get("resolved_at"), values.get("revisit_deadline")),
    }.get(state, ("", None, None))
    if clock_kind == "resolve" and "revisit" in last:  # reworked: a new resolve limit
        started = last["revisit"][0]
        deadline = values["resolve_deadline"] = started + RESOLVE_LIMIT
    if not clock_kind:
        clock = ["", None, None, None, 0, None]
    elif now < deadline - WARN_BEFORE:
        clock = [clock_kind, started, deadline, deadline - WARN_BEFORE, 0, deadline - WARN_BEFORE]
    elif now < deadline:
        clock = [clock_kind, started, deadline, deadline - WARN_BEFORE, 1, deadline]
    elif now < deadline + timedelta(days=3):  # reminded; the supervision notice comes next
        check = deadline + timedelta(days=3)
        clock = [clock_kind, started, deadline, deadline - WARN_BEFORE, 2, check]
    else:  # the ladder went as far as a supervision notice
        clock = [clock_kind, started, deadline, deadline - WARN_BEFORE, 3, None]
    return values, clock


def issues_and_events(w: dict, issues: int = ISSUES) -> tuple[int, int]:
    """`issues` issues registered over the last year, with their event timelines and clocks,
    written with COPY in chunks of CHUNK issues."""
    from django.db import connection
    from django.utils import timezone

    from crm.lib.pgcopy import copy_rows  # after Django is set up
    from issues.models import Issue, IssueClock, IssueEvent

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
    clock_cols = [
        "issue_id",
        "kind",
        "started_at",
        "deadline",
        "warn_at",
        "step",
        "next_check_at",
        "auto_escalated",
        "updated_at",
    ]
    defaults = {f.name: f.get_default() for f in fields}
    units_by_district = {}
    for u in w["units"]:
        units_by_district.setdefault(u.region.path, []).append(u.pk)
    city_units = units_by_district[w["city"].path]
    n_events = 0
    issue_rows, event_rows, clock_rows = [], [], []

    def flush() -> None:
        copy_rows(Issue._meta.db_table, issue_cols, issue_rows)
        copy_rows(IssueEvent._meta.db_table, event_cols, event_rows)
        copy_rows(IssueClock._meta.db_table, clock_cols, clock_rows)
        issue_rows.clear()
        event_rows.clear()
        clock_rows.clear()

    for i in range(1, issues + 1):
        ent = w["ents"][rng.randrange(len(w["ents"]))]
        reg = start + timedelta(seconds=rng.randrange(365 * 86400))
        district_path = ent.region.path[: len(w["city"].path) + 4]
        unit = rng.choice(units_by_district.get(district_path, city_units) + city_units[:2])
        evs, state, reworks = timeline(reg, unit, now)
        resolved = [e for e in evs if e[0] == "resolve"]
        values = dict(defaults)
        derived, clock = _issue_fields(evs, state, unit, now)
        values.update(derived)
        values.update(
            enterprise_id=ent.pk,
            region_id=ent.region_id,
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
            reply="bench" if resolved else "",
            registered_at=reg,
            last_activity_at=evs[-1][1],
            supervision_level=3 if state == "in_progress" and rng.random() < 0.02 else 0,
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
        clock_rows.append([i, *clock, False, now])
        if len(issue_rows) >= CHUNK:
            flush()
    flush()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Issue._meta.db_table}', 'id'), %s)", [issues]
        )
        cursor.execute("ANALYZE")
    return issues, n_events


def visits(w: dict, count: int = VISITS) -> int:
    """`count` visits over the last year: 85 % done, 10 % planned for the coming month, 5 %
    cancelled; each led by the enterprise's liaison."""
    from django.db import connection
    from django.utils import timezone

    from crm.lib.pgcopy import copy_rows  # after Django is set up
    from visits.models import Visit, VisitOfficer

    now = timezone.now()
    kinds = [k.value for k in Visit.Kind]
    visit_cols = [
        "id",
        "enterprise_id",
        "kind",
        "status",
        "planned_on",
        "happened_at",
        "summary",
        "place",
        "confidentiality",
        "cancel_reason",
        "created_by_id",
        "created_at",
        "updated_at",
    ]
    officer_cols = ["visit_id", "user_id", "is_lead"]
    liaisons = w["liaisons"]
    visit_rows, officer_rows = [], []
    for i in range(1, count + 1):
        ent = w["ents"][rng.randrange(len(w["ents"]))]
        liaison = liaisons[ent.pk % len(liaisons)].pk
        roll = rng.random()
        created = now - timedelta(seconds=rng.randrange(365 * 86400))
        if roll < 0.85:
            status, planned, happened, reason = "done", None, created, ""
        elif roll < 0.95:
            status, happened, reason = "planned", None, ""
            planned = (now + timedelta(days=rng.randrange(30))).date()
        else:
            status, happened, reason = "cancelled", None, "企业临时有事"
            planned = created.date()
        visit_rows.append(
            [
                i,
                ent.pk,
                rng.choice(kinds),
                status,
                planned,
                happened,
                f"走访{i}：了解生产经营情况" if status == "done" else "",
                "",
                "internal",
                reason,
                liaison,
                created,
                created,
            ]
        )
        officer_rows.append([i, liaison, True])
        if len(visit_rows) >= CHUNK:
            copy_rows(Visit._meta.db_table, visit_cols, visit_rows)
            visit_rows.clear()
    copy_rows(Visit._meta.db_table, visit_cols, visit_rows)
    copy_rows(VisitOfficer._meta.db_table, officer_cols, officer_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Visit._meta.db_table}', 'id'), %s)", [count]
        )
    return count


def _history(model, *, join: str = "", overrides: dict | None = None) -> int:
    """simple-history rows for `model`'s table derived in the database: by default one creation
    row ('+') per row, attributed to the row's own time; `join` / `overrides` shape others."""
    from django.db import connection

    hist = model.history.model
    overrides = overrides or {}
    source = {f.column for f in model._meta.concrete_fields}
    cols, exprs = [], []
    for f in hist._meta.concrete_fields:
        if f.column == "history_id":
            continue
        if f.column in overrides:
            expr = overrides[f.column]
        elif f.column in source:
            expr = f"s.{f.column}"
        elif f.column == "history_date":
            expr = "now()"
        elif f.column == "history_type":
            expr = "'+'"
        else:
            expr = "NULL"
        cols.append(f.column)
        exprs.append(expr)
    # Table and column names come from the models, not from input.
    sql = (
        f"INSERT INTO {hist._meta.db_table} ({', '.join(cols)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM {model._meta.db_table} s {join}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def history(w: dict) -> dict:
    """The history rows the services write: one per issue event (the issue as it stood after the
    transition, by the event's actor), one creation row per enterprise, liaison assignment,
    visit and visit officer."""
    from enterprises.models import Enterprise, LiaisonAssignment
    from issues.models import Issue
    from visits.models import Visit, VisitOfficer

    rows = {
        "issue": _history(
            Issue,
            join="JOIN issues_issueevent e ON e.issue_id = s.id",
            overrides={
                "state": "e.to_state",
                "last_activity_at": "e.at",
                "history_date": "e.at",
                "history_user_id": "e.actor_id",
                "history_type": "CASE WHEN e.kind = 'register' THEN '+' ELSE '~' END",
            },
        ),
        "enterprise": _history(Enterprise, overrides={"history_date": "s.created_at"}),
        "liaison_assignment": _history(LiaisonAssignment),
        "visit": _history(
            Visit,
            overrides={"history_date": "s.created_at", "history_user_id": "s.created_by_id"},
        ),
        "visit_officer": _history(VisitOfficer),
    }
    return rows


def configure(default_db: str) -> str:
    """Point Django at a fresh (or, with BENCH_REUSE=1, the existing) bench database and set it
    up; the database's name."""
    from bench.benchdb import city_database_url, start_django

    start_django(city_database_url(default_db))
    return os.environ.get("BENCH_DB", default_db)


def generate() -> dict:
    """The whole data set on the configured database; counts and timings."""
    from django.db import connection

    t0 = time.perf_counter()
    w = world(ENTERPRISES)
    t_world = time.perf_counter()
    n_issues, n_events = issues_and_events(w, ISSUES)
    t_issues = time.perf_counter()
    n_visits = visits(w, VISITS)
    t_visits = time.perf_counter()
    hist = history(w)
    t_history = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM, not only ANALYZE: a database in service has its visibility map kept by
        # autovacuum, so index-only scans are costed as such (fresh COPYs have none).
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE state IN ('new', 'dispatched', 'returned',"
            " 'in_progress', 'waiting_enterprise', 'review')) FROM issues_issue"
        )
        open_count = cursor.fetchone()[0]
    t_end = time.perf_counter()
    return {
        "bench": "generate",
        "scale": SCALE if not os.environ.get("BENCH_ISSUES") else f"issues={ISSUES}",
        "enterprises": ENTERPRISES,
        "issues": n_issues,
        "open_share": round(open_count / max(n_issues, 1), 3),
        "events": n_events,
        "visits": n_visits,
        "history_rows": hist,
        "seconds": {
            "world": round(t_world - t0, 1),
            "issues_events_clocks": round(t_issues - t_world, 1),
            "visits": round(t_visits - t_issues, 1),
            "history": round(t_history - t_visits, 1),
            "analyze": round(t_end - t_history, 1),
            "total": round(t_end - t0, 1),
        },
    }


def main() -> None:
    db = configure("qq_bench")
    result = generate()
    result["database"] = db
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
