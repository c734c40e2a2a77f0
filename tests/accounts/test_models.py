import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, RoleMembership
from accounts.services import membership_grant, membership_revoke, system_user
from accounts.validators import CharacterClassValidator

pytestmark = pytest.mark.django_db


def test_unit_role_without_a_unit_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=world.outsider, role=Role.HANDLER, region=world.district)


def test_region_role_without_a_region_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleMembership.objects.create(user=world.outsider, role=Role.DISPATCHER)


def test_grant_is_idempotent_and_writes_history(world):
    actor = world.admin
    first = membership_grant(
        actor=actor, user=world.outsider, role=Role.DISPATCHER, region=world.street
    )
    again = membership_grant(
        actor=actor, user=world.outsider, role=Role.DISPATCHER, region=world.street
    )
    assert first.pk == again.pk
    assert RoleMembership.objects.filter(user=world.outsider).count() == 1
    assert first.history.first().history_user == actor


def test_revoke_keeps_the_row_and_records_why(world):
    membership = world.dispatcher.memberships.get()
    membership_revoke(actor=world.admin, membership=membership, reason="调岗")
    membership.refresh_from_db()
    assert membership.is_active is False
    assert membership.history.first().history_change_reason == "调岗"


def test_granting_a_unit_role_without_a_unit_is_a_validation_error(world):
    with pytest.raises(ValidationError):
        membership_grant(actor=None, user=world.outsider, role=Role.HANDLER, unit=None)


def test_system_user_cannot_log_in():
    user = system_user()
    assert not user.has_usable_password()
    assert not user.is_active
    assert system_user().pk == user.pk


@pytest.mark.parametrize(
    ("password", "ok"),
    [("abcdefghijk", False), ("abcdefgh12", False), ("Abcdefgh12", True), ("abcdefg#12", True)],
)
def test_password_needs_three_character_classes(password, ok):
    validator = CharacterClassValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)
