"""Sending the outbox: claim, send once, back off, give up, sweep (DESIGN §7)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery as sending
from notifications.delivery import (
    MAX_ATTEMPTS,
    backoff,
    deliveries_release_stale,
    delivery_claim,
    delivery_send,
)
from notifications.models import Delivery, Kind
from notifications.services import notify, notify_unit
from notifications.tasks import deliveries_retry_pending_task, delivery_send_task

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.fixture
def email_delivery(people):
    notify(
        recipients=[people.handler],
        kind=Kind.ISSUE_DISPATCHED,
        title="新派单：招工难",
        body="请及时签收。",
        link="/issues/7/",
    )
    return Delivery.objects.get()


def _fail_email(*args, **kwargs):
    raise ConnectionRefusedError("smtp down")


def test_it_sends_an_email_and_marks_it_sent(email_delivery):
    assert delivery_send_task(email_delivery.pk) == Status.SENT
    email_delivery.refresh_from_db()
    assert (email_delivery.status, email_delivery.attempts) == (Status.SENT, 1)
    assert email_delivery.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["handler1@example.gov.cn"]
    assert message.subject == "【亲清】诉求派单：新派单：招工难"
    assert "/issues/7/" in message.body


def test_it_sends_an_sms_through_the_configured_backend(people, sms_outbox):
    notify(recipients=[people.unit_head], kind=Kind.ESCALATION, title="提级督办", body="")
    sms = Delivery.objects.get(channel="sms")
    assert delivery_send(delivery_id=sms.pk) == Status.SENT
    assert [(m.phone, m.text[:12]) for m in sms_outbox] == [
        ("13812345678", "【亲清】提级：提级督办")
    ]


def test_the_log_backend_writes_the_sms_to_the_log_with_the_number_masked(people, settings, caplog):
    settings.QINQING_SMS_BACKEND = "notifications.sms.LogSMSBackend"
    notify(recipients=[people.unit_head], kind=Kind.ESCALATION, title="提级督办", body="")
    sms = Delivery.objects.get(channel="sms")
    with caplog.at_level("INFO", logger="notifications.sms"):
        assert delivery_send(delivery_id=sms.pk) == Status.SENT
    assert "SMS to 138****5678: 【亲清】提级：提级督办" in caplog.text


def test_it_posts_markdown_to_the_wecom_robot(world, unit_robot, wecom):
    notify_unit(unit=world.line_unit, kind=Kind.ISSUE_WARNING, title="时限预警", body="剩余 2 小时")
    robot_delivery = Delivery.objects.get(channel="wecom")
    assert delivery_send(delivery_id=robot_delivery.pk) == Status.SENT
    [post] = wecom.posts
    assert post["url"] == unit_robot.webhook_url
    assert post["timeout"] == 5
    assert post["json"]["msgtype"] == "markdown"
    assert post["json"]["markdown"]["content"].startswith("**【时限预警】时限预警**")


def test_a_wecom_error_code_is_retried(world, unit_robot, wecom):
    wecom.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    notify_unit(unit=world.line_unit, kind=Kind.GENERIC, title="x", body="")
    robot_delivery = Delivery.objects.get(channel="wecom")
    assert delivery_send(delivery_id=robot_delivery.pk) == Status.PENDING
    robot_delivery.refresh_from_db()
    assert "45009" in robot_delivery.last_error


@pytest.mark.parametrize("break_it", ["invalid_key", "deactivated"])
def test_a_dead_robot_fails_at_once_without_retries(world, unit_robot, wecom, break_it):
    notify_unit(unit=world.line_unit, kind=Kind.GENERIC, title="x", body="")
    if break_it == "invalid_key":
        wecom.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    else:
        unit_robot.is_active = False
        unit_robot.save()
    robot_delivery = Delivery.objects.get(channel="wecom")
    assert delivery_send(delivery_id=robot_delivery.pk) == Status.FAILED
    robot_delivery.refresh_from_db()
    assert (robot_delivery.status, robot_delivery.attempts) == (Status.FAILED, 1)


def test_running_the_task_twice_sends_once(email_delivery):
    assert delivery_send_task(email_delivery.pk) == Status.SENT
    assert delivery_send_task(email_delivery.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_delivery_claimed_by_another_worker_is_left_alone(email_delivery):
    # Worker A wins the conditional update; worker B's task arrives while A is sending.
    assert delivery_claim(delivery_id=email_delivery.pk) is True
    assert delivery_claim(delivery_id=email_delivery.pk) is False
    assert delivery_send(delivery_id=email_delivery.pk) == "skipped"
    assert mail.outbox == []
    email_delivery.refresh_from_db()
    assert (email_delivery.status, email_delivery.attempts) == (Status.SENDING, 1)


def test_two_sweeps_at_once_queue_it_twice_but_it_is_sent_once(email_delivery):
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        deliveries_retry_pending_task()
        deliveries_retry_pending_task()
    assert [c.args[0] for c in delay.call_args_list] == [email_delivery.pk, email_delivery.pk]
    results = [delivery_send_task(c.args[0]) for c in delay.call_args_list]
    assert sorted(results) == [Status.SENT, "skipped"]
    assert len(mail.outbox) == 1


def test_a_failed_attempt_is_retried_later_with_backoff(email_delivery):
    before = timezone.now()
    with mock.patch("notifications.delivery.send_mail", _fail_email):
        assert delivery_send(delivery_id=email_delivery.pk) == Status.PENDING
    email_delivery.refresh_from_db()
    assert (email_delivery.status, email_delivery.attempts) == (Status.PENDING, 1)
    assert "smtp down" in email_delivery.last_error
    assert email_delivery.next_attempt_at >= before + timedelta(minutes=1)
    # Not due yet: neither a task nor the sweep touches it.
    assert delivery_send(delivery_id=email_delivery.pk) == "skipped"
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        assert deliveries_retry_pending_task() == 0
    assert not delay.called
    # Once due, the next attempt goes out.
    Delivery.objects.filter(pk=email_delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_send(delivery_id=email_delivery.pk) == Status.SENT
    email_delivery.refresh_from_db()
    assert (email_delivery.attempts, email_delivery.last_error) == (2, "")
    assert len(mail.outbox) == 1


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert backoff(20) == timedelta(hours=1)


def test_it_gives_up_after_the_last_attempt(email_delivery):
    with mock.patch("notifications.delivery.send_mail", _fail_email):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            Delivery.objects.filter(pk=email_delivery.pk).update(next_attempt_at=timezone.now())
            expected = Status.GAVE_UP if attempt == MAX_ATTEMPTS else Status.PENDING
            assert delivery_send(delivery_id=email_delivery.pk) == expected
    email_delivery.refresh_from_db()
    assert (email_delivery.status, email_delivery.attempts) == (Status.GAVE_UP, MAX_ATTEMPTS)
    Delivery.objects.filter(pk=email_delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_send(delivery_id=email_delivery.pk) == "skipped"
    assert mail.outbox == []


def test_an_expired_claim_is_released_and_sent_by_the_next_sweep(email_delivery):
    assert delivery_claim(delivery_id=email_delivery.pk)  # the worker then dies
    Delivery.objects.filter(pk=email_delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    with mock.patch("notifications.tasks.delivery_send_task.delay", delivery_send_task):
        assert deliveries_retry_pending_task() == 1
    email_delivery.refresh_from_db()
    assert (email_delivery.status, email_delivery.attempts) == (Status.SENT, 2)


def test_an_expired_claim_on_the_last_attempt_is_given_up(email_delivery):
    Delivery.objects.filter(pk=email_delivery.pk).update(
        status=Status.SENDING, attempts=MAX_ATTEMPTS, next_attempt_at=timezone.now()
    )
    assert deliveries_release_stale() == 1
    email_delivery.refresh_from_db()
    assert email_delivery.status == Status.GAVE_UP


def test_a_live_claim_is_not_released(email_delivery):
    assert delivery_claim(delivery_id=email_delivery.pk)
    assert deliveries_release_stale() == 0


def test_the_sweep_queues_only_due_pending_deliveries(people):
    for i in range(3):
        notify(recipients=[people.handler], kind=Kind.ISSUE_DISPATCHED, title=f"{i}", body="")
    first, second, third = Delivery.objects.order_by("id")
    Delivery.objects.filter(pk=second.pk).update(status=Status.SENT)
    Delivery.objects.filter(pk=third.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        assert deliveries_retry_pending_task() == 1
    assert [c.args[0] for c in delay.call_args_list] == [first.pk]


def test_a_task_for_a_vanished_delivery_does_nothing(db):
    assert delivery_send_task(987654321) == "skipped"


def test_the_retry_sweep_runs_every_minute_on_the_beat():
    from crm.celery import app

    entry = app.conf.beat_schedule["notification-deliveries-retry"]
    assert entry == {
        "task": "notifications.tasks.deliveries_retry_pending_task",
        "schedule": 60.0,
    }
    assert timedelta(minutes=1) < sending.sending_lease()


def test_the_smtp_connection_is_bounded_by_a_timeout(email_delivery, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    with mock.patch("smtplib.SMTP") as smtp:
        smtp.side_effect = ConnectionRefusedError("refused")
        assert delivery_send(delivery_id=email_delivery.pk) == Status.PENDING
    assert smtp.call_args.kwargs["timeout"] == sending.EMAIL_TIMEOUT_SECONDS


def test_the_file_sms_backend_appends_one_json_line_per_message(settings, tmp_path):
    import json

    from notifications.sms import FileSMSBackend

    settings.QINQING_SMS_FILE = str(tmp_path / "sms.jsonl")
    FileSMSBackend().send(phone="13800000000", text="诉求已派单")
    FileSMSBackend().send(phone="13800000001", text="第二条\n两行")
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert [json.loads(x)["text"] for x in lines] == ["诉求已派单", "第二条\n两行"]
