"""The ledger corpus (tests/enterprises/ledgers/, written by make_corpus.py): each file is
accepted with the right values, or refused with the right Chinese message — and no read takes
more than 2 s or 200 MB."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from enterprises.ledger.jobs import ledger_dry_run
from enterprises.ledger.reader import LedgerFileError, read_table
from tests.enterprises.conftest import upload

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "ledgers"
ROOT = Path(__file__).resolve().parents[2]

ACCEPTED = {
    # file: (rows, {column key: value of the first row})
    "title_row.xlsx": (2, {"name": "台账样本1有限公司", "established_on": "2018-06-02"}),
    "group_headers.xlsx": (2, {"contact_name": "联系人3", "contact_phone": "13912340003"}),
    "spanning_contact.xlsx": (1, {"contact_name": "联系人5", "contact_phone": "13912340005"}),
    "realistic.xlsx": (
        3,
        {"name": "台账样本6有限公司", "scale": "中型", "contact_phone": "13912340006"},
    ),
    "utf8.csv": (2, {"name": "鑫垚（江城）科技有限公司"}),
    "utf8_bom.csv": (2, {"credit_code": "914201020007000122"}),
    "gbk.csv": (2, {"name": "鑫垚（江城）科技有限公司"}),
    "gb18030.csv": (2, {}),
    "ledger.ods": (1, {"contact_phone": "13912340016"}),
}
REFUSED = {
    "huge_reference.xlsx": "表格范围过大",
    "far_columns.xlsx": "表格范围过大",
    "declared_dimension.xlsx": "表格范围过大",
    "long_field.csv": "文件第 2 行无法读取（字段过长",
    "nul_late.csv": "文件第 61 行含有空字符（NUL）",
}
ROW_ERRORS = {
    "error_cells.xlsx": ["单元格 E2 是错误值 #REF!", "单元格 F2 是错误值 #N/A"],
    "date_overflow.xlsx": ["成立日期格式不正确"],
    "long_cell.xlsx": ["单元格 F2 内容过长"],
}


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir() if p.suffix != ".py"}
    assert files == set(ACCEPTED) | set(REFUSED) | set(ROW_ERRORS)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_real_layouts_are_read_with_the_right_values(world, name):
    rows, values = ACCEPTED[name]
    table = read_table((CORPUS / name).read_bytes(), name)
    assert len(table.rows) == rows and not table.errors
    first = table.rows[0][1]
    assert {k: first.get(k) for k in values} == values
    job = ledger_dry_run(
        actor=world.dispatcher, uploaded_file=upload((CORPUS / name).read_bytes(), name)
    )
    assert job.errors == [] and job.preview["create"] == rows


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused_with_a_message(world, name):
    with pytest.raises(
        LedgerFileError, match=REFUSED[name].replace("(", r"\(").replace(")", r"\)")
    ):
        read_table((CORPUS / name).read_bytes(), name)
    job = ledger_dry_run(
        actor=world.dispatcher, uploaded_file=upload((CORPUS / name).read_bytes(), name)
    )
    assert job.status == "invalid" and REFUSED[name] in job.errors[0]["message"]


@pytest.mark.parametrize("name", sorted(ROW_ERRORS))
def test_bad_cells_are_row_errors_in_the_dry_run(world, name):
    job = ledger_dry_run(
        actor=world.dispatcher, uploaded_file=upload((CORPUS / name).read_bytes(), name)
    )
    assert job.status == "invalid"
    messages = " ".join(e["message"] for e in job.errors)
    for expected in ROW_ERRORS[name]:
        assert expected in messages
    assert all(e["row"] == 2 for e in job.errors)


MEASURE = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
import django
django.setup()
from pathlib import Path
from enterprises.ledger.reader import LedgerFileError, read_table
out = {}
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sorted(Path(sys.argv[2]).iterdir()):
    if path.suffix == ".py":
        continue
    content = path.read_bytes()
    before = peak()
    started = time.process_time()
    try:
        read_table(content, path.name)
    except LedgerFileError:
        pass
    out[path.name] = {
        "seconds": round(time.process_time() - started, 4),
        "peak_rss_growth_mb": round((peak() - before) / 1024, 1),
        "peak_rss_mb": round(peak() / 1024, 1),
    }
print(json.dumps(out))
"""


def test_no_corpus_file_takes_more_than_2_seconds_or_200_mb():
    # a fresh process: its peak RSS growth is the reader's, not the test run's
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", MEASURE, str(ROOT), str(CORPUS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(measured) == set(ACCEPTED) | set(REFUSED) | set(ROW_ERRORS)
    for name, m in measured.items():
        assert m["seconds"] <= 2, (name, m)
        # The reader's own cost: what reading the file adds to the process's peak memory (the
        # process itself, with Django and every app imported, already holds about 200 MB).
        assert m["peak_rss_growth_mb"] <= 200, (name, m)
