"""Result callbacks (办理结果回传): when an issue that came from 12345 is resolved, closed or
returned, one signed JSON is written to the outbox in the action's transaction and POSTed to
the integration's webhook — retried with backoff after a failure, given up after the limit,
resendable from the admin. A local receiver checks every signature and counts what it accepts.

Runs on whatever database and broker the suite runs on (PostgreSQL and Redis in CI); the
`worker` test drives a real Celery worker through the configured broker."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from api.callbacks import SIGNATURE_HEADER, verify
from issues.services import WorkflowError, issue_transition
from notifications.delivery import MAX_ATTEMPTS, delivery_send
from notifications.models import Delivery
from notifications.tasks import deliveries_retry_pending_task


class Receiver:
    """A local HTTP endpoint standing in for the 12345 system. `fail_next` answers 500 that many
    times; every request is recorded with whether its signature is right."""

    def __init__(self, secret: str):
        self.secret = secret
        self.requests: list[dict] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = verify(receiver.secret, body, self.headers.get(SIGNATURE_HEADER, ""))
                failing = receiver.fail_next > 0
                receiver.fail_next -= 1 if failing else 0
                receiver.requests.append(
                    {"json": json.loads(body), "signed": ok, "accepted": ok and not failing}
                )
                self.send_response(500 if failing or not ok else 200)
                self.end_headers()
                self.wfile.write(b'{"code":0}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/12345/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted(self) -> list[tuple[str, str]]:
        return [(r["json"]["event"], r["json"]["event_id"]) for r in self.requests if r["accepted"]]


@pytest.fixture
def receiver(hotline):
    r = Receiver(hotline.integration.secret)
    hotline.integration.webhook_url = r.url
    hotline.integration.save()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def order(world, hotline):
    answer = hotline.client.post(
        "/api/v1/work-orders/",
        {
            "工单编号": "GD20261129000777",
            "来电人": "陈先生",
            "诉求内容": "厂区门口道路积水。",
            "企业统一社会信用代码": world.ent_a.credit_code,
        },
        format="json",
    )
    assert answer.status_code == 201
    return answer.json()["issue_id"]


def _act(world, issue_id, *steps):
    for who, action, data in steps:
        issue_transition(actor=getattr(world, who), issue_id=issue_id, action=action, **data)


ACK = ("handler", "acknowledge", {})
RESOLVE = ("handler", "resolve", {"outcome": "solved", "reply": "已疏通排水管道。"})
REVISIT = ("liaison", "revisit", {"satisfaction": "satisfied"})


def _webhooks():
    return list(Delivery.objects.filter(channel="webhook").order_by("pk"))


def _send_due():
    """What the Celery task and the beat's retry sweep do, run here in the test's thread."""
    for delivery in Delivery.objects.filter(channel="webhook", status="pending"):
        if delivery.next_attempt_at <= timezone.now():
            delivery_send(delivery_id=delivery.pk)


def _make_due():
    Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())


@pytest.fixture
def dispatch_to(world):
    return ("dispatcher", "dispatch", {"lead_unit": world.line_unit})


def test_resolving_a_work_order_writes_one_signed_callback(world, order, receiver, dispatch_to):
    _act(world, order, dispatch_to, ACK)
    assert _webhooks() == []  # dispatch and acknowledge are not reported

    _act(world, order, RESOLVE)

    [delivery] = _webhooks()
    body = json.loads(delivery.body)
    assert body["event"] == "resolved" and body["工单编号"] == "GD20261129000777"
    assert (body["outcome"], body["reply"]) == ("solved", "已疏通排水管道。")
    assert verify("s3cret-for-tests", delivery.body.encode(), delivery.headers[SIGNATURE_HEADER])
    assert delivery.address == receiver.url


def test_exactly_one_callback_per_event_even_after_a_failure_and_a_retry(
    world, order, receiver, dispatch_to
):
    _act(world, order, dispatch_to, ACK, RESOLVE)
    receiver.fail_next = 1

    _send_due()  # the receiver answers 500: the delivery waits for its retry
    [delivery] = _webhooks()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)  # backoff
    _send_due()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    _make_due()
    _send_due()  # the retry goes through
    _send_due()  # and a late duplicate task finds nothing to do

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(receiver.requests) == 2 and all(r["signed"] for r in receiver.requests)
    assert receiver.accepted() == [("resolved", json.loads(delivery.body)["event_id"])]

    _act(world, order, REVISIT)
    _send_due()
    assert [event for event, _id in receiver.accepted()] == ["resolved", "closed"]
    assert len({event_id for _e, event_id in receiver.accepted()}) == 2


def test_a_return_is_reported(world, order, receiver, dispatch_to):
    _act(world, order, dispatch_to, ("handler", "return", {"reason": "不属于本单位职责。"}))
    _send_due()

    [request] = receiver.requests
    assert request["json"]["event"] == "returned"
    assert request["json"]["reason"] == "不属于本单位职责。"


def test_a_rolled_back_action_leaves_no_callback(world, order, receiver, dispatch_to):
    _act(world, order, dispatch_to, ACK)

    with pytest.raises(WorkflowError), transaction.atomic():
        _act(world, order, RESOLVE)
        raise WorkflowError("模拟后续失败")

    assert _webhooks() == []


def test_issues_not_from_an_integration_call_nobody(world, make_issue, receiver):
    make_issue("closed")

    assert _webhooks() == []


def test_a_callback_is_given_up_after_the_limit_and_resent_from_the_admin(
    world, order, receiver, dispatch_to, admin_client
):
    _act(world, order, dispatch_to, ACK, RESOLVE)
    receiver.fail_next = MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        _make_due()
        _send_due()
    [delivery] = _webhooks()
    assert (delivery.status, delivery.attempts) == ("gave_up", MAX_ATTEMPTS)

    page = admin_client.get(f"/django-admin/notifications/delivery/{delivery.pk}/change/")
    assert "重新发送" in page.content.decode()
    admin_client.post(f"/django-admin/notifications/delivery/{delivery.pk}/resend/")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    _send_due()

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert [event for event, _id in receiver.accepted()] == ["resolved"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_callback_and_retries_it_through_the_broker(
    world, hotline, cats, settings, real_worker
):
    receiver = Receiver(hotline.integration.secret)
    hotline.integration.webhook_url = receiver.url
    hotline.integration.save()
    receiver.fail_next = 1
    issue_id = hotline.client.post(
        "/api/v1/work-orders/",
        {
            "工单编号": "GD-W-1",
            "诉求内容": "路灯不亮。",
            "企业统一社会信用代码": world.ent_a.credit_code,
        },
        format="json",
    ).json()["issue_id"]
    try:
        _act(world, issue_id, ("dispatcher", "dispatch", {"lead_unit": world.line_unit}), ACK)
        _act(world, issue_id, RESOLVE)  # commits: the outbox row is published to the broker
        _wait_for(lambda: len(receiver.requests) == 1)
        _wait_for(lambda: Delivery.objects.get(channel="webhook").status == "pending")
        _make_due()
        deliveries_retry_pending_task()  # the beat's sweep re-publishes the due delivery
        _wait_for(lambda: Delivery.objects.get(channel="webhook").status == "sent")
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()

    assert [event for event, _id in receiver.accepted()] == ["resolved"]
    assert len(receiver.requests) == 2 and all(r["signed"] for r in receiver.requests)


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")
