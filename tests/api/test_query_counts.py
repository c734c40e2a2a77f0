"""Every list endpoint answers 2 rows and 30 rows with the same number of queries (and a small
one). Each entry makes `n` rows the viewer sees, and says who views them."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Region
from api.tokens import token_issue
from api.urls import router
from enterprises.models import Contact, LiaisonAssignment, Tag
from issues.models import Category, Issue
from issues.services import issue_register, issue_transition
from notifications.models import Notification
from tests.factories import AssignmentFactory, EnterpriseFactory, UnitFactory, make_region
from tests.visits.conftest import make_visit

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _issues(w, cats, n):
    return [
        issue_register(
            actor=w.liaison,
            enterprise=w.ent_a,
            source=Issue.Source.VISIT,
            category=cats.plain,
            title=f"诉求{i}",
            description="企业反映的问题。",
        )
        for i in range(n)
    ]


def _enterprises(w, cats, n, state):
    tag, _ = Tag.objects.get_or_create(name="专精特新")
    for _ in range(n):
        e = EnterpriseFactory(region=w.street)
        e.tags.add(tag)
        AssignmentFactory(enterprise=e, person=w.liaison, kind="liaison")
    return "/api/v1/enterprises/", w.dispatcher


def _visits(w, cats, n, state):
    for i in range(n):
        make_visit(w.ent_a, w.liaison, happened_at=None, others=[w.resp_leader] if i % 2 else [])
    return "/api/v1/visits/", w.dispatcher


def _issue_list(w, cats, n, state):
    _issues(w, cats, n)
    return "/api/v1/issues/", w.dispatcher


def _categories(w, cats, n, state):
    for i in range(state.setdefault("done", 0), state["done"] + n):
        Category.objects.create(code=f"t.c{i}", name=f"分类{i}", parent=cats.parent)
    state["done"] += n
    return "/api/v1/categories/", w.liaison


def _units(w, cats, n, state):
    for _ in range(n):
        UnitFactory(region=w.district)
    return "/api/v1/units/", w.dispatcher


def _regions(w, cats, n, state):
    for i in range(state.setdefault("done", 0), state["done"] + n):
        make_region(f"街道{i}", f"420102{100 + i}", Region.Kind.STREET, w.district)
    state["done"] += n
    return "/api/v1/regions/", w.dispatcher


def _notifications(w, cats, n, state):
    for i in range(n):
        Notification.objects.create(recipient=w.handler, kind="generic", title=f"消息{i}")
    return "/api/v1/notifications/", w.handler


def _tokens(w, cats, n, state):
    for i in range(n):
        token_issue(actor=w.handler, user=w.handler, name=f"令牌{i}")
    return "/api/v1/tokens/", w.handler


def _contacts(w, cats, n, state):
    for i in range(n):
        Contact.objects.create(enterprise=w.ent_a, name=f"联系人{i}", phone="13912345678")
    return f"/api/v1/enterprises/{w.ent_a.pk}/contacts/", w.dispatcher


def _assignments(w, cats, n, state):
    for i in range(n):
        LiaisonAssignment.objects.create(
            enterprise=w.ent_a,
            person=w.deputy,
            kind="liaison",
            started_on=date(2020, 1, 1),
            ended_on=date(2020, 1, 2 + i % 20),
        )
    return f"/api/v1/enterprises/{w.ent_a.pk}/assignments/", w.dispatcher


def _comments(w, cats, n, state):
    issue = state.get("issue") or state.setdefault("issue", _issues(w, cats, 1)[0])
    for i in range(n):
        who = w.liaison if i % 2 else w.dispatcher
        issue_transition(actor=who, issue_id=issue.pk, action="comment", text=f"留言{i}")
    return f"/api/v1/issues/{issue.pk}/comments/", w.dispatcher


def _attachments(w, cats, n, state):
    issue = state.get("issue") or state.setdefault("issue", _issues(w, cats, 1)[0])
    for i in range(n):
        upload = SimpleUploadedFile(f"材料{i}.pdf", PDF, content_type="application/pdf")
        issue_transition(actor=w.liaison, issue_id=issue.pk, action="attach", file=upload)
    return f"/api/v1/issues/{issue.pk}/attachments/", w.dispatcher


LISTS = {
    "enterprise-list": _enterprises,
    "visit-list": _visits,
    "issue-list": _issue_list,
    "category-list": _categories,
    "unit-list": _units,
    "region-list": _regions,
    "notification-list": _notifications,
    "token-list": _tokens,
    "enterprise-contacts": _contacts,
    "enterprise-assignments": _assignments,
    "issue-comments": _comments,
    "issue-attachments": _attachments,
}
MAX_QUERIES = 14


def test_every_list_route_of_the_router_is_measured():
    """A new list endpoint must be added to LISTS (GET routes that answer many rows)."""
    names = {url.name for url in router.urls}
    lists = {n for n in names if n.endswith("-list")}
    assert lists <= set(LISTS), f"measure these lists too: {lists - set(LISTS)}"
    assert set(LISTS) <= names


def _count(api_as, url, viewer) -> tuple[int, int]:
    client = api_as(viewer)
    client.get(url)  # warm: the token's last_used_at write happens on the first call
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    rows = body["results"] if isinstance(body, dict) else body
    return len(ctx.captured_queries), len(rows)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_costs_the_same_queries_for_2_and_30_rows(name, world, cats, api_as):
    state = {}
    url, viewer = LISTS[name](world, cats, 2, state)
    small, small_rows = _count(api_as, url, viewer)
    LISTS[name](world, cats, 28, state)
    big, big_rows = _count(api_as, url, viewer)

    assert big_rows >= small_rows + 28
    assert big == small, f"{name}: {small} queries for {small_rows} rows, {big} for {big_rows}"
    assert big <= MAX_QUERIES
