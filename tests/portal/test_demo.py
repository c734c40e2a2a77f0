"""The demo data gives the demo enterprise user portal requests and a shareable visit, made by
the product's services, and running it again changes nothing."""

import os

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise
from issues.models import Issue
from visits.models import Visit

pytestmark = pytest.mark.django_db


def _counts(enterprise):
    portal = Issue.objects.filter(enterprise=enterprise, registered_via="portal")
    shared = Visit.objects.filter(enterprise=enterprise, confidentiality="shareable", status="done")
    return portal.count(), shared.count()


def test_the_demo_enterprise_user_has_portal_requests_and_a_shared_visit(private_media):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    enterprise = Enterprise.objects.get(memberships__user__username="qiye")
    first = _counts(enterprise)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert first == _counts(enterprise)
    assert first[0] >= 1 and first[1] >= 1
