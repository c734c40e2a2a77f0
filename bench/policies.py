"""Benchmark: precise matching at 20,000 enterprises (target ≤ 200 ms per call on PostgreSQL),
the push of a broad policy, and the library's Chinese search.

Standalone: sets Django up itself on a throwaway database (BENCH_DB, default `qq_bench_policies`,
created afresh on the server of DATABASE_URL; with a SQLite DATABASE_URL a temporary file), then
prints ONE JSON line. Run:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/policies.py`
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchdb import fresh_database_url, start_django  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))


# publishing queues a task nobody runs here
start_django(fresh_database_url("qq_bench_policies"), CELERY_BROKER_URL="memory://")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Region, Role, User  # noqa: E402
from accounts.services import membership_grant, user_create  # noqa: E402
from enterprises.models import Enterprise, Industry, LiaisonAssignment, Tag  # noqa: E402
from policies.models import PolicyPage  # noqa: E402
from policies.selectors import enterprise_policies, policy_matches, policy_search  # noqa: E402
from policies.services import policy_page_create, policy_push_publish  # noqa: E402
from website.setup import site_setup  # noqa: E402


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed(fn, runs: int = RUNS) -> dict:
    samples = []
    with CaptureQueriesContext(connection) as ctx:
        fn()
        queries = len(ctx.captured_queries)
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return {
        "median_ms": ms(statistics.median(samples)),
        "p95_ms": ms(samples[int(len(samples) * 0.95) - 1]),
        "max_ms": ms(samples[-1]),
        "queries": queries,
    }


def build_world(rng: random.Random):
    call_command("migrate", verbosity=0)
    site = site_setup()
    city = Region.add_root(name="江城市", code="420100", kind="city")
    district = city.add_child(name="江南区", code="420102", kind="district")
    streets = []
    for i in range(8):
        district.refresh_from_db()
        streets.append(district.add_child(name=f"街道{i}", code=f"42010200{i}", kind="street"))
    divisions = list(Industry.objects.filter(parent__isnull=False))
    tags = list(Tag.objects.all())
    liaisons = []
    for i in range(40):
        user = user_create(actor=None, username=f"liaison{i}", password=None)
        membership_grant(actor=None, user=user, role=Role.LIAISON, region=district)
        liaisons.append(user)
    today = timezone.localdate()
    batch = []
    for n in range(ENTERPRISES):
        batch.append(
            Enterprise(
                credit_code=f"91420102{n:09d}X",
                name=f"企业{n:05d}有限公司",
                region=rng.choice(streets),
                industry=rng.choice(divisions),
                scale=rng.choice(["large", "medium", "small", "small", "micro", "micro"]),
                established_on=today - timedelta(days=rng.randint(100, 365 * 30)),
            )
        )
    Enterprise.objects.bulk_create(batch, batch_size=2000)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    through = Enterprise.tags.through
    links = [
        through(enterprise_id=pk, tag_id=tag.pk)
        for pk in ids
        for tag in rng.sample(tags, rng.choice([0, 0, 1, 2]))
    ]
    through.objects.bulk_create(links, batch_size=5000)
    LiaisonAssignment.objects.bulk_create(
        [
            LiaisonAssignment(
                enterprise_id=pk, person=rng.choice(liaisons), kind="liaison", started_on=today
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    return site, district, streets, ids


POLICY = {
    "policy_type": "reduce",
    "delivery_mode": "instant",
    "issuer": "江城市人民政府",
    "issued_on": date(2026, 1, 1),
    "effective_from": date(2026, 1, 1),
    "target_audience": "辖区内企业",
    "conditions": "<p>依法纳税</p>",
    "benefit": "<p>按规定享受增值税期末留抵退税</p>",
    "time_limit": "10个工作日",
    "accepting_unit": "区税务局",
    "hotline": "12366",
}


def main() -> None:
    rng = random.Random(20261129)
    started = time.perf_counter()
    site, district, streets, ids = build_world(rng)
    library = site["library"]
    C = Industry.objects.get(code="C")
    tag = Tag.objects.get(name="专精特新")
    shapes = {
        "everyone": {},
        "district": {"regions": [district]},
        "manufacturing_small_micro": {"industries": [C], "scales": ["small", "micro"]},
        "street_tagged": {"regions": [streets[0]], "tags": [tag]},
        "years_3_to_10": {"min_years": 3, "max_years": 10},
        "all_dimensions": {
            "industries": [C],
            "scales": ["small"],
            "regions": [district],
            "tags": [tag],
            "min_years": 2,
        },
    }
    policies = {
        name: policy_page_create(
            actor=None, library=library, title=f"政策-{name}", slug=name, **POLICY, **fields
        )
        for name, fields in shapes.items()
    }
    seeded = time.perf_counter() - started

    # Each call starts from the policy as a view or task loads it (its eligibility not yet read),
    # and reads the ids of every matched enterprise (what the push does with them).
    matches = {}
    for name, policy in policies.items():

        def run(pk=policy.pk):
            fresh = PolicyPage.objects.get(pk=pk)
            return list(policy_matches(policy=fresh).values_list("pk", flat=True))

        matches[name] = {"matched": len(run()), **timed(run)}
    sample = rng.sample(ids, 200)
    cursor = iter(sample * (RUNS + 1))
    per_enterprise = timed(
        lambda: enterprise_policies(enterprise=Enterprise(pk=next(cursor))), runs=RUNS * 5
    )
    per_enterprise["policies_in_force"] = len(policies)
    print(json.dumps({"partial": matches, "per_enterprise": per_enterprise}), file=sys.stderr)

    start = time.perf_counter()
    push = policy_push_publish(revision_id=policies["everyone"].live_revision_id)
    push_seconds = time.perf_counter() - start

    in_library = PolicyPage.objects.live().child_of(library)
    search = timed(lambda: list(policy_search(in_library, "留抵退税")))

    print(
        json.dumps(
            {
                "benchmark": "policies",
                "database": connection.vendor,
                "enterprises": ENTERPRISES,
                "seed_s": round(seeded, 1),
                "policy_matches": matches,
                "enterprise_policies": per_enterprise,
                "push_everyone": {
                    "targets": push.new_targets,
                    "notifications": User.objects.filter(notifications__isnull=False)
                    .distinct()
                    .count(),
                    "seconds": round(push_seconds, 2),
                },
                "library_search_ms": search,
                "target_ms": 200,
                "ok": all(m["p95_ms"] <= 200 for m in matches.values())
                and per_enterprise["p95_ms"] <= 200,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
