"""/health/ (liveness) and /health/ready/ (readiness), each dependency down in turn."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from ops.beacons import beacon_touch

pytestmark = pytest.mark.django_db


@pytest.fixture
def beat_alive():
    beacon_touch(name="heartbeat")


def ready(client):
    response = client.get("/health/ready/")
    return response.status_code, response.json()


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readiness_is_ok_when_every_dependency_answers(client, beat_alive):
    status, body = ready(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"Database", "Cache", "Broker", "Storage", "BeatHeartbeat"}
    assert 0 <= body["beat_age_seconds"] < 60


def test_readiness_fails_when_the_database_is_down(client, beat_alive):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        status, body = ready(client)
    assert status == 503
    assert body["status"] == "down" and body["checks"]["Database"]["ok"] is False


def test_readiness_fails_when_the_cache_is_down(client, settings, beat_alive):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    status, body = ready(client)
    assert status == 503 and body["checks"]["Cache"]["ok"] is False
    assert body["checks"]["Database"]["ok"] is True


def test_readiness_fails_when_the_broker_is_down(client, beat_alive):
    from crm.celery import app

    real = app.connection_for_write
    closed_port = "redis://127.0.0.1:1/0"  # nothing listens there
    with mock.patch.object(app, "connection_for_write", lambda: real(url=closed_port)):
        status, body = ready(client)
    assert status == 503 and body["checks"]["Broker"]["ok"] is False


def test_readiness_fails_when_the_attachment_storage_is_not_writable(
    client, settings, beat_alive, tmp_path
):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    status, body = ready(client)
    assert status == 503 and body["checks"]["Storage"]["ok"] is False


def test_a_silent_beat_is_reported_with_its_age_but_keeps_the_web_ready(client):
    beacon_touch(name="heartbeat", at=timezone.now() - timedelta(minutes=20))
    status, body = ready(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["BeatHeartbeat"]["ok"] is False
    assert 1190 < body["beat_age_seconds"] < 1300


def test_a_beat_that_never_ran_is_reported(client):
    status, body = ready(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["beat_age_seconds"] is None
