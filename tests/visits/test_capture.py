"""One-step capture: a visit with its needs, each registered as an issue in one transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from issues.models import Category, Issue, RoutingRule
from tests.visits.conftest import PNG_BYTES
from visits import services
from visits.models import Visit
from visits.services import Need


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cats(world):
    parent = Category.objects.create(code="vt", name="要素保障")
    labour = Category.objects.create(code="vt.labour", name="用工", parent=parent)
    land = Category.objects.create(code="vt.land", name="用地", parent=parent)
    finance = Category.objects.create(code="vt.finance", name="融资", parent=parent)
    # 用工 in the district goes straight to 区人社局.
    RoutingRule.objects.create(category=labour, region=world.district, lead_unit=world.line_unit)
    return type("Cats", (), {"parent": parent, "labour": labour, "land": land, "finance": finance})


def _log(world, needs, **extra):
    return services.visit_log(
        actor=world.liaison,
        enterprise=world.ent_a,
        kind=Visit.Kind.ON_SITE,
        happened_at=timezone.now(),
        lead=world.liaison,
        summary="走访了解企业诉求",
        needs=needs,
        **extra,
    )


def test_a_visit_with_three_needs_creates_three_linked_issues_auto_dispatched_by_rule(world, cats):
    visit = _log(
        world,
        [
            Need(category=cats.labour, description="招工难，缺少熟练焊工 20 名"),
            Need(category=cats.land, description="扩建厂房用地指标"),
            Need(
                category=cats.finance,
                description="申请技改贷款贴息",
                photo=SimpleUploadedFile("票据.png", PNG_BYTES),
            ),
        ],
    )
    issues = {i.category_id: i for i in Issue.objects.filter(visit_id=visit.pk)}
    assert set(issues) == {cats.labour.pk, cats.land.pk, cats.finance.pk}
    assert all(i.source == "visit" and i.enterprise == world.ent_a for i in issues.values())
    labour = issues[cats.labour.pk]
    assert (labour.state, labour.lead_unit) == ("dispatched", world.line_unit)
    assert issues[cats.land.pk].state == "new"  # no rule: waits for the dispatcher
    assert issues[cats.finance.pk].attachments.count() == 1
    # A short title (category and first clause); the whole text is the description.
    assert labour.title == f"{cats.labour.name}：招工难"
    assert labour.description == "招工难，缺少熟练焊工 20 名"


def test_a_need_title_is_the_category_and_first_clause_within_30_characters(world, cats):
    text = (
        "企业反映二季度订单大幅增加需要招聘熟练焊工三十名以及数控车床操作工二十名；另有宿舍不足问题"
    )
    visit = _log(world, [Need(category=cats.labour, description=text)])
    issue = Issue.objects.get(visit_id=visit.pk)
    assert len(issue.title) == 30
    assert issue.title.startswith(f"{cats.labour.name}：企业反映二季度订单")
    assert issue.title.endswith("…")
    assert issue.description == text


def test_a_failure_in_any_need_leaves_nothing_behind(world, cats):
    cats.finance.is_active = False
    cats.finance.save()
    with pytest.raises(ValidationError) as caught:
        _log(
            world,
            [
                Need(category=cats.labour, description="招工难"),
                Need(category=cats.land, description="用地指标"),
                Need(category=cats.finance, description="贷款贴息"),
            ],
            files=[SimpleUploadedFile("现场.png", PNG_BYTES)],
        )
    assert "第 3 条诉求" in caught.value.messages[0]
    assert not Visit.objects.exists()
    assert not Issue.objects.exists()


def test_a_refused_photo_on_a_need_writes_no_file_at_all(world, cats, tmp_path):
    with pytest.raises(ValidationError):
        _log(
            world,
            [
                Need(
                    category=cats.labour,
                    description="招工难",
                    photo=SimpleUploadedFile("a.png", PNG_BYTES),
                ),
                Need(
                    category=cats.land,
                    description="用地",
                    photo=SimpleUploadedFile("b.png", b"<html>not a photo</html>"),
                ),
            ],
            files=[SimpleUploadedFile("现场.png", PNG_BYTES)],
        )
    assert not Visit.objects.exists()
    assert not Issue.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_visit_page_lists_the_issues_it_raised(client, world, cats):
    visit = _log(world, [Need(category=cats.labour, description="招工难")])
    client.force_login(world.liaison)
    response = client.get(reverse("visits:detail", args=[visit.pk]))
    assert [i.title for i in response.context["issues"]] == [f"{cats.labour.name}：招工难"]
    # The far dispatcher can see neither the visit nor its issues.
    client.force_login(world.far_dispatcher)
    assert client.get(reverse("visits:detail", args=[visit.pk])).status_code == 404


def _post(client, world, needs, **extra):
    data = {
        "kind": "on_site",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "lead": world.liaison.pk,
        "summary": "走访",
        "confidentiality": "internal",
        "needs-TOTAL_FORMS": str(len(needs)),
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "10",
    }
    for i, need in enumerate(needs):
        for key, value in need.items():
            data[f"needs-{i}-{key}"] = value
    data.update(extra)
    return client.post(reverse("visits:log", args=[world.ent_a.pk]), data)


def test_the_log_form_creates_the_visit_and_an_issue_per_filled_row(client, world, cats):
    client.force_login(world.liaison)
    response = _post(
        client,
        world,
        [
            {
                "category": cats.labour.pk,
                "description": "招工难",
                "photo": SimpleUploadedFile("p.png", PNG_BYTES),
            },
            {"category": cats.land.pk, "description": "用地"},
            {"category": cats.finance.pk, "description": "贷款", "DELETE": "on"},  # removed
            {"category": "", "description": ""},  # left empty
        ],
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert Issue.objects.filter(visit_id=visit.pk).count() == 2


def test_a_half_filled_need_keeps_the_form_with_a_message_and_saves_nothing(client, world, cats):
    client.force_login(world.liaison)
    response = _post(client, world, [{"category": "", "description": "只写了内容"}])
    assert response.status_code == 200
    assert response.context["needs"].errors[0]["category"]
    assert not Visit.objects.exists()
    assert not Issue.objects.exists()
