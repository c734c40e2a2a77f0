"""The notifications admin: robots with their secret hidden, and a retry action for deliveries."""

from unittest import mock

import pytest
from django.urls import reverse

from notifications.models import Delivery, Kind
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_the_robot_list_hides_the_webhook_key(client, superuser, unit_robot):
    body = client.get(reverse("admin:notifications_wecomrobot_changelist")).content.decode()
    assert "区人社局工作群" in body
    assert "key=…1234" in body
    assert "unit-secret-1234" not in body


def test_retry_now_requeues_given_up_deliveries(client, superuser, people):
    notify(recipients=[people.handler], kind=Kind.ISSUE_DISPATCHED, title="x", body="")
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="gave_up", attempts=6)
    with mock.patch("notifications.tasks.delivery_send_task.delay") as delay:
        response = client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "retry_now", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    delay.assert_called_once_with(delivery.pk)


def test_the_outbox_is_read_only_in_the_admin(client, superuser, people):
    notify(recipients=[people.handler], kind=Kind.ISSUE_DISPATCHED, title="x", body="")
    delivery = Delivery.objects.get()
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    url = reverse("admin:notifications_delivery_change", args=[delivery.pk])
    client.post(url, {"status": "sent"})
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_people_without_admin_rights_cannot_reach_the_outbox(client, world):
    client.force_login(world.handler)
    response = client.get(reverse("admin:notifications_delivery_changelist"))
    assert response.status_code == 302
    assert "login" in response.url


def test_an_administrator_sends_a_test_message_to_a_robot(client, superuser, unit_robot, wecom):
    response = client.post(
        reverse("admin:notifications_wecomrobot_changelist"),
        {"action": "send_test_message", "_selected_action": [unit_robot.pk]},
        follow=True,
    )
    assert "测试消息已发送" in response.content.decode()
    [post] = wecom.posts
    assert "区人社局工作群" in post["json"]["markdown"]["content"]


def test_a_failing_test_message_is_reported(client, superuser, unit_robot, wecom):
    wecom.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    response = client.post(
        reverse("admin:notifications_wecomrobot_changelist"),
        {"action": "send_test_message", "_selected_action": [unit_robot.pk]},
        follow=True,
    )
    assert "发送失败" in response.content.decode()
    assert "93000" in response.content.decode()
