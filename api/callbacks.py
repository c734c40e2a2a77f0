"""Result callbacks (办理结果回传, DESIGN §11): when an issue that came from an external system
is resolved, closed or returned, its result is POSTed to that system's webhook.

`work_order_result_callback(issue, event)` runs inside the action's transaction (it is one
entry of the engine's declared list of what an action calls): it writes one outbox row (a
`notifications.Delivery` on the "webhook" channel) per event, and the outbox sends it after
commit with Celery — retried with backoff, given up after the outbox's limit, and resendable
from the admin. If the action rolls back, no callback exists.

The body is compact JSON; the header `X-Qinqing-Signature: sha256=<hex>` is the HMAC-SHA256 of
the exact body bytes with the integration's secret. `event_id` is unique per event: a receiver
that gets a retried delivery it already accepted can recognise it.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from issues.models import Issue, IssueEvent
from issues.workflow import State

# The target states that are reported back, and what the receiver is told.
RESULTS = {State.RESOLVED: "resolved", State.CLOSED: "closed", State.RETURNED: "returned"}
SIGNATURE_HEADER = "X-Qinqing-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and our tests do): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def payload(*, order, issue: Issue, event: IssueEvent, result: str) -> dict:
    data = event.data or {}
    return {
        "event_id": f"{order.integration.code}-{event.pk}",
        "event": result,
        "at": event.at.isoformat(),
        "工单编号": order.order_no,
        "issue_id": issue.pk,
        "issue_number": issue.number,
        "state": issue.state,
        "state_label": str(State(issue.state).label),
        "outcome": issue.outcome or None,
        "outcome_label": str(issue.get_outcome_display()) if issue.outcome else None,
        "reply": issue.reply or None,
        "satisfaction": issue.satisfaction or None,
        "reason": data.get("reason") or None,
        "unit": issue.lead_unit.name if issue.lead_unit_id else None,
    }


def work_order_result_callback(issue: Issue, event: IssueEvent) -> None:
    """Write the callback of `event` to the outbox if it moved an external issue into a
    reported state and its integration has a webhook. Costs no query for other issues."""
    result = RESULTS.get(event.to_state)
    if result is None or event.to_state == event.from_state or not issue.external_ref:
        return
    from api.models import WorkOrder
    from notifications.models import Channel, Delivery
    from notifications.outbox import publish_on_commit

    order = WorkOrder.objects.select_related("integration").filter(issue_id=issue.pk).first()
    if order is None:
        return
    integration = order.integration
    if not integration.is_active or not integration.webhook_url:
        return
    body = json.dumps(
        payload(order=order, issue=issue, event=event, result=result),
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    delivery = Delivery.objects.create(
        channel=Channel.WEBHOOK,
        address=integration.webhook_url,
        subject=f"{order} {result}",
        body=body,
        headers={
            SIGNATURE_HEADER: sign(integration.secret, body.encode("utf-8")),
            "X-Qinqing-Event": result,
            "X-Qinqing-Event-Id": f"{integration.code}-{event.pk}",
        },
    )
    publish_on_commit([delivery.pk])
