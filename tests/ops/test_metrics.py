"""/metrics: the product's gauges an operator watches, for allowed scrapers only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.tasks import heartbeat_task
from notifications.models import Delivery
from ops.beacons import beacon_touch

pytestmark = pytest.mark.django_db


def scrape(client, addr="127.0.0.1"):
    response = client.get("/metrics", REMOTE_ADDR=addr)
    return response.status_code, response.content.decode()


def sample(text, name):
    return [line for line in text.splitlines() if line.startswith(name)]


def test_the_outbox_backlog_and_its_oldest_age_are_exposed(client):
    old = timezone.now() - timedelta(minutes=10)
    Delivery.objects.create(channel="sms", address="13800000000", body="a", created_at=old)
    Delivery.objects.create(channel="sms", address="13800000001", body="b")
    Delivery.objects.create(channel="email", address="a@b.cn", body="c", status="sent")
    Delivery.objects.create(channel="email", address="a@b.cn", body="d", status="gave_up")

    status, text = scrape(client)

    assert status == 200
    assert 'qinqing_outbox_pending_deliveries{channel="sms"} 2.0' in text
    assert 'qinqing_outbox_pending_deliveries{channel="email"} 0.0' in text
    (oldest,) = sample(text, "qinqing_outbox_oldest_pending_seconds ")
    assert 595 < float(oldest.split()[-1]) < 700
    assert "qinqing_outbox_gave_up_deliveries 1.0" in text


def test_the_time_since_each_periodic_job_is_exposed(client):
    heartbeat_task()
    beacon_touch(name="supervision_sweep", at=timezone.now() - timedelta(minutes=7))

    _status, text = scrape(client)

    (sweep,) = sample(text, 'qinqing_seconds_since_last_run{job="supervision_sweep"}')
    assert 415 < float(sweep.split()[-1]) < 500
    assert sample(text, 'qinqing_seconds_since_last_run{job="heartbeat"}')
    assert not sample(text, 'qinqing_seconds_since_last_run{job="delivery_retry"}')


def test_the_sweep_tasks_touch_their_beacons(client):
    from issues.tasks import issues_supervision_sweep_task
    from notifications.tasks import deliveries_retry_pending_task

    issues_supervision_sweep_task.apply()
    deliveries_retry_pending_task.apply()

    _status, text = scrape(client)
    assert sample(text, 'qinqing_seconds_since_last_run{job="supervision_sweep"}')
    assert sample(text, 'qinqing_seconds_since_last_run{job="delivery_retry"}')


def test_request_metrics_of_the_process_are_exposed_too(client):
    client.get("/health/")
    _status, text = scrape(client)
    assert "django_http_requests_total_by_method_total" in text


def test_a_scraper_outside_the_allowed_addresses_gets_404(client):
    status, _text = scrape(client, addr="10.0.0.9")
    assert status == 404
