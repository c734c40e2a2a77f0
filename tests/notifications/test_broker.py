"""A broker outage never fails the user's request and loses nothing; a real worker delivers."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from issues.models import Category, Issue
from notifications.models import Delivery, Kind
from notifications.services import notify
from notifications.tasks import deliveries_retry_pending_task
from tests.notifications.conftest import UNREACHABLE_BROKER, broker


@pytest.mark.django_db(transaction=True)
def test_registering_and_dispatching_succeed_while_the_broker_is_down_and_the_sweep_delivers_later(
    client, people, caplog
):
    from crm.celery import app

    category = Category.objects.create(code="t.plain", name="普通分类")
    # when: the liaison registers on the real page, then the dispatcher dispatches on the issue
    # page — each request commits its notifications and cannot publish their deliveries
    client.force_login(people.liaison)
    started = time.monotonic()
    with broker(UNREACHABLE_BROKER):
        registered = client.post(
            reverse("issues:register"),
            {
                "enterprise": people.ent_a.pk,
                "category": category.pk,
                "title": "招工难",
                "description": "需要招聘熟练焊工 30 名。",
                "priority": "normal",
                "source": "visit",
            },
        )
        issue = Issue.objects.get()
        client.force_login(people.dispatcher)
        dispatched = client.post(
            reverse("issues:action", args=[issue.pk, "dispatch"]),
            {"dispatch-lead_unit": people.line_unit.pk},
        )
    elapsed = time.monotonic() - started
    # then: both requests succeeded, quickly, and the deliveries wait in the outbox
    assert (registered.status_code, registered.url) == (302, issue.get_absolute_url())
    assert dispatched.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "dispatched"
    assert elapsed < 20
    pending = {
        (d.notification.recipient.username, d.notification.kind)
        for d in Delivery.objects.select_related("notification__recipient")
    }
    assert pending == {
        ("dispatcher1", "issue_registered"),
        ("handler1", "issue_dispatched"),
        ("unithead1", "issue_dispatched"),
        ("liaison1", "issue_dispatched"),
    }
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.PENDING, 0)}
    assert "broker unavailable" in caplog.text
    assert mail.outbox == []

    # when: the broker is back and the beat's sweep runs (its tasks executed in-process here),
    # twice
    app.conf.task_always_eager = True
    try:
        assert deliveries_retry_pending_task() == 4
        assert deliveries_retry_pending_task() == 0
    finally:
        app.conf.task_always_eager = False
    # then: each message went out exactly once
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.SENT, 1)}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dispatcher1@example.gov.cn",
        "handler1@example.gov.cn",
        "liaison1@example.gov.cn",
        "unithead1@example.gov.cn",
    ]
    assert f"【亲清】诉求派单：新派单：{issue.number}「招工难」" in {m.subject for m in mail.outbox}


@pytest.mark.django_db(transaction=True)
def test_the_sweep_itself_survives_a_broker_outage(people, unreachable_broker):
    notify(recipients=[people.handler], kind=Kind.ISSUE_DISPATCHED, title="x", body="")
    assert deliveries_retry_pending_task() == 0
    assert Delivery.objects.get().status == Delivery.Status.PENDING


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_notification_email(people, settings, real_worker):
    from django.db import transaction

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
