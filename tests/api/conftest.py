"""The API tests stand on the fixed `world` and the issues tests' `make_issue` (which drives
the real services); `api_as(user)` is a client authenticated with a fresh bearer token."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from accounts.services import system_user
from api.models import Integration
from api.tokens import token_issue
from tests.factories import UserFactory
from tests.issues.conftest import PDF, PNG, cats, make_issue, pdf_upload, private_media

__all__ = ["PDF", "PNG", "cats", "make_issue", "pdf_upload", "private_media"]


@pytest.fixture(autouse=True)
def no_throttle_bleed(settings):
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api_as(db):
    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            key = token_issue(actor=user, user=user, name="test").key
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return client_for


@pytest.fixture
def hotline(world, cats):
    """The 12345 integration of 江南区, its account and a token."""
    system_user()
    account = UserFactory(username="hotline12345", display_name="12345 热线")
    integration = Integration.objects.create(
        name="江城市 12345 热线",
        code="jc12345",
        account=account,
        region=world.district,
        default_category=cats.plain,
        webhook_url="http://127.0.0.1:9/callback",
        secret="s3cret-for-tests",
    )
    key = token_issue(actor=None, user=account, name="12345").key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return SimpleNamespace(integration=integration, account=account, client=client, key=key)
