"""Benchmark: ledger import of 10,000 rows, and the enterprise list at 20,000 enterprises.

Standalone: sets Django up itself on a throwaway database (BENCH_DB, default `qq_bench`, created
afresh on the server of DATABASE_URL; with a SQLite DATABASE_URL a temporary file), then prints
ONE JSON line. Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/enterprises.py`
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

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))


start_django(fresh_database_url("qq_bench"))

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from accounts.models import Region, Role, RoleMembership, User  # noqa: E402
from enterprises.ledger.columns import COLUMNS  # noqa: E402
from enterprises.ledger.jobs import ledger_dry_run  # noqa: E402
from enterprises.models import Enterprise, ImportJob  # noqa: E402
from enterprises.tasks import enterprise_import_task  # noqa: E402
from enterprises.validators import credit_code_check_char  # noqa: E402

STREETS = ["420102001", "420102002", "420102003", "420102004", "420102501", "420102502"]
TAGS = ["专精特新", "四上企业", "高新技术企业", "重点企业", ""]
SECTIONS = "BCCCCDEFFGHIKLMNOR"
SCALES = ["大型", "中型", "小型", "小型", "微型"]


def world():
    city = Region.add_root(code="420100", name="江城市", kind="city")
    district = city.add_child(code="420102", name="江南区", kind="district")
    for code in STREETS:
        district.refresh_from_db()
        district.add_child(code=code, name=f"街道{code[-3:]}", kind="street")
    dispatcher = User.objects.create(username="dispatcher", display_name="派单员")
    RoleMembership.objects.create(user=dispatcher, role=Role.DISPATCHER, region=district)
    for i in range(40):
        person = User.objects.create(
            username=f"l{i}", display_name=f"联络员{i}", staff_no=f"S{i:04d}"
        )
        RoleMembership.objects.create(user=person, role=Role.LIAISON, region=district)
    for i in range(8):
        person = User.objects.create(
            username=f"b{i}", display_name=f"领导{i}", staff_no=f"B{i:04d}"
        )
        RoleMembership.objects.create(user=person, role=Role.RESPONSIBLE_LEADER, region=district)
    return dispatcher, User.objects.get(username="l0")


def code(n: int) -> str:
    first17 = f"91420102{n:09d}"
    return first17 + credit_code_check_char(first17)


def ledger(start: int, rows: int, *, suffix: str = "") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业台账")
    ws.append([c.header for c in COLUMNS])
    for n in range(start, start + rows):
        ws.append(
            [
                code(n),
                f"江城基准测试{n}{suffix}有限公司",
                "张三",
                f"20{n % 24:02d}-0{1 + n % 9}-1{n % 9}",
                str(100 + n % 5000),
                f"江南区某路{n}号",
                STREETS[n % len(STREETS)],
                SECTIONS[n % len(SECTIONS)],
                SCALES[n % len(SCALES)],
                "、".join(t for t in {TAGS[n % 5], TAGS[n % 3]} if t),
                "存续",
                "30",
                f"S{n % 40:04d}",
                f"B{n % 8:04d}" if n % 4 else "",
                f"联系人{n}",
                f"139{n:08d}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def time_read(content: bytes, name: str, runs: int = 3) -> dict:
    """The reader alone (python-calamine since issue 15): the median of a few reads."""
    from enterprises.ledger.reader import read_table

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        table = read_table(content, name)
        times.append(time.perf_counter() - started)
    return {"rows": len(table.rows), "median_s": round(statistics.median(times), 3)}


def run_import(actor, content: bytes, name: str) -> dict:
    started = time.perf_counter()
    job = ledger_dry_run(actor=actor, uploaded_file=SimpleUploadedFile(name, content))
    dry = time.perf_counter() - started
    assert job.status == ImportJob.Status.UPLOADED, job.errors[:3]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    started, cpu = time.perf_counter(), time.process_time()
    enterprise_import_task.run(job.pk)  # what the Celery worker runs, in this process
    write, cpu = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    return {
        "rows": job.total,
        "created": job.created_count,
        "updated": job.updated_count,
        "dry_run_s": round(dry, 2),
        "import_s": round(write, 2),
        "import_python_cpu_s": round(cpu, 2),
        "total_s": round(dry + write, 2),
    }


def time_page(client, url: str, runs: int = 5) -> dict:
    client.get(url)  # warm up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "queries": queries}


def main() -> None:
    call_command("migrate", verbosity=0)
    dispatcher, liaison = world()
    result = {
        "benchmark": "enterprises",
        "database": connection.vendor,
        "cpus": os.cpu_count(),
        "load_avg_at_start": round(os.getloadavg()[0], 1),
    }

    result["read_xlsx"] = time_read(ledger(1, ROWS), "ledger-1.xlsx")
    result["import_create"] = run_import(dispatcher, ledger(1, ROWS), "ledger-1.xlsx")
    histories = Enterprise.history.count()
    result["import_create"]["history_rows"] = histories
    result["import_update"] = run_import(
        dispatcher, ledger(1, ROWS, suffix="（更名）"), "ledger-1-renamed.xlsx"
    )
    result["import_second_batch"] = run_import(dispatcher, ledger(ROWS + 1, ROWS), "ledger-2.xlsx")
    result["enterprises"] = Enterprise.objects.count()

    client = Client()
    client.force_login(dispatcher)
    result["list_dispatcher"] = time_page(client, "/enterprises/")
    result["list_dispatcher_page_400"] = time_page(client, "/enterprises/?page=400")
    result["list_dispatcher_filtered"] = time_page(
        client, "/enterprises/?sector=industry&scale=small&q=基准"
    )
    result["detail_dispatcher"] = time_page(
        client, f"/enterprises/{Enterprise.objects.order_by('pk').first().pk}/"
    )
    client.force_login(liaison)
    result["list_liaison"] = time_page(client, "/enterprises/")
    client.force_login(dispatcher)
    started = time.perf_counter()
    response = client.get("/enterprises/export/?sector=industry")
    result["export_industry_s"] = round(time.perf_counter() - started, 2)
    result["export_bytes"] = len(response.content)
    result["load_avg_at_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
