import pytest
from django.urls import reverse

from enterprises.models import Contact, Enterprise, LiaisonAssignment
from tests.factories import AssignmentFactory, EnterpriseFactory, credit_code

pytestmark = pytest.mark.django_db


def detail_url(enterprise):
    return reverse("enterprises:detail", kwargs={"pk": enterprise.pk})


def test_the_list_shows_liaison_and_leader_names(world, login_as):
    response = login_as(world.dispatcher).get(reverse("enterprises:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "城关机械有限公司" in body and "高新芯片有限公司" in body
    assert "联络员" in body and "包保领导" in body
    assert "江北纺织有限公司" not in body


def test_the_list_filters_by_region_subtree_search_and_liaison(world, login_as):
    client = login_as(world.dispatcher)
    body = client.get(reverse("enterprises:list"), {"region": world.park.pk}).content.decode()
    assert "高新芯片有限公司" in body and "城关机械有限公司" not in body
    body = client.get(reverse("enterprises:list"), {"q": world.ent_a.credit_code[-6:]}).content
    assert "城关机械有限公司" in body.decode() and "高新芯片有限公司" not in body.decode()
    body = client.get(reverse("enterprises:list"), {"liaison": world.deputy.pk}).content.decode()
    assert "高新芯片有限公司" in body and "城关机械有限公司" not in body
    body = client.get(reverse("enterprises:list"), {"region": world.district.pk}).content.decode()
    assert "高新芯片有限公司" in body and "城关机械有限公司" in body


def test_the_list_filters_by_sector_industry_and_tags(world, login_as):
    from enterprises.models import Industry, Tag

    world.ent_a.industry = Industry.objects.get(code="34")
    world.ent_a.save()
    world.ent_a.tags.add(Tag.objects.get(name="专精特新"))
    client = login_as(world.dispatcher)
    for params in (
        {"sector": "industry"},
        {"industry": Industry.objects.get(code="C").pk},
        {"tags": Tag.objects.get(name="专精特新").pk},
    ):
        body = client.get(reverse("enterprises:list"), params).content.decode()
        assert "城关机械有限公司" in body and "高新芯片有限公司" not in body, params


def test_a_row_shows_its_tags(world, login_as):
    from enterprises.models import Tag

    world.ent_a.tags.add(Tag.objects.get(name="专精特新"), Tag.objects.get(name="重点企业"))
    body = login_as(world.dispatcher).get(reverse("enterprises:list")).content.decode()
    badge = '<span class="badge rounded-pill text-bg-light border me-1">{}</span>'
    assert badge.format("专精特新") in body and badge.format("重点企业") in body
    assert body.count('<span class="badge rounded-pill text-bg-light border me-1">') == 2


def test_the_list_runs_a_constant_number_of_queries(world, login_as, django_assert_max_num_queries):
    client = login_as(world.dispatcher)
    for n in range(30):
        e = EnterpriseFactory(region=world.street)
        AssignmentFactory(enterprise=e, person=world.liaison, kind="liaison")
        AssignmentFactory(enterprise=e, person=world.resp_leader, kind="leader")
        Contact.objects.create(enterprise=e, name=f"联系人{n}", phone="13800001111")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("enterprises:list"))
    assert response.content.decode().count('data-testid="enterprise-row"') == 25


def test_the_detail_page_runs_a_bounded_number_of_queries(
    world, login_as, ent_a_contact, django_assert_max_num_queries
):
    client = login_as(world.dispatcher)
    for n in range(10):
        Contact.objects.create(enterprise=world.ent_a, name=f"联系人{n}", phone="13800001111")
    with django_assert_max_num_queries(22):
        response = client.get(detail_url(world.ent_a))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="contact-phone"') == 11


def test_the_detail_page_masks_phones_for_a_dispatcher(world, login_as, ent_a_contact):
    body = login_as(world.dispatcher).get(detail_url(world.ent_a)).content.decode()
    assert "138****5678" in body and "13812345678" not in body


@pytest.mark.parametrize("who", ["liaison", "resp_leader", "admin"])
def test_the_liaison_leader_and_administrator_see_the_phone(world, login_as, ent_a_contact, who):
    body = login_as(getattr(world, who)).get(detail_url(world.ent_a)).content.decode()
    assert "13812345678" in body


def test_the_export_masks_phones_unless_allowed(world, login_as, ent_a_contact):
    import io

    from openpyxl import load_workbook

    def phone_in_export(user):
        response = login_as(user).get(reverse("enterprises:export"), {"q": "城关"})
        ws = load_workbook(io.BytesIO(response.content)).active
        return [r[15] for r in ws.iter_rows(min_row=2, values_only=True)]

    assert phone_in_export(world.dispatcher) == ["138****5678"]
    assert phone_in_export(world.liaison) == ["13812345678"]
    assert phone_in_export(world.admin) == ["13812345678"]


def test_the_detail_page_shows_the_assignment_history_and_change_history(world, login_as):
    body = login_as(world.liaison).get(detail_url(world.ent_a)).content.decode()
    assert 'data-testid="assignments"' in body and "联络员" in body
    assert 'data-testid="change-history"' in body


def test_a_dispatcher_registers_an_enterprise(world, login_as):
    client = login_as(world.dispatcher)
    response = client.post(
        reverse("enterprises:create"),
        {
            "credit_code": credit_code(777),
            "name": "新注册科技有限公司",
            "region": world.street.pk,
            "status": "active",
            "visit_frequency_days": 30,
        },
    )
    enterprise = Enterprise.objects.get(name="新注册科技有限公司")
    assert response.status_code == 302 and response.url == detail_url(enterprise)
    assert enterprise.history.earliest().history_user == world.dispatcher


def test_the_create_form_explains_a_wrong_check_digit_in_chinese(world, login_as):
    response = login_as(world.dispatcher).post(
        reverse("enterprises:create"),
        {
            "credit_code": "91350100M000100Y44",
            "name": "X",
            "region": world.street.pk,
            "status": "active",
            "visit_frequency_days": 30,
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误（应为 3）" in response.content.decode()
    assert not Enterprise.objects.filter(name="X").exists()


def test_a_duplicate_credit_code_is_refused(world, login_as):
    response = login_as(world.dispatcher).post(
        reverse("enterprises:create"),
        {
            "credit_code": world.ent_a.credit_code,
            "name": "重复",
            "region": world.street.pk,
            "status": "active",
            "visit_frequency_days": 30,
        },
    )
    assert "该统一社会信用代码已登记" in response.content.decode()


def test_a_dispatcher_cannot_register_outside_their_region(world, login_as):
    response = login_as(world.dispatcher).post(
        reverse("enterprises:create"),
        {
            "credit_code": credit_code(778),
            "name": "越界有限公司",
            "region": world.far.pk,
            "status": "active",
            "visit_frequency_days": 30,
        },
    )
    assert response.status_code == 200
    assert not Enterprise.objects.filter(name="越界有限公司").exists()


def test_a_liaison_cannot_register_enterprises(world, login_as):
    assert login_as(world.liaison).get(reverse("enterprises:create")).status_code == 403


def test_the_liaison_edits_the_profile_but_not_the_credit_code_or_region(world, login_as):
    client = login_as(world.liaison)
    url = reverse("enterprises:edit", kwargs={"pk": world.ent_a.pk})
    response = client.post(
        url,
        {
            "name": "城关机械有限公司",
            "address": "解放路9号",
            "status": "active",
            "visit_frequency_days": 15,
            "credit_code": credit_code(999),
            "region": world.far.pk,
        },
    )
    assert response.status_code == 302
    world.ent_a.refresh_from_db()
    assert world.ent_a.address == "解放路9号" and world.ent_a.visit_frequency_days == 15
    assert world.ent_a.region == world.street and world.ent_a.credit_code != credit_code(999)


def test_the_leader_sees_but_cannot_edit(world, login_as):
    client = login_as(world.leader)
    assert client.get(detail_url(world.ent_a)).status_code == 200
    url = reverse("enterprises:edit", kwargs={"pk": world.ent_a.pk})
    assert client.post(url, {"name": "改名"}).status_code == 403
    world.ent_a.refresh_from_db()
    assert world.ent_a.name == "城关机械有限公司"


def test_the_liaison_adds_and_edits_a_contact(world, login_as):
    client = login_as(world.liaison)
    response = client.post(
        reverse("enterprises:contact_add", kwargs={"pk": world.ent_a.pk}),
        {"name": "钱总", "phone": "13700001234", "is_primary": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="钱总")
    response = client.post(
        reverse(
            "enterprises:contact_edit", kwargs={"pk": world.ent_a.pk, "contact_pk": contact.pk}
        ),
        {"name": "钱总", "phone": "abc"},
    )
    assert "请输入有效的电话号码" in response.content.decode()


def test_a_contact_of_another_enterprise_is_a_404(world, login_as):
    other = Contact.objects.create(enterprise=world.ent_b, name="外企联系人")
    url = reverse("enterprises:contact_edit", kwargs={"pk": world.ent_a.pk, "contact_pk": other.pk})
    assert login_as(world.liaison).get(url).status_code == 404


def test_a_dispatcher_reassigns_the_liaison_with_a_handover_note(world, login_as):
    from accounts.models import Role
    from tests.factories import UserFactory, grant

    successor = UserFactory(display_name="新联络员")
    grant(successor, Role.LIAISON, region=world.district)
    response = login_as(world.dispatcher).post(
        reverse("enterprises:assign", kwargs={"pk": world.ent_a.pk}),
        {"kind": "liaison", "person": successor.pk, "on": "2026-11-20", "handover_note": "交接"},
    )
    assert response.status_code == 302
    assert world.ent_a.assignments.active().get(kind="liaison").person == successor
    assert world.ent_a.assignments.get(person=world.liaison).handover_note == "交接"


def test_reassigning_to_the_current_person_shows_a_message_and_changes_nothing(world, login_as):
    response = login_as(world.dispatcher).post(
        reverse("enterprises:assign", kwargs={"pk": world.ent_a.pk}),
        {"kind": "liaison", "person": world.liaison.pk, "on": "2026-11-20"},
    )
    assert response.status_code == 200
    assert "已是该企业的联络员" in response.content.decode()
    assert world.ent_a.assignments.count() == 2


def test_the_liaison_cannot_reassign(world, login_as):
    url = reverse("enterprises:assign", kwargs={"pk": world.ent_a.pk})
    assert login_as(world.liaison).get(url).status_code == 403


def test_the_officer_handover_previews_then_moves_everything(world, login_as):
    from accounts.models import Role
    from tests.factories import UserFactory, grant

    successor = UserFactory(display_name="接任者")
    grant(successor, Role.LIAISON, region=world.district)
    client = login_as(world.dispatcher)
    data = {
        "kind": "liaison",
        "from_person": world.liaison.pk,
        "to_person": successor.pk,
        "on": "2026-11-20",
        "handover_note": "调离",
    }
    response = client.post(reverse("enterprises:handover"), data)
    assert "城关机械有限公司" in response.content.decode()
    assert LiaisonAssignment.objects.active().filter(person=world.liaison).exists()
    response = client.post(reverse("enterprises:handover"), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert not LiaisonAssignment.objects.active().filter(person=world.liaison).exists()


def test_the_handover_only_touches_enterprises_in_the_actors_region(world, login_as):
    from accounts.models import Role
    from tests.factories import UserFactory, grant

    AssignmentFactory(enterprise=world.ent_far, person=world.liaison, kind="liaison")
    successor = UserFactory()
    grant(successor, Role.LIAISON, region=world.city)
    login_as(world.dispatcher).post(
        reverse("enterprises:handover"),
        {
            "kind": "liaison",
            "from_person": world.liaison.pk,
            "to_person": successor.pk,
            "on": "2026-11-20",
            "handover_note": "调离",
            "confirm": "1",
        },
    )
    assert list(
        LiaisonAssignment.objects.active()
        .filter(person=world.liaison)
        .values_list("enterprise__name", flat=True)
    ) == ["江北纺织有限公司"]


def test_sections_declared_by_other_apps_render_on_the_page(world, login_as, tmp_path, settings):

    (tmp_path / "probe.html").write_text("<p>探针：{{ enterprise.name }} {{ count }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]

    settings.QINQING_ENTERPRISE_PAGE_SECTIONS = ["tests.enterprises.test_views.probe_section"]
    body = login_as(world.liaison).get(detail_url(world.ent_a)).content.decode()
    assert "走访记录" in body and "探针：城关机械有限公司 3" in body


def test_the_export_runs_a_constant_number_of_queries(
    world, login_as, django_assert_max_num_queries
):
    from enterprises.models import Tag

    tag = Tag.objects.get(name="重点企业")
    for _n in range(20):
        e = EnterpriseFactory(region=world.street)
        e.tags.add(tag)
        AssignmentFactory(enterprise=e, person=world.liaison, kind="liaison")
    client = login_as(world.dispatcher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200


def test_a_late_page_of_the_list_shows_its_rows_with_their_liaison(world, login_as):
    for n in range(30):
        e = EnterpriseFactory(region=world.street, name=f"甲{n:03d}")
        AssignmentFactory(enterprise=e, person=world.liaison, kind="liaison")
    body = login_as(world.dispatcher).get(reverse("enterprises:list"), {"page": 2}).content.decode()
    assert body.count('data-testid="enterprise-row"') == 7
    assert "甲029" in body and "甲000" not in body


def test_the_handover_form_offers_only_officers_of_the_actors_enterprises(world, login_as):
    from tests.factories import UserFactory

    far_liaison = UserFactory(display_name="江北联络员")
    AssignmentFactory(enterprise=world.ent_far, person=far_liaison, kind="liaison")
    body = login_as(world.dispatcher).get(reverse("enterprises:handover")).content.decode()
    assert "联络员" in body and "江北联络员" not in body


def probe_section(request, enterprise):
    """A section another app could declare (see the test above)."""
    from enterprises.sections import PageSection

    return PageSection("走访记录", "probe.html", {"count": 3}, order=10)
