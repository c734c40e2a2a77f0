"""The portal on top of the fixed `world` and the issues fixtures: `ent_user` is bound to ent_a
(the world's enterprise user), `b_user` to ent_b, `ab_user` to both; `routed` is a category the
district routes to line_unit, so requests filed under it are auto-dispatched."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from issues.models import Category, RoutingRule
from tests.factories import EnterpriseMembershipFactory, UserFactory
from tests.issues.conftest import PDF, PNG, cats, make_issue, pdf_upload, private_media  # noqa: F401

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def photo(name="现场.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture(autouse=True)
def primary_language_afterwards():
    """A request in English leaves English active in this thread (LocaleMiddleware); later
    tests that call services directly expect the primary language."""
    yield
    translation.deactivate()


@pytest.fixture
def people(world):
    b_user = UserFactory(username="buser", display_name="高新企业用户", phone="13700000002")
    EnterpriseMembershipFactory(user=b_user, enterprise=world.ent_b)
    ab_user = UserFactory(username="abuser", display_name="两家企业用户", phone="13700000003")
    EnterpriseMembershipFactory(user=ab_user, enterprise=world.ent_a)
    EnterpriseMembershipFactory(user=ab_user, enterprise=world.ent_b)
    world.handler.phone = "13911112222"
    world.handler.save()
    world.liaison.phone = "13811113333"
    world.liaison.save()
    return SimpleNamespace(a=world.enterprise_user, b=b_user, ab=ab_user)


@pytest.fixture
def routed(world):
    parent = Category.objects.create(code="r", name="用工保障")
    leaf = Category.objects.create(
        code="r.hire", name="招工难", parent=parent, description="招不到人、缺技术工人"
    )
    RoutingRule.objects.create(category=leaf, region=world.district, lead_unit=world.line_unit)
    return leaf


__all__ = ["PDF", "PNG", "pdf_upload", "photo"]
