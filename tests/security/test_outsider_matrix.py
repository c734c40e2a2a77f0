"""The outsider matrix, generated from the URL conf: every URL pattern with an object id ×
every role of the world × an object of 江北区 that none of them may reach → 404 or 403, and not
one row written (events, history, everything: tests/security/state.py).

Nothing here is hand-listed: a URL added later is walked automatically, and a parameter the
registry (tests/security/registry.py) does not know fails the test with what to register.
"""

import pytest

from tests.people import NEAR_PEOPLE
from tests.security import registry
from tests.security.scene import Scene
from tests.security.state import changed, row_counts
from tests.security.urlwalk import routes

ROLES = NEAR_PEOPLE
REFUSED = {403, 404}
NOT_ALLOWED = 405  # a method the URL does not take: refused before any lookup
JSON = "application/json"

ROUTES_WITH_PARAMS = [r for r in routes() if r.params]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _choices(route) -> int:
    sizes = [
        len(m.values)
        for p in route.params
        if isinstance(m := registry.lookup(route.name, p.name), registry.Choice)
    ]
    return max(sizes, default=1)


@pytest.mark.parametrize("route", ROUTES_WITH_PARAMS, ids=lambda r: r.name or r.template)
def test_no_role_reaches_a_foreign_object(client, world, route):
    try:
        object_params = registry.object_params(route)
    except registry.UnregisteredParameter as exc:
        pytest.fail(str(exc))
    if not object_params:
        pytest.skip("no object id in this URL")
    foreign = Scene(world, "foreign")
    paths = [route.path(registry.fill(route, foreign, i)) for i in range(_choices(route))]
    failures = []
    for index, role in enumerate(ROLES):
        client.force_login(getattr(world, role))  # writes last_login: count after it
        before = row_counts()
        # Non-object choices (an action name) are dealt over the roles: together they try
        # every choice, each role a share (the object check comes before the action's).
        for path in paths[index % len(paths) :: len(ROLES)] or paths[:1]:
            body = {"comment": "越权", "reason": "越权"}
            answers = {
                "GET": client.get(path).status_code,
                "POST": client.post(path, body).status_code,
                "PATCH": client.patch(path, body, content_type=JSON).status_code,
                "PUT": client.put(path, body, content_type=JSON).status_code,
                "DELETE": client.delete(path).status_code,
            }
            allowed = REFUSED | {NOT_ALLOWED}
            if not set(answers.values()) <= allowed or not set(answers.values()) & REFUSED:
                failures.append(f"{role} {path}: {answers}")
        if diff := changed(before, row_counts()):
            failures.append(f"{role} changed rows: {diff}")
    assert not failures, "a foreign object was reachable:\n" + "\n".join(failures)


def test_an_unknown_parameter_fails_loudly_naming_what_to_register():
    from tests.security.urlwalk import Param, Route

    route = Route(
        name="portal:thing", parts=("portal/", Param("thing_id", "int"), "/"), callback=None
    )
    with pytest.raises(registry.UnregisteredParameter) as excinfo:
        registry.object_params(route)
    message = str(excinfo.value)
    assert "portal:thing.thing_id" in message and "tests/security/registry.py" in message


def test_the_matrix_sees_every_object_url_of_the_conf():
    names = {r.name for r in ROUTES_WITH_PARAMS}
    # a sample written by hand, so that a broken walker cannot pass by finding nothing
    assert {
        "enterprises:contact_edit",
        "issues:action",
        "issues:improvement_link",
        "visits:attachment",
        "notifications:read",
    } <= names
