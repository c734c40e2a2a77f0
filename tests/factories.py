"""factory_boy factories shared by every test module."""

import factory

from accounts.models import Region, Role, RoleMembership, Unit, User
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment
from enterprises.validators import credit_code_check_char

TEST_PASSWORD = "Test-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试人员{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_region(name: str, code: str, kind: str, parent: Region | None = None) -> Region:
    if parent is None:
        return Region.add_root(name=name, code=code, kind=kind)
    parent.refresh_from_db()
    return parent.add_child(name=name, code=code, kind=kind)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.LINE


def grant(user: User, role: str, *, region: Region | None = None, unit: Unit | None = None):
    return RoleMembership.objects.create(user=user, role=Role(role), region=region, unit=unit)


def credit_code(n: int) -> str:
    """A valid unified social credit code, distinct for each n."""
    first17 = f"91420102{n:09d}"
    return first17 + credit_code_check_char(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    credit_code = factory.Sequence(credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonAssignment

    kind = LiaisonAssignment.Kind.LIAISON
    started_on = factory.Faker("date_this_year")


class EnterpriseMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMembership
