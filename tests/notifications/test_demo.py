"""The demo seeder fills a few inboxes once."""

import pytest

from accounts import demo as accounts_demo
from notifications import demo
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_gives_people_notifications_once():
    accounts_demo.seed(log=lambda *_: None)
    demo.seed(log=lambda *_: None)
    count = Notification.objects.count()
    demo.seed(log=lambda *_: None)
    assert Notification.objects.count() == count
    handler_titles = set(
        Notification.objects.filter(recipient__username="handler").values_list("title", flat=True)
    )
    assert len(handler_titles) == 2
    assert Notification.objects.filter(recipient__username="dispatcher").count() == 2
