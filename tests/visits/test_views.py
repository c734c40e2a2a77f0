"""Visit pages: what each person may open and do; outsiders get 404 and change nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from crm.lib.pagination import CappedPaginator
from tests.factories import AssignmentFactory, EnterpriseFactory
from tests.visits.conftest import PNG_BYTES, make_visit
from visits import services
from visits.models import Visit
from visits.selectors import (
    visit_filterset,
    visit_list,
    visit_list_parts,
    visit_list_rows_by_id,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def done(world):
    visit = make_visit(world.ent_a, world.liaison, confidentiality="shareable")
    services.visit_attach(
        actor=world.liaison,
        visit=visit,
        upload=SimpleUploadedFile("现场.png", PNG_BYTES),
    )
    return visit


@pytest.fixture
def planned(world):
    return make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)


def _pages(done, planned, world):
    attachment = done.attachments.get()
    return [
        reverse("visits:list"),
        reverse("visits:detail", args=[done.pk]),
        reverse("visits:detail", args=[planned.pk]),
        reverse("visits:attachment", args=[done.pk, attachment.pk]),
        reverse("visits:plan"),
        reverse("visits:log_start"),
        reverse("visits:log", args=[world.ent_a.pk]),
        reverse("visits:log_planned", args=[planned.pk]),
        reverse("visits:my_coverage"),
        reverse("visits:coverage"),
    ]


def test_an_outsider_gets_404_on_every_page_and_download(client, world, done, planned):
    client.force_login(world.outsider)
    for url in _pages(done, planned, world)[1:]:
        assert client.get(url).status_code == 404, url
    # The list is empty for them.
    response = client.get(reverse("visits:list"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []


def test_an_outsider_can_neither_cancel_nor_log_nor_attach(client, world, planned):
    client.force_login(world.outsider)
    assert (
        client.post(reverse("visits:cancel", args=[planned.pk]), {"reason": "x"}).status_code == 404
    )
    response = client.post(
        reverse("visits:log_planned", args=[planned.pk]),
        {"kind": "on_site", "summary": "x", "happened_at": "2026-01-01T10:00"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("visits:attach", args=[planned.pk]),
        {"files": SimpleUploadedFile("a.png", PNG_BYTES)},
    )
    assert response.status_code == 404
    planned.refresh_from_db()
    assert planned.status == Visit.Status.PLANNED
    assert not planned.attachments.exists()


def test_anonymous_people_are_sent_to_the_login_page(client, done):
    response = client.get(reverse("visits:detail", args=[done.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_enterprise_user_sees_the_shareable_visit_but_not_its_history(client, world, done):
    client.force_login(world.enterprise_user)
    response = client.get(reverse("visits:detail", args=[done.pk]))
    assert response.status_code == 200
    assert b"change-history" not in response.content
    assert b"cancel-form" not in response.content


def test_the_enterprise_user_never_sees_an_internal_visit(client, world):
    internal = make_visit(world.ent_a, world.liaison)
    client.force_login(world.enterprise_user)
    assert client.get(reverse("visits:detail", args=[internal.pk])).status_code == 404


def test_a_leader_sees_a_visit_but_may_not_log_or_cancel_it(client, world, planned):
    client.force_login(world.leader)
    assert client.get(reverse("visits:detail", args=[planned.pk])).status_code == 200
    assert client.get(reverse("visits:log_planned", args=[planned.pk])).status_code == 403
    response = client.post(reverse("visits:cancel", args=[planned.pk]), {"reason": "不去了"})
    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == Visit.Status.PLANNED


def test_the_detail_page_shows_people_attachments_and_history(client, world, done):
    client.force_login(world.liaison)
    response = client.get(reverse("visits:detail", args=[done.pk]))
    content = response.content.decode()
    assert "联络员" in content
    assert "现场.png" in content
    assert 'data-testid="change-history"' in content


def test_attachments_download_as_attachments_never_inline(client, world, done):
    client.force_login(world.enterprise_user)
    attachment = done.attachments.get()
    response = client.get(reverse("visits:attachment", args=[done.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_an_attachment_id_of_another_visit_answers_404(client, world, done):
    other = make_visit(world.ent_a, world.liaison)
    client.force_login(world.liaison)
    attachment = done.attachments.get()
    url = reverse("visits:attachment", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_a_liaison_plans_then_logs_then_sees_it_on_the_list(client, world, contact_a):
    client.force_login(world.liaison)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("visits:plan"),
        {
            "enterprise": world.ent_a.pk,
            "kind": "meeting",
            "planned_on": tomorrow.isoformat(),
            "lead": world.liaison.pk,
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    response = client.get(reverse("visits:log_planned", args=[visit.pk]))
    assert response.context["form"]["kind"].value() == "meeting"
    assert response.context["form"]["attendees"].value() == [contact_a.pk]
    response = client.post(
        reverse("visits:log_planned", args=[visit.pk]),
        {
            "kind": "meeting",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "lead": world.liaison.pk,
            "attendees": [contact_a.pk],
            "summary": "座谈了解融资需求",
            "confidentiality": "internal",
            "photos": [SimpleUploadedFile("p.png", PNG_BYTES)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    assert visit.attachments.count() == 1
    listing = client.get(reverse("visits:list"), {"status": "done"})
    assert [v.pk for v in listing.context["page_obj"]] == [visit.pk]


def test_bad_input_gets_a_chinese_message_and_changes_nothing(client, world):
    client.force_login(world.liaison)
    response = client.post(
        reverse("visits:log", args=[world.ent_a.pk]),
        {
            "kind": "on_site",
            "happened_at": "2999-01-01T10:00",
            "lead": world.liaison.pk,
            "summary": "",
            "confidentiality": "internal",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "走访时间不能晚于现在。" in errors["happened_at"]
    assert "summary" in errors
    assert not Visit.objects.exists()


def test_a_disguised_photo_is_refused_with_a_message(client, world):
    client.force_login(world.liaison)
    response = client.post(
        reverse("visits:log", args=[world.ent_a.pk]),
        {
            "kind": "on_site",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "lead": world.liaison.pk,
            "summary": "走访",
            "confidentiality": "internal",
            "photos": [SimpleUploadedFile("p.png", b"<svg onload=alert(1)></svg>")],
        },
    )
    assert response.status_code == 200
    assert "内容与扩展名不符" in response.content.decode()
    assert not Visit.objects.exists()


def test_cancel_is_post_only(client, world, planned):
    client.force_login(world.liaison)
    assert client.get(reverse("visits:cancel", args=[planned.pk])).status_code == 405
    response = client.post(reverse("visits:cancel", args=[planned.pk]), {"reason": "企业停产"})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == Visit.Status.CANCELLED


def test_the_list_filters_by_kind_officer_region_and_period(client, world):
    today = timezone.localdate()
    phone = make_visit(world.ent_a, world.liaison, kind="phone")
    make_visit(world.ent_b, world.deputy)
    old = make_visit(world.ent_a, world.liaison, happened_at=timezone.now() - timedelta(days=40))
    client.force_login(world.dispatcher)

    def ids(**params):
        response = client.get(reverse("visits:list"), params)
        return {v.pk for v in response.context["page_obj"]}

    assert ids(kind="phone") == {phone.pk}
    assert ids(officer=world.liaison.pk) == {phone.pk, old.pk}
    assert ids(region=world.street.pk) == {phone.pk, old.pk}
    assert ids(start=(today - timedelta(days=7)).isoformat(), region=world.street.pk) == {phone.pk}
    assert ids(end=(today - timedelta(days=30)).isoformat()) == {old.pk}
    assert ids(q="城关") == {phone.pk, old.pk}


def test_the_list_costs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(30):
        e = EnterpriseFactory(name=f"企业{i}", region=world.street)
        AssignmentFactory(enterprise=e, person=world.liaison, kind="liaison")
        make_visit(e, world.liaison, others=[world.resp_leader])
    client.force_login(world.dispatcher)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("visits:list"))
    assert len(response.context["page_obj"]) == 25


def test_a_list_longer_than_the_cap_says_so_instead_of_counting_it_all(client, world, monkeypatch):
    # given: 30 visits the dispatcher sees, and a cap of 26
    monkeypatch.setattr("crm.lib.pagination.COUNT_CAP", 26)
    for i in range(30):
        make_visit(EnterpriseFactory(name=f"企业{i}", region=world.street), world.liaison)
    client.force_login(world.dispatcher)
    # when
    response = client.get(reverse("visits:list"))
    # then: the count stops at the cap, the pages go on, no link to a last page
    page = response.context["page_obj"]
    assert (page.paginator.capped, page.paginator.count_label) == (True, "26+")
    html = response.content.decode()
    assert "共 26+ 条，请缩小筛选范围" in html
    assert "末页" not in html
    assert len(page) == 25


@pytest.mark.parametrize("who", ["dispatcher", "liaison", "handler", "deputy", "enterprise_user"])
@pytest.mark.parametrize("cap", [1, 10])
def test_the_list_counts_what_the_person_sees_up_to_the_cap(world, who, cap):
    # given: visits of the district and of far away, one joined by the handler, two shareable
    make_visit(world.ent_a, world.liaison)
    make_visit(world.ent_a, world.liaison, confidentiality="shareable")
    make_visit(world.ent_a, world.liaison, confidentiality="shareable", kind="phone")
    make_visit(world.ent_b, world.deputy)
    make_visit(world.ent_far, world.far_dispatcher, others=[world.handler])
    user = getattr(world, who)
    filterset = visit_filterset(user=user, data=QueryDict("status=done"))
    # when: counted as the union of the parts (PostgreSQL) or as one query (SQLite)
    visits = visit_list(user=user, filterset=filterset)
    parts = visit_list_parts(user=user, filterset=filterset)
    paginator = CappedPaginator(visits, 25, cap=cap, parts=parts)
    # then
    exact = visits.count()
    assert paginator.count == min(exact, cap + 1)
    assert paginator.capped == (exact > cap)


@pytest.mark.parametrize(
    "who", ["dispatcher", "leader", "liaison", "handler", "deputy", "enterprise_user", "outsider"]
)
def test_the_list_holds_exactly_the_visible_visits_newest_first(world, who):
    # given: visits of the district and of far away, one joined by the handler, a plan
    make_visit(world.ent_a, world.liaison, happened_at=timezone.now() - timedelta(days=3))
    make_visit(world.ent_a, world.liaison, confidentiality="shareable")
    make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    make_visit(world.ent_b, world.deputy, happened_at=timezone.now() - timedelta(days=1))
    make_visit(world.ent_far, world.far_dispatcher, others=[world.handler])
    user = getattr(world, who)
    # when: the list (for some people the union of the reasons to see a visit)
    listed = list(visit_list(user=user).values_list("pk", flat=True))
    # then: the rows and the order of visible_to, sorted as the list sorts
    expected = sorted(
        Visit.objects.visible_to(user),
        key=lambda v: (
            v.happened_at.astimezone(timezone.get_current_timezone()).date()
            if v.happened_at
            else v.planned_on,
            v.happened_at or timezone.now() - timedelta(days=9999),  # nulls last
            v.pk,
        ),
        reverse=True,
    )
    assert listed == [v.pk for v in expected]


def test_my_coverage_lists_overdue_enterprises_with_a_one_tap_log(client, world):
    client.force_login(world.liaison)
    response = client.get(reverse("visits:my_coverage"))
    assert response.status_code == 200
    assert [d.enterprise for d in response.context["overdue"]] == [world.ent_a]
    assert reverse("visits:log", args=[world.ent_a.pk]) in response.content.decode()


def test_the_coverage_table_is_for_dispatchers_and_leaders(client, world):
    client.force_login(world.liaison)
    assert client.get(reverse("visits:coverage")).status_code == 404
    client.force_login(world.leader)
    response = client.get(reverse("visits:coverage"))
    assert response.status_code == 200
    assert response.context["parent"] == world.district
    assert {r.region.name for r in response.context["regions"]} == {"城关街道", "高新园"}


def test_the_list_puts_upcoming_plans_first_then_the_newest_visits(client, world):
    old = make_visit(world.ent_a, world.liaison, happened_at=timezone.now() - timedelta(days=9))
    recent = make_visit(world.ent_a, world.liaison, happened_at=timezone.now() - timedelta(days=1))
    plan = make_visit(
        world.ent_a,
        world.liaison,
        status=Visit.Status.PLANNED,
        planned_on=timezone.localdate() + timedelta(days=2),
    )
    client.force_login(world.liaison)
    response = client.get(reverse("visits:list"))
    assert [v.pk for v in response.context["page_obj"]] == [plan.pk, recent.pk, old.pk]


def test_the_coverage_table_exports_to_excel_for_dispatchers_only(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    make_visit(world.ent_a, world.liaison)
    client.force_login(world.outsider)
    assert client.get(reverse("visits:coverage_export")).status_code == 404
    client.force_login(world.dispatcher)
    response = client.get(reverse("visits:coverage_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert ("辖区", "城关街道", 1, 1, 1, 0) in rows
    assert ("包联人员", "联络员", 1, 1, 1, 0) in rows


def test_a_visits_officers_are_the_lead_first_whether_prefetched_or_not(
    world, django_assert_num_queries
):
    # given a visit led by the liaison, with the dispatcher along
    visit = make_visit(world.ent_a, world.liaison, others=[world.dispatcher])

    # when it is read by the list's selector, and on its own
    listed = next(v for v in visit_list(user=world.dispatcher) if v.pk == visit.pk)
    alone = Visit.objects.get(pk=visit.pk)

    # then both give the lead first; the listed one without a further query
    with django_assert_num_queries(0):
        prefetched = [(o.user, o.is_lead) for o in listed.officer_list]
    assert prefetched == [(world.liaison, True), (world.dispatcher, False)]
    assert [(o.user, o.is_lead) for o in alone.officer_list] == prefetched


@pytest.mark.parametrize("who", ["dispatcher", "liaison", "handler"])
@pytest.mark.parametrize("params", ["", "status=done"])
def test_a_page_read_by_id_holds_the_lists_own_visits_in_its_order(world, who, params):
    # given: visits of the district and of far away, one joined by the handler, a plan
    make_visit(world.ent_a, world.liaison)
    make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    make_visit(world.ent_a, world.liaison, kind="phone")
    make_visit(world.ent_b, world.deputy)
    make_visit(world.ent_far, world.far_dispatcher, others=[world.handler])
    user = getattr(world, who)
    visits = visit_list(user=user, filters=QueryDict(params))
    # when: the page's visits read from the unfiltered rows by the ids the list chose
    by_id = CappedPaginator(visits, 2, rows=visit_list_rows_by_id())
    # then: each page is the list's own page
    plain = CappedPaginator(visits, 2)
    assert by_id.count == plain.count == visits.count()
    for number in plain.page_range:
        assert [v.pk for v in by_id.page(number)] == [v.pk for v in plain.page(number)]
