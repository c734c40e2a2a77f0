import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import system_user
from enterprises import services
from enterprises.models import Contact, Enterprise, LiaisonAssignment, Tag
from tests.factories import AssignmentFactory, EnterpriseFactory, UserFactory, credit_code, grant

pytestmark = pytest.mark.django_db


def test_enterprise_create_writes_a_history_row_attributed_to_the_actor(world):
    tag = Tag.objects.get(name="专精特新")
    enterprise = services.enterprise_create(
        actor=world.dispatcher,
        credit_code=credit_code(501).lower(),
        name="新登记有限公司",
        region=world.street,
        tags=[tag],
    )
    assert enterprise.credit_code == credit_code(501)  # normalised to upper case
    assert list(enterprise.tags.all()) == [tag]
    first = enterprise.history.earliest()
    assert first.history_type == "+"
    assert first.history_user == world.dispatcher


def test_enterprise_create_refuses_a_bad_credit_code_and_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(
            actor=world.dispatcher,
            credit_code="91350100M000100Y44",
            name="错误代码有限公司",
            region=world.street,
        )
    assert "校验位错误" in str(exc.value)
    assert not Enterprise.objects.filter(name="错误代码有限公司").exists()


def test_enterprise_update_records_the_changed_field_and_who_changed_it(world):
    services.enterprise_update(actor=world.liaison, enterprise=world.ent_a, address="新地址1号")
    latest = world.ent_a.history.latest()
    assert latest.history_user == world.liaison
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["address"]


def test_the_first_contact_becomes_primary_and_a_new_primary_demotes_the_old(world):
    first = services.contact_add(actor=world.liaison, enterprise=world.ent_a, name="甲")
    assert first.is_primary
    second = services.contact_add(
        actor=world.liaison, enterprise=world.ent_a, name="乙", is_primary=True
    )
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    services.contact_update(actor=world.liaison, contact=first, name="甲", is_primary=True)
    assert list(Contact.objects.filter(is_primary=True)) == [first]
    assert first.history.latest().history_user == world.liaison


def test_liaison_assign_closes_the_old_assignment_with_the_note_and_keeps_the_history(world):
    new_liaison = UserFactory(display_name="接任联络员")
    grant(new_liaison, Role.LIAISON, region=world.district)
    old = LiaisonAssignment.objects.get(enterprise=world.ent_a, kind="liaison")
    today = timezone.localdate()
    new = services.liaison_assign(
        actor=world.dispatcher,
        enterprise=world.ent_a,
        kind="liaison",
        person=new_liaison,
        handover_note="在办诉求已交接",
        on=today,  # the factory's start dates lie earlier this year
    )
    old.refresh_from_db()
    assert old.ended_on == today and old.handover_note == "在办诉求已交接"
    assert new.ended_on is None and new.started_on == today
    assert world.ent_a.assignments.count() == 3  # old liaison, leader, new liaison
    assert old.history.latest().history_user == world.dispatcher
    assert new.history.latest().history_user == world.dispatcher


def test_liaison_assign_refuses_a_person_without_the_role(world):
    with pytest.raises(ValidationError) as exc:
        services.liaison_assign(
            actor=world.dispatcher, enterprise=world.ent_a, kind="liaison", person=world.outsider
        )
    assert "不是有效的联络员" in str(exc.value)
    assert world.ent_a.assignments.active().get(kind="liaison").person == world.liaison


def test_liaison_assign_refuses_the_person_already_assigned(world):
    with pytest.raises(ValidationError):
        services.liaison_assign(
            actor=world.dispatcher, enterprise=world.ent_a, kind="liaison", person=world.liaison
        )


def test_a_leader_assignment_needs_the_responsible_leader_role(world):
    with pytest.raises(ValidationError):
        services.liaison_assign(
            actor=world.dispatcher, enterprise=world.ent_b, kind="leader", person=world.liaison
        )
    services.liaison_assign(
        actor=world.dispatcher, enterprise=world.ent_b, kind="leader", person=world.resp_leader
    )
    assert world.ent_b.assignments.active().get(kind="leader").person == world.resp_leader


def test_officer_handover_all_moves_every_enterprise_at_once_as_the_system(world):
    extra = EnterpriseFactory(region=world.street)
    AssignmentFactory(enterprise=extra, person=world.liaison, kind="liaison")
    successor = UserFactory()
    grant(successor, Role.LIAISON, region=world.district)
    assignments = list(LiaisonAssignment.objects.active().filter(person=world.liaison))
    count = services.officer_handover_all(
        actor=system_user(),
        assignments=assignments,
        to_person=successor,
        handover_note="调离",
    )
    assert count == 2
    assert not LiaisonAssignment.objects.active().filter(person=world.liaison).exists()
    assert LiaisonAssignment.objects.active().filter(person=successor).count() == 2
    assert LiaisonAssignment.objects.filter(person=world.liaison, handover_note="调离").count() == 2
    assert successor.liaison_assignments.first().history.latest().history_user.username == "system"


def test_officer_handover_all_is_all_or_nothing(world):
    assignments = list(LiaisonAssignment.objects.active().filter(person=world.liaison))
    with pytest.raises(ValidationError):
        services.officer_handover_all(
            actor=world.dispatcher,
            assignments=assignments,
            to_person=world.outsider,  # not a liaison
            handover_note="调离",
        )
    assert LiaisonAssignment.objects.active().filter(person=world.liaison).count() == 1


def test_enterprise_member_add_is_idempotent(world):
    a = services.enterprise_member_add(
        actor=world.admin, enterprise=world.ent_a, user=world.enterprise_user
    )
    b = services.enterprise_member_add(
        actor=world.admin, enterprise=world.ent_a, user=world.enterprise_user
    )
    assert a.pk == b.pk and b.is_active


def test_an_enterprise_moved_in_the_admin_takes_its_issues_along(world, rf):
    # given: an issue of ent_a (in 城关街道)
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    from issues.models import Category, Issue
    from issues.services import issue_register

    issue = issue_register(
        actor=world.liaison,
        enterprise=world.ent_a,
        source=Issue.Source.VISIT,
        category=Category.objects.create(code="t.move", name="用工"),
        title="厂区用工缺口",
        description="需要招聘焊工。",
    )
    # when: an administrator changes its region in the admin
    world.ent_a.region = world.park
    form = SimpleNamespace(changed_data=["region"])
    request = rf.post("/")
    request.user = world.admin
    site._registry[Enterprise].save_model(request, world.ent_a, form, change=True)
    # then
    issue.refresh_from_db()
    assert issue.region == world.park
