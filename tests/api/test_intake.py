"""12345 work-order intake: an integration account files work orders as issues, idempotently by
工单编号. Runs on whatever database the suite runs on (PostgreSQL in CI); the race of two
deliveries of the same order needs real concurrency and runs on PostgreSQL only."""

import threading

import pytest
from django.db import connection

from api.models import WorkOrder
from issues.models import Issue, IssueEvent
from tests.factories import credit_code


def _order(world, **extra):
    return {
        "工单编号": "GD20261129000123",
        "来电人": "陈先生",
        "诉求内容": "厂区门口道路积水严重，影响货车进出。\n已持续一周。",
        "要求办结时间": "2026-12-05T17:30:00+08:00",
        "企业统一社会信用代码": world.ent_a.credit_code,
        **extra,
    }


def test_a_work_order_becomes_an_issue_with_its_fields_mapped(world, hotline):
    answer = hotline.client.post("/api/v1/work-orders/", _order(world), format="json")

    assert answer.status_code == 201, answer.content
    issue = Issue.objects.get(pk=answer.json()["issue_id"])
    assert answer.json() == {
        "work_order_no": "GD20261129000123",
        "issue_id": issue.pk,
        "issue_number": issue.number,
        "state": "new",
        "created": True,
    }
    assert issue.source == "hotline_12345" and issue.registered_via == "api"
    assert issue.external_ref == "jc12345:GD20261129000123"
    assert issue.title == "厂区门口道路积水严重，影响货车进出。"
    assert "来电人：陈先生" in issue.description
    assert "要求办结时间：2026-12-05 17:30" in issue.description
    assert (
        issue.enterprise == world.ent_a and issue.category == hotline.integration.default_category
    )
    order = WorkOrder.objects.get()
    assert (order.issue, order.caller) == (issue, "陈先生")
    assert order.required_by.isoformat() == "2026-12-05T09:30:00+00:00"


def test_a_retried_work_order_returns_the_same_issue_with_200(world, hotline):
    first = hotline.client.post("/api/v1/work-orders/", _order(world), format="json")
    events = IssueEvent.objects.count()

    again = hotline.client.post("/api/v1/work-orders/", _order(world), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["issue_id"] == first.json()["issue_id"]
    assert again.json()["created"] is False
    assert Issue.objects.count() == 1 and WorkOrder.objects.count() == 1
    assert IssueEvent.objects.count() == events


def test_another_order_number_is_another_issue(world, hotline):
    hotline.client.post("/api/v1/work-orders/", _order(world), format="json")

    other = hotline.client.post(
        "/api/v1/work-orders/", _order(world, 工单编号="GD2"), format="json"
    )

    assert other.status_code == 201
    assert Issue.objects.count() == 2


def test_only_an_integration_account_files_work_orders(world, api_as):
    answer = api_as(world.dispatcher).post("/api/v1/work-orders/", _order(world), format="json")

    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "仅对接系统的接口账号可以提交工单。"
    assert not Issue.objects.exists()


def test_an_enterprise_outside_the_integrations_region_is_refused(world, hotline):
    code = world.ent_far.credit_code

    answer = hotline.client.post(
        "/api/v1/work-orders/", _order(world, 企业统一社会信用代码=code), format="json"
    )

    assert answer.status_code == 400
    assert "不在本系统受理范围内" in answer.json()["error"]["message"]
    assert not Issue.objects.exists() and not WorkOrder.objects.exists()


def test_an_unknown_enterprise_and_missing_fields_are_400_in_chinese(world, hotline):
    unknown = hotline.client.post(
        "/api/v1/work-orders/", _order(world, 企业统一社会信用代码=credit_code(999)), format="json"
    )
    missing = hotline.client.post("/api/v1/work-orders/", {"工单编号": "X"}, format="json")

    assert unknown.status_code == 400 and "未找到" in unknown.json()["error"]["message"]
    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"诉求内容", "企业统一社会信用代码"}
    assert not Issue.objects.exists()


def test_an_inactive_integration_files_nothing(world, hotline):
    hotline.integration.is_active = False
    hotline.integration.save()

    answer = hotline.client.post("/api/v1/work-orders/", _order(world), format="json")

    assert answer.status_code == 403
    assert not Issue.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_deliveries_of_the_same_order_at_once_make_one_issue(world, hotline):
    from rest_framework.test import APIClient

    barrier = threading.Barrier(2)
    answers = []

    def deliver():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {hotline.key}")
        barrier.wait()
        try:
            answers.append(client.post("/api/v1/work-orders/", _order(world), format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.json()["issue_id"] for a in answers}) == 1
    assert Issue.objects.count() == 1 and WorkOrder.objects.count() == 1
