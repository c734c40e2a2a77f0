"""Ledger import: every error of the dry run, all-or-nothing, updates with history, the task."""

import pytest
from django.urls import reverse

from accounts.models import Role
from enterprises.ledger.jobs import ledger_dry_run, ledger_import_confirm
from enterprises.models import Enterprise, ImportJob, LiaisonAssignment
from enterprises.tasks import enterprise_import_task
from tests.enterprises.conftest import HEADERS, csv_bytes, ledger_row, upload, xlsx_bytes
from tests.factories import credit_code, grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_numbers(world):
    world.liaison.staff_no, world.liaison.phone = "S0001", "13800000004"
    world.liaison.save()
    world.resp_leader.staff_no = "B0001"
    world.resp_leader.save()
    return world


def dry_run(world, rows, **kw):
    return ledger_dry_run(actor=world.dispatcher, uploaded_file=upload(xlsx_bytes(rows), **kw))


def messages(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def test_a_valid_file_previews_without_writing(world):
    job = dry_run(world, [ledger_row(1), ledger_row(2)])
    assert job.status == ImportJob.Status.UPLOADED
    assert job.preview["create"] == 2 and job.preview["update"] == 0
    assert job.file.name  # kept for the import
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_confirming_imports_everything_with_history_by_the_importer(staff_numbers):
    world = staff_numbers
    rows = [ledger_row(1, **{"联络员工号或手机号": "S0001", "包保领导工号或手机号": "B0001"})]
    rows.append(ledger_row(2, **{"联络员工号或手机号": "13800000004", "标签": ""}))
    job = ledger_import_confirm(actor=world.dispatcher, job=dry_run(world, rows))
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    one = Enterprise.objects.get(name="导入测试1有限公司")
    assert one.industry.code == "C" and one.scale == "small"
    assert one.established_on.isoformat() == "2018-06-01"
    assert {t.name for t in one.tags.all()} == {"专精特新", "高新技术企业"}
    assert one.assignments.active().get(kind="liaison").person == world.liaison
    assert one.assignments.active().get(kind="leader").person == world.resp_leader
    assert one.contacts.get().is_primary and one.contacts.get().phone == "13912345678"
    record = one.history.get()
    assert record.history_user == world.dispatcher
    assert record.history_change_reason == f"台账导入 #{job.pk}"
    assert {t.tag.name for t in record.tags.all()} == {"专精特新", "高新技术企业"}
    assert one.assignments.get(kind="liaison").history.get().history_user == world.dispatcher
    # the liaison now sees it
    from enterprises.selectors import enterprise_list

    assert enterprise_list(user=world.liaison).qs.filter(name__startswith="导入测试").count() == 2


def test_an_existing_credit_code_updates_the_enterprise_with_history(staff_numbers):
    world = staff_numbers
    row = ledger_row(
        1,
        **{
            "统一社会信用代码": world.ent_a.credit_code,
            "企业名称": "城关机械股份有限公司",
            "法定代表人": "",
            "标签": "重点企业",
            "联络员工号或手机号": "S0001",  # unchanged liaison: no handover
            "包保领导工号或手机号": "",
        },
    )
    job = dry_run(world, [row])
    assert job.preview["update"] == 1
    assert job.preview["updates"][0][1] == world.ent_a.credit_code
    job = ledger_import_confirm(actor=world.dispatcher, job=job)
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "城关机械股份有限公司"
    assert [t.name for t in world.ent_a.tags.all()] == ["重点企业"]
    latest = world.ent_a.history.latest()
    assert latest.history_type == "~" and latest.history_user == world.dispatcher
    changed = {c.field for c in latest.diff_against(latest.prev_record).changes}
    assert {"name", "tags"} <= changed
    assert world.ent_a.assignments.count() == 2  # same liaison: nothing handed over


def test_a_different_liaison_in_the_ledger_hands_over(staff_numbers):
    world = staff_numbers
    world.deputy.staff_no = "D0002"
    world.deputy.save()
    row = ledger_row(
        1, **{"统一社会信用代码": world.ent_a.credit_code, "联络员工号或手机号": "D0002"}
    )
    ledger_import_confirm(actor=world.dispatcher, job=dry_run(world, [row]))
    assert world.ent_a.assignments.active().get(kind="liaison").person == world.deputy
    old = world.ent_a.assignments.get(person=world.liaison)
    assert old.ended_on is not None and "台账导入" in old.handover_note


def test_csv_in_utf8_with_bom_and_in_gbk_is_read(world):
    for encoding, name in (("utf-8-sig", "a.csv"), ("utf-8", "b.csv"), ("gbk", "c.csv")):
        content = csv_bytes([ledger_row(1)], encoding=encoding)
        job = ledger_dry_run(actor=world.dispatcher, uploaded_file=upload(content, name))
        assert job.status == ImportJob.Status.UPLOADED, (encoding, job.errors)
        assert job.preview["create"] == 1


ROW_ERRORS = [
    ({"统一社会信用代码": "91350100M000100Y44"}, "统一社会信用代码", "校验位错误（应为 3）"),
    ({"统一社会信用代码": "123"}, "统一社会信用代码", "应为18位"),
    ({"统一社会信用代码": ""}, "统一社会信用代码", "不能为空"),
    ({"企业名称": ""}, "企业名称", "企业名称不能为空"),
    ({"所属辖区": "火星街道"}, "所属辖区", "未知的辖区“火星街道”"),
    ({"所属辖区": "420103"}, "所属辖区", "不在您的管辖范围内"),  # 江北区: not the dispatcher's
    ({"行业门类": "Z"}, "行业门类", "未知的行业“Z”"),
    ({"联络员工号或手机号": "X9999"}, "联络员工号或手机号", "找不到工号或手机号为“X9999”的联络员"),
    ({"包保领导工号或手机号": "S0001"}, "包保领导工号或手机号", "的包保领导"),  # not a leader
    ({"标签": "独角兽"}, "标签", "未知的标签：独角兽"),
    ({"规模": "超大型"}, "规模", "规模应为"),
    ({"状态": "吊销"}, "状态", "状态应为"),
    ({"成立日期": "去年"}, "成立日期", "成立日期格式不正确"),
    ({"注册资本（万元）": "很多"}, "注册资本（万元）", "注册资本应为"),
    ({"走访频次（天）": "0"}, "走访频次（天）", "走访频次应为"),
    ({"联系人电话": "电话"}, "联系人电话", "联系人电话格式不正确"),
]


@pytest.mark.parametrize(("override", "column", "message"), ROW_ERRORS)
def test_each_row_error_is_reported_in_chinese_and_nothing_is_imported(
    staff_numbers, override, column, message
):
    world = staff_numbers
    job = dry_run(world, [ledger_row(1), ledger_row(2, **override), ledger_row(3)])
    assert job.status == ImportJob.Status.INVALID
    assert len(job.errors) == 1
    row, col, text = messages(job)[0]
    assert (row, col) == (3, column)  # spreadsheet row 3: header is row 1
    assert message in text
    assert not job.file
    assert ledger_import_confirm(actor=world.dispatcher, job=job).status == "invalid"
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_a_duplicate_within_the_file_names_the_first_row(world):
    job = dry_run(world, [ledger_row(1), ledger_row(2), ledger_row(1, **{"企业名称": "重复"})])
    assert messages(job) == [(4, "统一社会信用代码", "与第 2 行的统一社会信用代码重复。")]


def test_an_enterprise_registered_outside_the_importers_region_cannot_be_overwritten(world):
    row = ledger_row(1, **{"统一社会信用代码": world.ent_far.credit_code})
    job = dry_run(world, [row])
    assert "管辖范围以外" in messages(job)[0][2]


def test_an_ambiguous_region_name_asks_for_the_code(world):
    from tests.factories import make_region

    make_region("城关街道", "420102009", "street", world.district)
    job = dry_run(world, [ledger_row(1, **{"所属辖区": "城关街道"})])
    assert "不唯一" in messages(job)[0][2]


def test_region_by_name_and_industry_by_name_are_accepted(world):
    job = dry_run(world, [ledger_row(1, **{"所属辖区": "高新园", "行业门类": "制造业"})])
    assert job.status == "uploaded", job.errors
    job = dry_run(world, [ledger_row(1, **{"行业门类": "34"})])
    assert job.status == "uploaded", job.errors


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.xlsx", "文件为空"),
        (b"this is not a zip", "a.xlsx", "不是有效的 Excel"),
        (b"\x00\x01\x02binary", "a.csv", "不是有效的 CSV"),
        (b"PK\x03\x04garbage", "a.xlsx", "不是有效的 Excel"),
        (b"whatever", "a.pdf", "只能导入 .xlsx、.xls、.xlsb、.ods 或 .csv"),
        (b"whatever", "a.xls", "另存为 .xlsx"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(world, content, name, message):
    job = ledger_dry_run(actor=world.dispatcher, uploaded_file=upload(content, name))
    assert job.status == "invalid"
    assert message in job.errors[0]["message"]
    assert job.errors[0]["row"] == 0


def test_a_missing_required_column_is_named(world):
    headers = [h for h in HEADERS if h != "所属辖区"]
    content = xlsx_bytes([ledger_row(1)], headers=headers)
    job = ledger_dry_run(actor=world.dispatcher, uploaded_file=upload(content))
    assert "缺少必填列：所属辖区" in job.errors[0]["message"]


def test_a_file_with_only_the_header_is_empty(world):
    job = ledger_dry_run(actor=world.dispatcher, uploaded_file=upload(xlsx_bytes([])))
    assert "没有数据行" in job.errors[0]["message"]


def test_a_too_large_file_is_refused(world, monkeypatch):
    from enterprises.ledger import jobs, reader

    monkeypatch.setattr(jobs, "MAX_BYTES", 100)
    job = dry_run(world, [ledger_row(1)])
    assert "文件过大" in job.errors[0]["message"]
    monkeypatch.undo()
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    job = dry_run(world, [ledger_row(1), ledger_row(2), ledger_row(3)])
    assert "行数过多" in job.errors[0]["message"]


def test_large_files_are_queued_for_the_worker_after_commit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from enterprises.ledger import jobs

    monkeypatch.setattr(jobs, "ASYNC_THRESHOLD", 2)
    job = dry_run(world, [ledger_row(1), ledger_row(2)])
    queued = []
    monkeypatch.setattr(enterprise_import_task, "delay", lambda pk: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        job = ledger_import_confirm(actor=world.dispatcher, job=job)
    assert job.status == ImportJob.Status.QUEUED and queued == [job.pk]
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()
    assert enterprise_import_task.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.created_count == 2 and job.processed == job.total == 2
    assert Enterprise.objects.get(name="导入测试1有限公司").history.get().history_user == (
        world.dispatcher
    )
    assert enterprise_import_task.run(job.pk) == "skipped"  # a redelivered message does nothing


def test_the_task_rechecks_the_file_and_writes_nothing_if_it_became_invalid(world, monkeypatch):
    from enterprises.ledger import jobs

    monkeypatch.setattr(jobs, "ASYNC_THRESHOLD", 1)
    job = dry_run(world, [ledger_row(1), ledger_row(2)])
    job = ledger_import_confirm(actor=world.dispatcher, job=job)
    # meanwhile someone outside the district registered one of the codes
    Enterprise.objects.create(credit_code=credit_code(900002), name="抢先", region=world.far)
    enterprise_import_task.run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_confirming_twice_imports_once(world):
    job = dry_run(world, [ledger_row(1)])
    ledger_import_confirm(actor=world.dispatcher, job=job)
    job.status = ImportJob.Status.UPLOADED  # a stale copy from a double click
    ledger_import_confirm(actor=world.dispatcher, job=job)
    assert Enterprise.objects.filter(name="导入测试1有限公司").count() == 1


# --- the pages -----------------------------------------------------------------------------


def test_the_template_downloads_with_chinese_headers(world, login_as):
    import io

    from openpyxl import load_workbook

    response = login_as(world.dispatcher).get(reverse("enterprises:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.active[1]] == HEADERS
    assert "填写说明" in wb.sheetnames


def test_upload_shows_the_row_errors_then_a_fixed_file_imports(world, login_as):
    client = login_as(world.dispatcher)
    bad = upload(xlsx_bytes([ledger_row(1), ledger_row(2, **{"所属辖区": "火星街道"})]))
    response = client.post(reverse("enterprises:import"), {"file": bad}, follow=True)
    body = response.content.decode()
    assert "第 3 行" in body and "未知的辖区“火星街道”" in body
    good = upload(xlsx_bytes([ledger_row(1), ledger_row(2)]))
    response = client.post(reverse("enterprises:import"), {"file": good}, follow=True)
    assert "将新增 2 家企业" in response.content.decode()
    job = ImportJob.objects.filter(status="uploaded").get()
    response = client.post(
        reverse("enterprises:import_confirm", kwargs={"pk": job.pk}), follow=True
    )
    assert "导入完成" in response.content.decode()
    assert Enterprise.objects.filter(name__startswith="导入测试").count() == 2


def test_the_progress_partial_polls_while_the_job_runs(world, login_as):
    job = ImportJob.objects.create(
        created_by=world.dispatcher,
        original_name="x.xlsx",
        status="running",
        total=2000,
        processed=500,
    )
    response = login_as(world.dispatcher).get(
        reverse("enterprises:import_detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="500"' in body and "25%" in body
    assert "<html" not in body


def test_someone_elses_import_job_is_a_404(world, login_as):
    job = ImportJob.objects.create(
        created_by=world.admin, original_name="x.xlsx", status="uploaded"
    )
    client = login_as(world.dispatcher)
    assert (
        client.get(reverse("enterprises:import_detail", kwargs={"pk": job.pk})).status_code == 404
    )
    url = reverse("enterprises:import_confirm", kwargs={"pk": job.pk})
    assert client.post(url).status_code == 404


def test_a_liaison_may_not_import(world, login_as):
    client = login_as(world.liaison)
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403


def test_roles_are_checked_for_people_in_the_ledger(world):
    grant(world.outsider, Role.LIAISON, region=world.district)
    world.outsider.staff_no = "S0777"
    world.outsider.save()
    job = dry_run(world, [ledger_row(1, **{"联络员工号或手机号": "s0777"})])
    assert job.status == "uploaded", job.errors
    ledger_import_confirm(actor=world.dispatcher, job=job)
    assert LiaisonAssignment.objects.active().get(enterprise__name="导入测试1有限公司").person == (
        world.outsider
    )


def test_imported_history_rows_carry_every_field_like_simple_history_writes_them(staff_numbers):
    world = staff_numbers
    rows = [ledger_row(1, **{"联络员工号或手机号": "S0001"})]
    job = ledger_import_confirm(actor=world.dispatcher, job=dry_run(world, rows))
    enterprise = Enterprise.objects.get(name="导入测试1有限公司")
    objects = [enterprise, enterprise.contacts.get(), enterprise.assignments.get()]
    for obj in objects:
        record = obj.history.get()
        assert record.history_type == "+"
        assert record.history_user == world.dispatcher
        assert record.history_change_reason == f"台账导入 #{job.pk}"
        for field in type(record).tracked_fields:
            assert getattr(record, field.attname) == getattr(obj, field.attname), field.name
    assert enterprise.created_at is not None and enterprise.updated_at is not None
    # the history table reads back as the page shows it
    from crm.lib.history import history_entries

    entries = history_entries(enterprise)
    assert len(entries) == 1 and entries[0].who == str(world.dispatcher)


def test_an_enterprise_the_ledger_moves_to_another_region_takes_its_issues_along(staff_numbers):
    # given: an issue of ent_a (in 城关街道)
    from issues.models import Category, Issue
    from issues.services import issue_register

    world = staff_numbers
    category = Category.objects.create(code="t.move", name="用工")
    issue = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=category,
        title="厂区用工缺口",
        description="需要招聘焊工。",
    )
    assert issue.region == world.street
    row = ledger_row(
        1,
        **{
            "统一社会信用代码": world.ent_a.credit_code,
            "企业名称": world.ent_a.name,
            "所属辖区": world.park.code,
            "联络员工号或手机号": "S0001",
        },
    )
    # when: the ledger moves ent_a to 高新园
    job = ledger_import_confirm(actor=world.dispatcher, job=dry_run(world, [row]))
    # then
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1
    issue.refresh_from_db()
    assert issue.region == world.park
    assert (
        Issue.objects.visible_to(world.deputy).filter(pk=issue.pk).exists()
    )  # 高新园's dispatcher
