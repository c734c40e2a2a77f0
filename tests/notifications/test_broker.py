"""A broker outage never fails the user's request and loses nothing; a real worker delivers."""

import time

import pytest
from django.core import mail

from notifications.models import Delivery, Kind
from notifications.services import notify
from notifications.tasks import deliveries_retry_pending_task
from tests.notifications.conftest import UNREACHABLE_BROKER, broker


@pytest.mark.urls("tests.notifications.urls_event")
@pytest.mark.django_db(transaction=True)
def test_a_request_that_notifies_succeeds_while_the_broker_is_down_and_the_sweep_delivers_later(
    client, people, caplog
):
    from crm.celery import app

    client.force_login(people.dispatcher)
    # when: the event commits and its deliveries cannot be published
    started = time.monotonic()
    with broker(UNREACHABLE_BROKER):
        response = client.post("/event/")
    elapsed = time.monotonic() - started
    # then: the request succeeded, quickly, and the delivery waits in the outbox
    assert response.status_code == 200
    assert response.content.decode() == "派单成功"
    assert elapsed < 10
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)
    assert "broker unavailable" in caplog.text
    assert mail.outbox == []

    # when: the broker is back and the beat's sweep runs (its tasks executed in-process here)
    app.conf.task_always_eager = True
    try:
        assert deliveries_retry_pending_task() == 1
    finally:
        app.conf.task_always_eager = False
    # then: the message goes out, once
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert [m.subject for m in mail.outbox] == ["【亲清】诉求派单：新派单：招工难"]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_itself_survives_a_broker_outage(people, unreachable_broker):
    notify(recipients=[people.handler], kind=Kind.ISSUE_DISPATCHED, title="x", body="")
    assert deliveries_retry_pending_task() == 0
    assert Delivery.objects.get().status == Delivery.Status.PENDING


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_notification_email(people, settings):
    from celery.contrib.testing.worker import start_worker
    from django.db import transaction

    from crm.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        with transaction.atomic():
            notify(
                recipients=[people.handler],
                kind=Kind.ISSUE_DISPATCHED,
                title="真实投递测试",
                body="由 Celery 工作进程发送",
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Delivery.objects.filter(status=Delivery.Status.SENT).exists():
                break
            time.sleep(0.2)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT, delivery.last_error
    assert [m.subject for m in mail.outbox] == ["【亲清】诉求派单：真实投递测试"]
