"""Campaigns (专项行动): start one from credit codes or the enterprise list's filters, notify
through the outbox, statuses by the liaison or the owner unit, completion as the seed district
reported it, overdue rows, the export — and outsiders who see and change nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignTarget
from campaigns.selectors import credit_codes_in
from campaigns.services import campaign_create, campaign_target_update
from notifications.models import Kind, Notification

TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def campaign(world):
    return campaign_create(
        actor=world.dispatcher,
        title="信用修复专项行动",
        owner_unit=world.line_unit,
        deadline=TOMORROW,
        enterprise_ids=[world.ent_a.pk, world.ent_b.pk],
    )


def rows(campaign):
    return {t.enterprise_id: t for t in CampaignTarget.objects.filter(campaign=campaign)}


def test_creating_notifies_each_liaison_and_the_owner_unit(campaign, world):
    assert set(rows(campaign)) == {world.ent_a.pk, world.ent_b.pk}
    told = Notification.objects.filter(kind=Kind.CAMPAIGN)
    assert set(told.values_list("recipient__username", flat=True)) == {
        "liaison1",
        "deputy1",
        "handler1",
        "unithead1",
    }
    assert "1 家企业" in told.get(recipient=world.liaison).body


def test_only_visible_active_enterprises_can_be_targets(world):
    with pytest.raises(Exception, match="无权查看"):
        campaign_create(
            actor=world.dispatcher,
            title="越权",
            owner_unit=world.line_unit,
            deadline=TOMORROW,
            enterprise_ids=[world.ent_far.pk],
        )
    assert Campaign.objects.count() == 0


def test_liaisons_and_handlers_cannot_start_one(world):
    for person in (world.liaison, world.handler, world.outsider):
        with pytest.raises(Exception, match="只有派单员"):
            campaign_create(
                actor=person,
                title="x",
                owner_unit=world.line_unit,
                deadline=TOMORROW,
                enterprise_ids=[world.ent_a.pk],
            )


def test_completion_reads_as_the_seed_district_reported_it(campaign, world, client):
    by = rows(campaign)
    campaign_target_update(actor=world.liaison, target=by[world.ent_a.pk], status="done")
    client.force_login(world.dispatcher)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "已完成1家，占应完成企业的50%" in html
    campaign_target_update(
        actor=world.deputy, target=by[world.ent_b.pk], status="not_applicable", note="已迁出"
    )
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "已完成1家，占应完成企业的100%" in html


def test_not_applicable_needs_a_note_and_bad_status_is_refused(campaign, world):
    target = rows(campaign)[world.ent_a.pk]
    with pytest.raises(Exception, match="说明原因"):
        campaign_target_update(actor=world.liaison, target=target, status="not_applicable")
    with pytest.raises(Exception, match="无效"):
        campaign_target_update(actor=world.liaison, target=target, status="closed")
    target.refresh_from_db()
    assert target.status == "pending"


def test_the_owner_unit_updates_any_row_and_another_liaison_none(campaign, world, client):
    by = rows(campaign)
    client.force_login(world.liaison)
    response = client.post(
        reverse("campaigns:target_update", args=[by[world.ent_b.pk].pk]), {"status": "done"}
    )
    assert response.status_code == 404
    client.force_login(world.handler)
    client.post(
        reverse("campaigns:target_update", args=[by[world.ent_b.pk].pk]), {"status": "contacted"}
    )
    by[world.ent_b.pk].refresh_from_db()
    assert by[world.ent_b.pk].status == "contacted"


def test_a_liaison_sees_only_their_own_rows(campaign, world, client):
    client.force_login(world.liaison)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "城关机械有限公司" in html and "高新芯片有限公司" not in html


def test_an_enterprise_user_never_sees_another_enterprises_row(campaign, world, client):
    client.force_login(world.enterprise_user)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "城关机械有限公司" in html and "高新芯片有限公司" not in html
    other = rows(campaign)[world.ent_b.pk]
    response = client.post(reverse("campaigns:target_update", args=[other.pk]), {"status": "done"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "pending"


@pytest.mark.parametrize("name", ["campaigns:detail", "campaigns:export"])
def test_outsiders_get_404(campaign, world, client, name):
    for person in (world.outsider, world.far_dispatcher):
        client.force_login(person)
        assert client.get(reverse(name, args=[campaign.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("campaigns:list")).status_code == 404
    assert client.get(reverse("campaigns:create")).status_code == 404


def test_overdue_rows_and_the_export(campaign, world, client):
    by = rows(campaign)
    campaign_target_update(actor=world.liaison, target=by[world.ent_a.pk], status="done")
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(world.dispatcher)
    html = client.get(campaign.get_absolute_url(), {"overdue": "1"}).content.decode()
    assert "高新芯片有限公司" in html and "城关机械有限公司" not in html
    response = client.get(reverse("campaigns:export", args=[campaign.pk]), {"overdue": "1"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_start_from_typed_and_uploaded_credit_codes(world, client):
    client.force_login(world.dispatcher)
    upload = SimpleUploadedFile("list.txt", f"{world.ent_b.credit_code}\n".encode())
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "融资对接会",
            "owner_unit": world.line_unit.pk,
            "deadline": TOMORROW.isoformat(),
            "source": "codes",
            "codes": world.ent_a.credit_code.lower(),
            "codes_file": upload,
        },
    )
    campaign = Campaign.objects.get(title="融资对接会")
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert set(rows(campaign)) == {world.ent_a.pk, world.ent_b.pk}


def test_unknown_codes_are_named_and_nothing_is_created(world, client):
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "安全检查",
            "owner_unit": world.line_unit.pk,
            "deadline": TOMORROW.isoformat(),
            "source": "codes",
            "codes": f"{world.ent_a.credit_code}\n{world.ent_far.credit_code}",
        },
    )
    assert response.status_code == 200
    assert world.ent_far.credit_code in response.content.decode()
    assert Campaign.objects.count() == 0


def test_start_from_the_enterprise_lists_filters(world, client):
    client.force_login(world.dispatcher)
    query = f"region={world.park.pk}"
    page = client.get(reverse("campaigns:create") + "?" + query).content.decode()
    assert 'data-testid="filter-preview">1 家' in page
    client.post(
        reverse("campaigns:create"),
        {
            "title": "园区安全检查",
            "owner_unit": world.line_unit.pk,
            "deadline": TOMORROW.isoformat(),
            "source": "filter",
            "filter_query": query,
        },
    )
    assert set(rows(Campaign.objects.get())) == {world.ent_b.pk}


def test_credit_codes_are_read_from_any_separator():
    text = "91420102000000001X, 91420102000000002y\t无关文字 91420102000000001X"
    assert credit_codes_in(text) == ["91420102000000001X", "91420102000000002Y"]


def test_the_campaign_page_runs_a_constant_number_of_queries(
    world, client, django_assert_max_num_queries
):
    from tests.factories import EnterpriseFactory

    ids = [EnterpriseFactory(region=world.street).pk for _ in range(15)]
    campaign = campaign_create(
        actor=world.dispatcher,
        title="大批量",
        owner_unit=world.line_unit,
        deadline=TOMORROW,
        enterprise_ids=ids,
    )
    for person in (world.dispatcher, world.handler):
        client.force_login(person)
        with django_assert_max_num_queries(14):
            assert client.get(campaign.get_absolute_url()).status_code == 200
    client.force_login(world.dispatcher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:list")).status_code == 200
