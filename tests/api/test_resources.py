"""Enterprises, contacts, assignments, visits (one-step capture) and notifications through the
API: the pages' rules — masking, who may edit what, one transaction."""

from django.utils import timezone

from enterprises.models import Contact, Enterprise, LiaisonAssignment
from issues.models import Issue
from notifications.models import Notification
from tests.factories import credit_code
from visits.models import Visit


def test_phones_are_masked_for_all_but_liaison_leader_and_admin(world, api_as):
    Contact.objects.create(enterprise=world.ent_a, name="王经理", phone="13812345678")
    url = f"/api/v1/enterprises/{world.ent_a.pk}/"

    def phone(person):
        return api_as(getattr(world, person)).get(url).json()["contacts"][0]["phone"]

    assert phone("liaison") == phone("resp_leader") == phone("admin") == "13812345678"
    assert phone("dispatcher") == phone("leader") == "138****5678"
    contacts = api_as(world.dispatcher).get(f"{url}contacts/").json()
    assert contacts[0]["phone"] == "138****5678"


def test_people_without_a_staff_role_get_404_as_on_the_pages(world, api_as):
    client = api_as(world.enterprise_user)

    assert client.get("/api/v1/enterprises/").status_code == 404
    assert client.get(f"/api/v1/enterprises/{world.ent_a.pk}/").status_code == 404


def test_a_dispatcher_creates_an_enterprise_in_their_region(world, api_as):
    answer = api_as(world.dispatcher).post(
        "/api/v1/enterprises/",
        {
            "credit_code": credit_code(777),
            "name": "新登记有限公司",
            "region": world.street.pk,
            "scale": "small",
            "status": "active",
            "visit_frequency_days": 30,
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    enterprise = Enterprise.objects.get(pk=answer.json()["id"])
    assert enterprise.history.latest().history_user == world.dispatcher


def test_a_bad_credit_code_is_a_400_in_chinese_and_nothing_is_created(world, api_as):
    answer = api_as(world.dispatcher).post(
        "/api/v1/enterprises/",
        {"credit_code": "123", "name": "错误代码公司", "region": world.street.pk},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["credit_code"]
    assert not Enterprise.objects.filter(name="错误代码公司").exists()


def test_a_liaison_may_not_create_enterprises(world, api_as):
    answer = api_as(world.liaison).post("/api/v1/enterprises/", {"name": "x"}, format="json")

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "permission_denied"


def test_a_liaison_edits_the_profile_but_never_the_region(world, api_as):
    client = api_as(world.liaison)

    answer = client.patch(
        f"/api/v1/enterprises/{world.ent_a.pk}/",
        {"address": "工业大道 8 号", "region": world.far.pk},
        format="json",
    )

    assert answer.status_code == 200, answer.content
    world.ent_a.refresh_from_db()
    assert world.ent_a.address == "工业大道 8 号"
    assert world.ent_a.region == world.street


def test_contacts_are_added_and_edited_through_the_services(world, api_as):
    client = api_as(world.liaison)
    base = f"/api/v1/enterprises/{world.ent_a.pk}/contacts/"

    first = client.post(base, {"name": "王经理", "phone": "13812345678"}, format="json")
    second = client.post(
        base, {"name": "李主任", "phone": "13987654321", "is_primary": True}, format="json"
    )
    edited = client.patch(f"{base}{first.json()['id']}/", {"title": "总经理"}, format="json")

    assert (first.status_code, second.status_code, edited.status_code) == (201, 201, 200)
    assert edited.json()["name"] == "王经理" and edited.json()["title"] == "总经理"
    primaries = Contact.objects.filter(enterprise=world.ent_a, is_primary=True)
    assert [c.name for c in primaries] == ["李主任"]
    bad = client.post(base, {"name": "张三", "phone": "call me"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["error"]["fields"]


def test_a_dispatcher_hands_the_liaison_over_and_the_history_stays(world, api_as):
    answer = api_as(world.dispatcher).post(
        f"/api/v1/enterprises/{world.ent_a.pk}/assignments/",
        {
            "kind": "liaison",
            "person": world.deputy.pk,
            "on": timezone.localdate().isoformat(),
            "handover_note": "工作调整",
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    rows = api_as(world.dispatcher).get(f"/api/v1/enterprises/{world.ent_a.pk}/assignments/")
    liaisons = [r for r in rows.json() if r["kind"] == "liaison"]
    assert [(r["person"]["id"], r["ended_on"]) for r in liaisons] == [
        (world.deputy.pk, None),
        (world.liaison.pk, timezone.localdate().isoformat()),
    ]


def test_a_liaison_may_not_reassign(world, api_as):
    answer = api_as(world.liaison).post(
        f"/api/v1/enterprises/{world.ent_a.pk}/assignments/",
        {"kind": "liaison", "person": world.deputy.pk, "on": "2026-11-01"},
        format="json",
    )

    assert answer.status_code == 403
    assert LiaisonAssignment.objects.filter(enterprise=world.ent_a, ended_on=None).count() == 2


def test_one_step_capture_logs_the_visit_and_its_needs_together(world, cats, api_as):
    answer = api_as(world.liaison).post(
        "/api/v1/visits/",
        {
            "enterprise": world.ent_a.pk,
            "kind": "on_site",
            "happened_at": "2026-11-27T10:00:00+08:00",
            "lead": world.liaison.pk,
            "summary": "了解二季度生产经营情况。",
            "confidentiality": "internal",
            "needs": [
                {"category": cats.plain.pk, "description": "需要招聘焊工 30 名。"},
                {"category": cats.plain.pk, "description": "厂房消防验收进度慢。"},
            ],
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    visit = Visit.objects.get(pk=answer.json()["id"])
    issues = Issue.objects.filter(visit_id=visit.pk)
    assert issues.count() == 2
    assert {i["id"] for i in answer.json()["issues"]} == set(issues.values_list("pk", flat=True))


def test_a_bad_need_rolls_the_whole_capture_back(world, cats, api_as):
    answer = api_as(world.liaison).post(
        "/api/v1/visits/",
        {
            "enterprise": world.ent_a.pk,
            "kind": "on_site",
            "happened_at": "2026-11-27T10:00:00+08:00",
            "lead": world.liaison.pk,
            "summary": "走访",
            "confidentiality": "internal",
            "needs": [{"category": cats.plain.pk, "description": "好的"}, {"category": 0}],
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "needs[1].category" in answer.json()["error"]["fields"]
    assert not Visit.objects.exists() and not Issue.objects.exists()


def test_nobody_logs_a_visit_for_an_enterprise_they_do_not_serve(world, api_as):
    answer = api_as(world.liaison).post(
        "/api/v1/visits/",
        {"enterprise": world.ent_far.pk, "kind": "on_site", "summary": "x"},
        format="json",
    )

    assert answer.status_code == 404
    assert not Visit.objects.exists()


def test_a_person_reads_and_marks_only_their_own_notifications(world, api_as):
    mine = Notification.objects.create(recipient=world.handler, kind="generic", title="我的")
    Notification.objects.create(recipient=world.handler, kind="generic", title="另一条")
    Notification.objects.create(recipient=world.liaison, kind="generic", title="别人的")
    client = api_as(world.handler)

    listed = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    read = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    all_read = client.post("/api/v1/notifications/read-all/")

    assert {n["title"] for n in listed} == {"我的", "另一条"}
    assert read.status_code == 200 and read.json()["read_at"]
    assert all_read.json() == {"marked": 1}
    assert Notification.objects.get(title="别人的").read_at is None


def test_units_and_regions_are_those_in_the_callers_jurisdiction(world, api_as):
    units = api_as(world.far_dispatcher).get("/api/v1/units/").json()
    regions = api_as(world.far_dispatcher).get("/api/v1/regions/").json()

    assert [u["name"] for u in units] == ["江北区人社局"]
    assert [r["name"] for r in regions] == ["江北区"]
    assert api_as(world.outsider).get("/api/v1/units/").json() == []
