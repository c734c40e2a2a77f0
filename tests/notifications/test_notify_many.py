"""`notify_many`: a batch of messages in a constant number of queries, writing exactly the rows
the single calls write, in the caller's transaction, queued after commit in one go."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from notifications.models import Delivery, Kind, Notification, WeComRobot
from notifications.services import (
    Message,
    notify,
    notify_many,
    notify_region,
    notify_unit,
    preferences_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(world):
    return [
        WeComRobot.objects.create(
            name="区人社局工作群", unit=world.line_unit, webhook_url="https://u.example/"
        ),
        WeComRobot.objects.create(
            name="城关街道群", region=world.street, webhook_url="https://s.example/"
        ),
    ]


def _messages(world, n: int) -> list[Message]:
    """`n` messages of every shape: people, a unit (with its robot), a region (with its robot),
    an actor left out, a link, preferences (set by the caller) and a unit without anybody."""
    shapes = [
        lambda i: Message(
            recipients=[world.handler, world.unit_head, world.handler],
            kind=Kind.ISSUE_WARNING,
            title=f"时限预警 {i}",
            body="请抓紧办理。\n第二行",
            issue_id=100 + i,
        ),
        lambda i: Message(
            unit=world.line_unit,
            kind=Kind.SUPERVISION_NOTICE,
            title=f"督办通知 {i}",
            body="请立即办理。",
            issue_id=200 + i,
            source_type="issue_event",
            source_id=300 + i,
        ),
        lambda i: Message(
            region=world.street,
            roles=[Role.DISPATCHER],
            kind=Kind.ISSUE_REGISTERED,
            title=f"新诉求 {i}",
            body="",
            link=f"/issues/{i}/",
        ),
        lambda i: Message(
            recipients=[world.dispatcher, world.liaison],
            kind=Kind.ISSUE_DISPATCHED,
            title=f"派单 {i}",
            body="请签收。",
            actor=world.dispatcher,
        ),
        lambda i: Message(
            unit=world.line_unit,
            roles=[Role.UNIT_HEAD],
            kind=Kind.ISSUE_REMINDER,
            title=f"催办 {i}",
            body="",
        ),
        lambda i: Message(unit=world.far_unit, kind=Kind.GENERIC, title=f"通知 {i}", body=""),
    ]
    return [shapes[i % len(shapes)](i) for i in range(n)]


def _call_one_by_one(message: Message) -> list[Notification]:
    common = {
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        "link": message.link,
        "issue_id": message.issue_id,
        "actor": message.actor,
        "source_type": message.source_type,
        "source_id": message.source_id,
    }
    if message.unit is not None:
        roles = {"roles": message.roles} if message.roles else {}
        return notify_unit(unit=message.unit, **roles, **common)
    if message.region is not None:
        return notify_region(region=message.region, roles=message.roles, **common)
    return notify(recipients=message.recipients, **common)


def _rows():
    notifications = list(
        Notification.objects.order_by("pk").values_list(
            "recipient_id",
            "kind",
            "title",
            "body",
            "link",
            "issue_id",
            "source_type",
            "source_id",
            "actor_id",
            "read_at",
        )
    )
    deliveries = list(
        Delivery.objects.order_by("pk").values_list(
            "notification__recipient_id",
            "notification__title",
            "robot_id",
            "channel",
            "status",
            "address",
            "subject",
            "body",
            "attempts",
        )
    )
    return notifications, deliveries


def _with_addresses(world):
    for user in (world.handler, world.unit_head, world.dispatcher, world.liaison):
        user.email = f"{user.username}@example.gov.cn"
        user.phone = "13812345678"
        user.save()
    preferences_save(actor=world.handler, user=world.handler, choices={Kind.ISSUE_WARNING: {"sms"}})


def test_the_rows_are_those_the_single_calls_write(world, robots):
    _with_addresses(world)
    messages = _messages(world, 12)
    one_by_one = [_call_one_by_one(m) for m in messages]
    expected = _rows()
    Notification.objects.all().delete()
    Delivery.objects.all().delete()

    batched = notify_many(messages=messages)

    assert _rows() == expected
    assert [[n.recipient_id for n in batch] for batch in batched] == [
        [n.recipient_id for n in batch] for batch in one_by_one
    ]
    assert Delivery.objects.filter(channel="wecom").count() == 6  # 4 unit + 2 region messages
    assert Delivery.objects.filter(channel="sms", address="13812345678").exists()


def test_the_number_of_queries_does_not_grow_with_the_number_of_messages(world, robots):
    _with_addresses(world)
    with CaptureQueriesContext(connection) as few:
        notify_many(messages=_messages(world, 6))
    with CaptureQueriesContext(connection) as many:
        # 30 messages: 35 notifications and 65 deliveries, under SQLite's bulk insert batch
        # (999 parameters); PostgreSQL inserts any number in one statement
        notify_many(messages=_messages(world, 30))
    assert len(many) == len(few)
    assert Notification.objects.count() == 7 + 35  # 7 people per 6 shapes


def test_a_batch_of_thirty_messages_takes_at_most_eight_queries(
    world, robots, django_assert_max_num_queries
):
    _with_addresses(world)
    messages = _messages(world, 30)
    # people of units and regions, robots, preferences, two inserts, one savepoint (2)
    with django_assert_max_num_queries(8):
        notify_many(messages=messages)
    assert Notification.objects.count() == 35


def test_a_batch_rolls_back_with_the_callers_transaction(world, robots):
    _with_addresses(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_many(messages=_messages(world, 12))
        assert Notification.objects.exists()
        raise RuntimeError("the causing events failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_one_bad_message_writes_nothing_of_the_batch(world):
    bad = Message(recipients=[world.handler], kind=Kind.GENERIC, title="x", body="", link="//x")
    messages = [*_messages(world, 4), bad]
    with pytest.raises(ValidationError):
        notify_many(messages=messages)
    assert not Notification.objects.exists()
    with pytest.raises(ValueError):
        notify_many(messages=[Message(recipients=[world.handler], kind="nope", title="", body="")])


def test_the_whole_batch_is_queued_by_one_callback_after_commit(
    world, robots, django_capture_on_commit_callbacks
):
    _with_addresses(world)
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            notify_many(messages=_messages(world, 12))
            assert not delay.called
        assert len(callbacks) == 1
        callbacks[0]()
    queued = [call.args[0] for call in delay.call_args_list]
    assert queued == list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_a_broker_error_stops_the_publishing_and_the_rows_stay_pending(
    world, robots, django_capture_on_commit_callbacks
):
    _with_addresses(world)
    with (
        mock.patch(
            "notifications.tasks.delivery_send_task.delay", side_effect=ConnectionError("down")
        ) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_many(messages=_messages(world, 12))
    assert delay.call_count == 1  # no connection timeout per delivery
    assert Delivery.objects.count() > 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_an_empty_batch_writes_and_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify_many(messages=[]) == []
    assert callbacks == []
