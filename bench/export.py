"""Benchmark: the issue list export (.xlsx, write-only, streamed) at growing sizes.

    python bench/export.py            # prints one JSON line

Uses a throw-away SQLite database in a temporary folder (or DATABASE_URL if set, which must be a
database the script may fill). Issues are written with bulk_create (no history rows; only the
export's reading is measured). For each size in BENCH_EXPORT_SIZES (default 20000,100000) it
requests the export as a dispatcher through Django's test client and reports the seconds, the
rows in the file, the file size, the CPU seconds and the peak Python memory (tracemalloc)
while the export runs.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = [int(n) for n in os.environ.get("BENCH_EXPORT_SIZES", "20000,100000").split(",")]


def _setup(tmp: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixture():
    from accounts.models import Region, Role, RoleMembership, User
    from enterprises.models import Enterprise
    from enterprises.validators import credit_code_check_char
    from issues.models import Category

    city = Region.add_root(name="基准市", code="990100", kind=Region.Kind.CITY)
    district = city.add_child(name="基准区", code="990102", kind=Region.Kind.DISTRICT)
    dispatcher = User.objects.create(username="bench-dispatcher", display_name="派单员")
    RoleMembership.objects.create(user=dispatcher, role=Role.DISPATCHER, region=district)
    first17 = "91990102000000001"
    enterprise = Enterprise.objects.create(
        credit_code=first17 + credit_code_check_char(first17), name="基准企业", region=district
    )
    category = Category.objects.filter(parent__isnull=False).first() or Category.objects.create(
        code="bench", name="基准分类"
    )
    return dispatcher, enterprise, category


def _grow_to(n: int, enterprise, category, registrant) -> None:
    from django.utils import timezone

    from issues.models import Issue

    have = Issue.objects.count()
    now = timezone.now()
    Issue.objects.bulk_create(
        [
            Issue(
                enterprise=enterprise,
                region_id=enterprise.region_id,
                source=Issue.Source.VISIT,
                category=category,
                title=f"基准诉求{i}",
                description="基准",
                registered_by=registrant,
                registered_at=now - timedelta(seconds=i),
                last_activity_at=now,
            )
            for i in range(have, n)
        ],
        batch_size=5000,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _setup(tmp)
        from django.test import Client
        from django.urls import reverse
        from openpyxl import load_workbook

        dispatcher, enterprise, category = _fixture()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(dispatcher)
        out = {"bench": "issue_list_export", "runs": []}
        for n in SIZES:
            _grow_to(n, enterprise, category, dispatcher)
            tracemalloc.start()
            started, cpu = time.monotonic(), time.process_time()
            response = client.get(reverse("issues:export"))
            assert response.status_code == 200, response.status_code
            size = 0
            path = Path(tmp) / f"export-{n}.xlsx"
            with path.open("wb") as f:
                for chunk in response.streaming_content:
                    size += len(chunk)
                    f.write(chunk)
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
            peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            rows = sum(1 for _ in load_workbook(path, read_only=True).active.iter_rows()) - 1
            out["runs"].append(
                {
                    "issues": n,
                    "rows_in_file": rows,
                    "seconds": round(seconds, 2),
                    "cpu_seconds": round(cpu, 2),
                    "rows_per_s": round(rows / seconds),
                    "file_mb": round(size / 1e6, 2),
                    "peak_python_mb": round(peak_mb, 1),
                }
            )
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
