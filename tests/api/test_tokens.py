"""Tokens: per person or integration account, shown once, stored hashed, revocable; throttled
per token."""

import hashlib

from api.models import ApiToken


def test_a_person_issues_a_token_and_sees_its_key_only_once(world, api_as):
    client = api_as(world.liaison)

    created = client.post("/api/v1/tokens/", {"name": "手机 App"}, format="json")

    assert created.status_code == 201
    key = created.json()["key"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    listed = client.get("/api/v1/tokens/").json()
    assert all("key" not in row for row in listed)
    assert {row["name"] for row in listed} == {"test", "手机 App"}


def test_the_new_key_authenticates(world, api_as):
    key = api_as(world.liaison).post("/api/v1/tokens/", {"name": "x"}, format="json").json()["key"]
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.get("/api/v1/issues/").status_code == 200


def test_a_revoked_token_stops_working_at_once(world, api_as):
    owner = api_as(world.liaison)
    created = owner.post("/api/v1/tokens/", {"name": "x"}, format="json").json()
    other = api_as(None)
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {created['key']}")

    assert owner.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204

    answer = other.get("/api/v1/issues/")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authentication_failed"
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None


def test_nobody_sees_or_revokes_anyone_elses_token(world, api_as):
    created = api_as(world.liaison).post("/api/v1/tokens/", {"name": "x"}, format="json").json()
    intruder = api_as(world.dispatcher)

    assert created["id"] not in [t["id"] for t in intruder.get("/api/v1/tokens/").json()]
    assert intruder.delete(f"/api/v1/tokens/{created['id']}/").status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None


def test_a_made_up_token_is_refused_with_the_error_shape(db, api_as):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer qq_not-a-real-key")

    answer = client.get("/api/v1/issues/")

    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "令牌无效或已吊销。"


def test_no_credentials_answers_401(db, api_as):
    answer = api_as(None).get("/api/v1/issues/")

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_throttling_counts_each_token_separately(world, api_as, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
    busy, calm = api_as(world.liaison), api_as(world.liaison)

    statuses = [busy.get("/api/v1/categories/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert busy.get("/api/v1/categories/").json()["error"]["code"] == "throttled"
    assert calm.get("/api/v1/categories/").status_code == 200
