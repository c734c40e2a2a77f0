"""`notify` and friends: rows in the caller's transaction, channels by preference, after-commit
queueing (DESIGN §7)."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from accounts.models import Role
from notifications.models import Channel, Delivery, Kind, Notification, WeComRobot
from notifications.services import notify, notify_region, notify_unit, preferences_save

pytestmark = pytest.mark.django_db


def _notify(recipients, **kwargs):
    options = {"kind": Kind.ISSUE_DISPATCHED, "title": "新派单：招工难", "body": "请及时签收。"}
    return notify(recipients=recipients, **(options | kwargs))


def test_it_writes_one_notification_per_recipient_and_an_email_by_default(people):
    created = _notify([people.handler, people.unit_head], link="/issues/7/", issue_id=7)
    assert {n.recipient for n in created} == {people.handler, people.unit_head}
    n = Notification.objects.get(recipient=people.handler)
    assert (n.kind, n.title, n.link, n.issue_id, n.read_at) == (
        "issue_dispatched",
        "新派单：招工难",
        "/issues/7/",
        7,
        None,
    )
    assert (n.source_type, n.source_id) == ("issue", "7")
    deliveries = Delivery.objects.filter(notification=n)
    assert [(d.channel, d.address, d.status) for d in deliveries] == [
        ("email", "handler1@example.gov.cn", "pending")
    ]


def test_urgent_kinds_also_go_by_sms_by_default(people):
    _notify([people.unit_head], kind=Kind.SUPERVISION_NOTICE)
    channels = set(Delivery.objects.values_list("channel", flat=True))
    assert channels == {Channel.EMAIL, Channel.SMS}


def test_a_person_without_an_address_gets_the_inbox_only(world):
    _notify([world.handler], kind=Kind.ESCALATION)
    assert Notification.objects.filter(recipient=world.handler).count() == 1
    assert not Delivery.objects.exists()


def test_preferences_choose_the_channels(people):
    preferences_save(
        actor=people.handler,
        user=people.handler,
        choices={Kind.ISSUE_DISPATCHED: {Channel.SMS}},
    )
    _notify([people.handler])
    assert list(Delivery.objects.values_list("channel", "address")) == [("sms", "13812345678")]


def test_duplicates_inactive_people_and_the_actor_are_left_out(people):
    people.liaison.is_active = False
    people.liaison.save()
    created = _notify(
        [people.handler, people.handler, people.liaison, people.dispatcher], actor=people.dispatcher
    )
    assert [n.recipient for n in created] == [people.handler]
    assert created[0].actor == people.dispatcher


def test_the_actor_can_be_included_on_purpose(people):
    created = notify(
        recipients=[people.dispatcher],
        kind=Kind.GENERIC,
        title="导出已完成",
        body="",
        actor=people.dispatcher,
        include_actor=True,
    )
    assert len(created) == 1


def test_notifications_roll_back_with_the_callers_transaction(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify([people.handler])
        raise RuntimeError("the causing event failed")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_the_send_tasks_are_queued_only_after_commit(people, django_capture_on_commit_callbacks):
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            _notify([people.handler, people.unit_head], kind=Kind.SUPERVISION_NOTICE)
            assert not delay.called
        assert len(callbacks) == 1
        callbacks[0]()
    ids = sorted(call.args[0] for call in delay.call_args_list)
    assert ids == sorted(Delivery.objects.values_list("id", flat=True))
    assert len(ids) == 4


def test_nothing_is_queued_when_the_transaction_rolls_back(
    people, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([people.handler])
        raise RuntimeError
    assert callbacks == []


def test_an_unknown_kind_is_refused(people):
    with pytest.raises(ValueError):
        _notify([people.handler], kind="made_up")


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "issues/1"])
def test_links_must_stay_inside_the_product(people, link):
    with pytest.raises(ValidationError):
        _notify([people.handler], link=link)
    assert not Notification.objects.exists()


def test_messages_are_written_in_chinese_with_an_absolute_link(people, settings):
    settings.QINQING_SITE_URL = "https://qq.example.gov.cn"
    with translation.override("en"):
        _notify([people.handler], link="/issues/7/")
    email = Delivery.objects.get(channel="email")
    assert email.subject == "【亲清】诉求派单：新派单：招工难"
    assert "请及时签收。" in email.body
    assert "查看详情：https://qq.example.gov.cn/issues/7/" in email.body


def test_notify_unit_reaches_its_handlers_and_head_and_each_robot_once(people, unit_robot, world):
    WeComRobot.objects.create(
        name="停用的群", unit=world.line_unit, webhook_url="https://x.example/", is_active=False
    )
    WeComRobot.objects.create(
        name="街道群", unit=world.street_unit, webhook_url="https://y.example/"
    )
    created = notify_unit(
        unit=world.line_unit, kind=Kind.ISSUE_DISPATCHED, title="新派单", body="请签收", link="/"
    )
    assert {n.recipient for n in created} == {world.handler, world.unit_head}
    robot_rows = Delivery.objects.filter(channel=Channel.WECOM)
    assert [(d.robot, d.status) for d in robot_rows] == [(unit_robot, "pending")]
    assert "**【诉求派单】新派单**" in robot_rows[0].body
    assert "> 请签收" in robot_rows[0].body


def test_notify_unit_with_roles_reaches_only_those_roles(people, world):
    created = notify_unit(
        unit=world.line_unit,
        roles=[Role.UNIT_HEAD],
        kind=Kind.ISSUE_REMINDER,
        title="催办",
        body="",
    )
    assert [n.recipient for n in created] == [world.unit_head]


def test_a_unit_without_accounts_still_gets_its_robot_message(world):
    robot = WeComRobot.objects.create(
        name="江北群", unit=world.far_unit, webhook_url="https://z.example/"
    )
    assert notify_unit(unit=world.far_unit, kind=Kind.GENERIC, title="通知", body="") == []
    delivery = Delivery.objects.get()
    assert (delivery.robot, delivery.notification) == (robot, None)


def test_notify_region_reaches_people_whose_jurisdiction_covers_it(world):
    robot = WeComRobot.objects.create(
        name="城关街道群", region=world.street, webhook_url="https://s.example/"
    )
    WeComRobot.objects.create(
        name="区级群", region=world.district, webhook_url="https://d.example/"
    )
    created = notify_region(
        region=world.street,
        roles=[Role.DISPATCHER],
        kind=Kind.ISSUE_REGISTERED,
        title="新诉求待派单",
        body="",
    )
    # The district dispatcher covers the street; the park-only deputy and 江北 do not.
    assert [n.recipient for n in created] == [world.dispatcher]
    assert list(Delivery.objects.values_list("robot", flat=True)) == [robot.pk]


def test_a_robot_names_a_unit_or_a_region_not_both(world):
    robot = WeComRobot(
        name="x", unit=world.line_unit, region=world.street, webhook_url="https://a.b/"
    )
    with pytest.raises(ValidationError):
        robot.full_clean()
    assert WeComRobot(name="x", webhook_url="https://a.b/?key=abcdef").masked_url.endswith("…cdef")


def test_the_target_is_the_link_or_nothing_when_the_issue_page_does_not_exist(people):
    from django.urls import NoReverseMatch, reverse

    try:
        issue_page = reverse("issues:detail", args=[99])
    except NoReverseMatch:
        issue_page = ""
    [n] = _notify([people.handler], issue_id=99)
    assert n.target_url == issue_page
    [n] = _notify([people.handler], issue_id=99, link="/x/")
    assert n.target_url == "/x/"
