"""The cockpit's pages: what a leader sees, what an outsider does not, and that every number
drills down to exactly the issues it counts."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from cockpit.bulletins import bulletins_due
from cockpit.models import Bulletin
from notifications.models import Notification
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

A = {"period": "custom", "start": "2026-03-02", "end": "2026-03-15"}
URLS = [
    "/cockpit/",
    "/cockpit/issues/?metric=accepted",
    "/cockpit/table/?dim=region",
    "/cockpit/export.xlsx",
    "/cockpit/screen/",
    "/cockpit/screen/panel/",
    "/cockpit/bulletins/",
]


@pytest.fixture
def ran(played, db):
    return played


@pytest.fixture
def world(played):
    return played.w


def numbers(ran, keys):
    return {k for k, i in ran.issues.items() if i.pk in keys}


def drill_keys(client, ran, metric, **extra):
    response = client.get("/cockpit/issues/", {**A, "metric": metric, **extra})
    assert response.status_code == 200
    page = response.context["page_obj"]
    ids = {i.pk for i in page.paginator.object_list}
    return numbers(ran, ids)


def test_the_leader_sees_the_figures_with_numerator_and_denominator(client, ran, world):
    client.force_login(world.leader)

    response = client.get("/cockpit/", A)

    body = response.content.decode()
    assert response.status_code == 200
    assert "64.5%" in body and ">20</a> / <a" in body  # 办结率 20 / 31
    assert response.context["cockpit"].sentence == (
        "2026年3月2日至2026年3月15日走访企业0家，收集企业诉求31件，已解决16件，"
        "问题解决率51.6%，按时办结率87.5%，企业满意率95%"
    )


def test_the_page_holds_the_first_table_and_a_tab_loads_each_other(client, ran, world):
    client.force_login(world.leader)

    page = client.get("/cockpit/", A).content.decode()
    table = client.get("/cockpit/table/", {**A, "dim": "region"})

    assert 'data-testid="table-unit"' in page and 'data-testid="table-region"' not in page
    assert 'hx-get="/cockpit/table/?' in page
    assert table.status_code == 200
    rows = table.context["rows"]
    assert world.street.name in [r["label"] for r in rows]
    assert sum(r["accepted"] for r in rows) == 31  # the district's 受理量, split by region
    assert client.get("/cockpit/table/", {**A, "dim": "nonsense"}).status_code == 400


def test_every_number_drills_down_to_the_issues_it_counts(client, ran, world):
    client.force_login(world.leader)

    assert drill_keys(client, ran, "returned") == {18, 19}
    assert drill_keys(client, ran, "reworked") == {15, 16, 23, 24}
    assert drill_keys(client, ran, "resolved") - drill_keys(client, ran, "resolved_on_time") == {
        10,
        11,
        24,
    }
    assert drill_keys(client, ran, "acked") - drill_keys(client, ran, "acked_on_time") == {12, 19}
    assert len(drill_keys(client, ran, "accepted")) == 31
    assert drill_keys(client, ran, "dispatched", unit=world.street_unit.pk) == {18, 32}


def test_a_bad_period_is_refused_in_chinese_and_the_default_shown(client, ran, world):
    client.force_login(world.leader)

    response = client.get(
        "/cockpit/", {"period": "custom", "start": "2026-03-15", "end": "2026-03-01"}
    )

    assert response.status_code == 200
    assert "截止日期不能早于起始日期。" in response.content.decode()
    assert client.get("/cockpit/export.xlsx", {"period": "custom"}).status_code == 400
    assert client.get("/cockpit/issues/", {**A, "metric": "nonsense"}).status_code == 400


@pytest.mark.parametrize("who", ["outsider", "handler", "enterprise_user", "liaison"])
def test_people_without_a_cockpit_role_get_403_everywhere(client, ran, world, who):
    client.force_login(getattr(world, who))

    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert client.post("/cockpit/bulletins/", {}).status_code == 403
    assert not Bulletin.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, ran):
    for url in URLS:
        assert client.get(url).status_code == 302


def test_a_leader_of_another_district_sees_none_of_this_district(client, ran, world):
    client.force_login(world.far_leader)
    district_filter = {**A, "region": world.district.pk}

    page = client.get("/cockpit/", district_filter)
    drill = client.get("/cockpit/issues/", {**district_filter, "metric": "accepted"})
    export = client.get("/cockpit/export.xlsx", district_filter)
    unit_drill = client.get(
        "/cockpit/issues/", {**A, "metric": "accepted", "unit": world.line_unit.pk}
    )

    own = client.get("/cockpit/", A)
    own_drill = client.get("/cockpit/issues/", {**A, "metric": "accepted"})

    def drilled(response):
        return numbers(ran, {i.pk for i in response.context["page_obj"].paginator.object_list})

    # another district's region or unit is not a valid choice: refused, nothing of it shown
    assert "选择一个有效的选项" in page.content.decode()
    assert page.context["cockpit"].figures["accepted"] == 0  # the default period: nothing
    assert drilled(drill) == drilled(unit_drill) == set()
    assert export.status_code == 400
    # its own figures: issue 33 only
    assert own.context["cockpit"].figures["accepted"] == 1
    assert drilled(own_drill) == {33}
    assert "诉求1<" not in client.get("/cockpit/screen/panel/", A).content.decode()


def test_the_export_holds_every_table_with_numerator_and_denominator(client, ran, world):
    client.force_login(world.leader)

    response = client.get("/cockpit/export.xlsx", A)

    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == [
        "指标",
        "趋势",
        "红黑榜",
        "按承办单位",
        "按辖区",
        "按行业",
        "按诉求分类",
        "按联络员",
        "超期诉求",
        "提级诉求",
        "重办诉求",
    ]
    rows = {r[0]: r for r in wb["指标"].iter_rows(values_only=True) if r and r[0]}
    assert rows["办结率"][1:5] == ("64.5%", 20, 31, "20 / 31")
    assert rows["受理量"][1] == 31
    one = load_workbook(BytesIO(client.get("/cockpit/export.xlsx", {**A, "table": "unit"}).content))
    assert one.sheetnames == ["按承办单位"]


def test_the_beat_makes_each_bulletin_once_and_tells_the_leaders(ran, world, client):
    monday = date(2026, 3, 16)

    made = bulletins_due(today=monday)
    again = bulletins_due(today=monday)

    district = {(b.kind, b.period_start, b.period_end) for b in made if b.region == world.district}
    assert district == {
        ("weekly", date(2026, 3, 9), date(2026, 3, 15)),
        ("semimonthly", date(2026, 3, 1), date(2026, 3, 15)),
        ("monthly", date(2026, 2, 1), date(2026, 2, 28)),
    }
    assert {b.region for b in made} == {world.district, world.far}
    assert again == []
    told = Notification.objects.filter(recipient=world.leader, kind="bulletin")
    assert told.count() == 3
    assert not Notification.objects.filter(
        recipient=world.far_leader,
        source_id__in=[str(b.pk) for b in made if b.region == world.district],
    ).exists()


def test_a_bulletin_downloads_for_its_leaders_only(ran, world, client):
    made = bulletins_due(today=date(2026, 3, 16))
    weekly = next(b for b in made if b.region == world.district and b.kind == "weekly")

    client.force_login(world.leader)
    mine = client.get(f"/cockpit/bulletins/{weekly.pk}/download/")
    listed = client.get("/cockpit/bulletins/").content.decode()
    client.force_login(world.far_leader)
    theirs = client.get(f"/cockpit/bulletins/{weekly.pk}/download/")
    far_list = client.get("/cockpit/bulletins/").content.decode()

    assert mine.status_code == 200
    wb = load_workbook(BytesIO(b"".join(mine.streaming_content)))
    assert "2026-03-09 ~ 2026-03-15" in weekly.title
    assert wb["指标"]["A2"].value == weekly.summary
    assert weekly.title in listed
    assert theirs.status_code == 404
    assert weekly.title not in far_list


def test_a_leader_makes_a_bulletin_on_demand_and_bad_dates_change_nothing(client, ran, world):
    client.force_login(world.leader)

    bad = client.post(
        "/cockpit/bulletins/",
        {"start": "2026-03-15", "end": "2026-03-01", "region": world.district.pk},
    )
    outside = client.post(
        "/cockpit/bulletins/", {"start": "2026-03-01", "end": "2026-03-15", "region": world.far.pk}
    )
    assert bad.status_code == outside.status_code == 400
    assert "截止日期不能早于起始日期。" in bad.content.decode()
    assert not Bulletin.objects.exists()

    good = client.post(
        "/cockpit/bulletins/",
        {"start": "2026-03-02", "end": "2026-03-15", "region": world.district.pk},
    )

    assert good.status_code == 302
    bulletin = Bulletin.objects.get()
    assert bulletin.kind == "custom" and bulletin.generated_by == world.leader
    assert "收集企业诉求31件" in bulletin.summary


def test_a_city_leader_sees_both_districts(client, ran, world):
    city_leader = UserFactory(username="cityleader")
    grant(city_leader, Role.LEADER, region=world.city)
    client.force_login(city_leader)

    response = client.get("/cockpit/", A)

    assert response.context["cockpit"].figures["accepted"] == 32
