"""Visit services: plan, log, cancel, attach — one transaction each, status only through them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.visits.conftest import PNG_BYTES, make_visit
from visits import services
from visits.models import Visit, VisitAttachment, VisitOfficer


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(name="现场.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def test_a_liaison_plans_a_visit_led_by_themselves(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    visit = services.visit_plan(
        actor=world.liaison,
        enterprise=world.ent_a,
        kind=Visit.Kind.ON_SITE,
        planned_on=tomorrow,
        lead=world.liaison,
        officers=[world.resp_leader, world.liaison],
    )
    assert visit.status == Visit.Status.PLANNED
    links = list(visit.officer_links.order_by("-is_lead"))
    assert [(link.user, link.is_lead) for link in links] == [
        (world.liaison, True),
        (world.resp_leader, False),
    ]
    record = visit.history.get()
    assert record.history_user == world.liaison


def test_a_plan_in_the_past_is_refused(world):
    with pytest.raises(ValidationError):
        services.visit_plan(
            actor=world.liaison,
            enterprise=world.ent_a,
            kind=Visit.Kind.PHONE,
            planned_on=timezone.localdate() - timedelta(days=1),
            lead=world.liaison,
        )
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["leader", "handler", "outsider", "enterprise_user", "deputy"])
def test_only_those_responsible_may_record_visits_for_an_enterprise(world, who):
    actor = getattr(world, who)
    with pytest.raises(ValidationError):
        services.visit_log(
            actor=actor,
            enterprise=world.ent_a,
            kind=Visit.Kind.ON_SITE,
            happened_at=timezone.now(),
            lead=actor,
            summary="走访",
        )
    assert not Visit.objects.exists()


def test_logging_a_planned_visit_completes_it_with_attendees_and_photos(world, contact_a):
    planned = make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    visit = services.visit_log(
        actor=world.liaison,
        enterprise=world.ent_a,
        planned=planned,
        kind=Visit.Kind.ON_SITE,
        happened_at=timezone.now(),
        lead=world.liaison,
        attendees=[contact_a],
        summary="企业反映用工紧张",
        confidentiality=Visit.Confidentiality.SHAREABLE,
        files=[_png()],
    )
    assert visit.pk == planned.pk
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    assert list(visit.attendees.all()) == [contact_a]
    photo = visit.attachments.get()
    assert (photo.kind, photo.content_type, photo.original_name) == (
        "photo",
        "image/png",
        "现场.png",
    )
    assert "现场" not in photo.file.name  # the uploader's name never reaches the disk
    logged = visit.history.filter(history_change_reason="登记走访")
    assert logged.exists()
    assert {r.history_user for r in logged} == {world.liaison}


def test_a_done_or_cancelled_visit_cannot_be_logged_again(world):
    done = make_visit(world.ent_a, world.liaison)
    with pytest.raises(ValidationError):
        services.visit_log(
            actor=world.liaison,
            enterprise=world.ent_a,
            planned=done,
            kind=Visit.Kind.PHONE,
            happened_at=timezone.now(),
            lead=world.liaison,
            summary="再次登记",
        )
    done.refresh_from_db()
    assert done.kind == Visit.Kind.ON_SITE


def test_attendees_must_belong_to_the_enterprise(world):
    from enterprises.models import Contact

    stranger = Contact.objects.create(enterprise=world.ent_b, name="别家")
    with pytest.raises(ValidationError):
        services.visit_log(
            actor=world.liaison,
            enterprise=world.ent_a,
            kind=Visit.Kind.ON_SITE,
            happened_at=timezone.now(),
            lead=world.liaison,
            attendees=[stranger],
            summary="走访",
        )
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(world):
    with pytest.raises(ValidationError):
        services.visit_log(
            actor=world.liaison,
            enterprise=world.ent_a,
            kind=Visit.Kind.ON_SITE,
            happened_at=timezone.now() + timedelta(hours=2),
            lead=world.liaison,
            summary="走访",
        )


def test_a_disguised_page_as_photo_leaves_neither_visit_nor_file(world, tmp_path):
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError):
        services.visit_log(
            actor=world.liaison,
            enterprise=world.ent_a,
            kind=Visit.Kind.ON_SITE,
            happened_at=timezone.now(),
            lead=world.liaison,
            summary="走访",
            files=[_png(), fake],
        )
    assert not Visit.objects.exists()
    assert not VisitAttachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_cancelling_needs_a_reason_and_only_works_on_plans(world):
    planned = make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=world.liaison, visit=planned, reason="  ")
    visit = services.visit_cancel(actor=world.liaison, visit=planned, reason="企业停产检修")
    assert (visit.status, visit.cancel_reason) == (Visit.Status.CANCELLED, "企业停产检修")
    assert visit.history.first().history_change_reason == "取消走访"
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=world.liaison, visit=visit, reason="再取消")


def test_the_database_refuses_two_leads_and_a_done_visit_without_a_time(world):
    visit = make_visit(world.ent_a, world.liaison)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitOfficer.objects.create(visit=visit, user=world.resp_leader, is_lead=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(happened_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(status="archived")


def test_people_without_a_staff_role_cannot_be_officers(world):
    with pytest.raises(ValidationError):
        services.visit_plan(
            actor=world.liaison,
            enterprise=world.ent_a,
            kind=Visit.Kind.ON_SITE,
            planned_on=timezone.localdate(),
            lead=world.liaison,
            officers=[world.enterprise_user],
        )
    assert not Visit.objects.exists()


def test_a_new_visit_with_attendees_has_one_creation_entry_listing_them(world):
    from crm.lib.history import history_entries
    from enterprises.models import Contact

    contact = Contact.objects.create(enterprise=world.ent_a, name="王经理", phone="13912345678")
    visit = services.visit_log(
        actor=world.liaison,
        enterprise=world.ent_a,
        kind=Visit.Kind.ON_SITE,
        happened_at=timezone.now(),
        lead=world.liaison,
        attendees=[contact],
        summary="了解用工情况",
    )
    entries = history_entries(visit)
    assert [(e.kind, e.who) for e in entries] == [("创建", str(world.liaison))]
    record = visit.history.get()
    assert [row.contact_id for row in record.attendees.all()] == [contact.pk]
