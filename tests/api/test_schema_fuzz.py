"""A property-based run over the OpenAPI schema (schemathesis + hypothesis), in process against
the test server's WSGI app, as several people: no answer may be a server error, and every
answer must match the schema (status code documented, body valid, content type right).

Each operation runs with random ids (mostly 404s) for every person, and with ids of objects that
exist for a dispatcher, a handler and an enterprise user. Bounded: `API_FUZZ_EXAMPLES` examples
per operation, person and pass (default 5) — about two minutes on two busy cores; CI's budget
for it is three."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import token_issue

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.fixture
def objects(world, make_issue):
    """A small world with issues in a few states, a visit, a contact and a notification."""
    from enterprises.models import Contact
    from notifications.models import Notification
    from tests.visits.conftest import make_visit

    issue = make_issue("in_progress")
    make_issue("resolved")
    make_issue("new")
    return {
        "/api/v1/issues/": issue.pk,
        "/api/v1/enterprises/": world.ent_a.pk,
        "/api/v1/visits/": make_visit(world.ent_a, world.liaison).pk,
        "/api/v1/notifications/": Notification.objects.create(
            recipient=world.handler, kind="generic", title="消息"
        ).pk,
        "contact": Contact.objects.create(enterprise=world.ent_a, name="王经理", phone="139").pk,
    }


@pytest.fixture
def people(world, objects, hotline):
    callers = {
        "dispatcher": world.dispatcher,
        "handler": world.handler,
        "liaison": world.liaison,
        "enterprise_user": world.enterprise_user,
        "outsider": world.outsider,
        "hotline": hotline.account,
    }
    return {
        name: token_issue(actor=user, user=user, name="fuzz").key for name, user in callers.items()
    }


@pytest.fixture
def connections_kept():
    """Calling the WSGI app directly fires request_started/finished, whose close_old_connections
    drops a connection that is inside a transaction — the test's own, on PostgreSQL. Django's
    test client unhooks it for the same reason; so do we, for the run."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_server_error_and_no_schema_violation_for_anyone(
    people, objects, settings_api_unthrottled, connections_kept
):
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
    failures = []
    operations = list(_operations(schema))
    assert len(operations) > 20
    for operation in operations:
        for name, key in people.items():
            headers = {"Authorization": f"Bearer {key}"}
            passes = [None]  # random ids (mostly 404) …
            real = _real_ids(operation.path, objects)
            if real and name in REAL_ID_PEOPLE:
                passes.append(real)  # … and objects that exist, for the people who see them
            for path_parameters in passes:
                try:
                    _runner(operation, headers, path_parameters)()
                except (Exception, BaseExceptionGroup) as exc:  # collect them all, then report
                    failures.append(f"{operation.label} as {name}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


REAL_ID_PEOPLE = ("dispatcher", "handler", "enterprise_user")


def _real_ids(path: str, objects: dict) -> dict | None:
    prefix = next((p for p in objects if p.startswith("/") and path.startswith(p)), None)
    if prefix is None or "{id}" not in path:
        return None
    ids = {"id": objects[prefix]}
    if "{contact_pk}" in path:
        ids["contact_pk"] = objects["contact"]
    return ids


def _runner(operation, headers, path_parameters=None):
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


@pytest.fixture
def settings_api_unthrottled(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"api": "100000/min"}
    settings.REST_FRAMEWORK = rest
