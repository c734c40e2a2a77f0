"""A property-based run over the OpenAPI schema (schemathesis + hypothesis), in process against
the test server's WSGI app, as several people: no answer may be a server error, and every
answer must match the schema (status code documented, body valid, content type right).

Bounded: `API_FUZZ_EXAMPLES` examples per operation and person (default 6) — about a minute on
two cores; CI's budget for it is three."""

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

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
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
def people(world, make_issue, hotline):
    """Several callers over a small world with issues in a few states."""
    make_issue("in_progress")
    make_issue("resolved")
    make_issue("new")
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


def test_no_server_error_and_no_schema_violation_for_anyone(people, settings_api_unthrottled):
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
    failures = []
    operations = list(_operations(schema))
    assert len(operations) > 20
    for operation in operations:
        for name, key in people.items():
            try:
                _runner(operation, {"Authorization": f"Bearer {key}"})()
            except (Exception, BaseExceptionGroup) as exc:  # collect them all, then report
                failures.append(f"{operation.label} as {name}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _runner(operation, headers):
    @given(case=operation.as_strategy())
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
