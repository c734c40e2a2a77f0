"""Fixtures for the notification tests: in-memory SMS, a mocked WeCom endpoint, a broker that
cannot be reached, and a few ready-made notifications."""

import json
from contextlib import contextmanager
from unittest import mock

import pytest

from notifications.models import Kind, WeComRobot
from notifications.services import notify
from notifications.sms import LocmemSMSBackend


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.QINQING_SMS_BACKEND = "notifications.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    yield LocmemSMSBackend.outbox
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def people(world):
    """The world's people with the addresses external channels need."""
    for user in (world.handler, world.unit_head, world.dispatcher, world.liaison):
        user.email = f"{user.username}@example.gov.cn"
        user.phone = "13812345678"
        user.save()
    return world


class FakeWeCom:
    """Stands in for urllib.request.urlopen: records posts, answers like WeCom."""

    def __init__(self):
        self.posts = []
        self.answer = {"errcode": 0, "errmsg": "ok"}

    def __call__(self, request, timeout=None):
        self.posts.append(
            {"url": request.full_url, "json": json.loads(request.data), "timeout": timeout}
        )
        body = self.answer if isinstance(self.answer, bytes) else json.dumps(self.answer).encode()
        response = mock.MagicMock()
        response.__enter__.return_value.read.return_value = body
        return response


@pytest.fixture
def wecom():
    fake = FakeWeCom()
    with mock.patch("notifications.wecom.urllib.request.urlopen", fake):
        yield fake


@pytest.fixture
def unit_robot(world):
    return WeComRobot.objects.create(
        name="区人社局工作群",
        unit=world.line_unit,
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=unit-secret-1234",
    )


@pytest.fixture(autouse=True)
def celery_app_state():
    """Leave the Celery app as we found it: publishing caches the result backend on the app,
    which other tests configure for themselves."""
    from crm.celery import app

    yield app
    app._backend_cache = None  # rebuilt from the configuration on next use
    vars(app._local).pop("backend", None)


@contextmanager
def broker(url: str | None):
    """Publish to another broker for the duration of the block (the write URL takes precedence
    over CELERY_BROKER_URL, which Celery otherwise reads from the environment)."""
    from crm.celery import app

    saved = app.conf.get("broker_write_url")

    def switch(to):
        app.conf.broker_write_url = to
        app._pool = None
        app.amqp._producer_pool = None

    switch(url)
    try:
        yield app
    finally:
        switch(saved)


UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker():
    with broker(UNREACHABLE_BROKER) as app:
        yield app


@pytest.fixture
def make_notifications(world):
    def make(user, n, **kwargs):
        created = []
        for i in range(n):
            created += notify(
                recipients=[user],
                kind=kwargs.get("kind", Kind.ISSUE_DISPATCHED),
                title=f"{kwargs.get('title', '测试消息')}{i}",
                body="正文",
                link=kwargs.get("link", "/"),
            )
        return created

    return make
