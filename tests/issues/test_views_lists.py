"""The issue list (filters, pagination, export) and the enterprise's needs list."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crm.lib.pagination import CappedPaginator
from issues.filters import IssueFilter
from issues.models import Issue
from issues.page_selectors import (
    filtered_issues,
    issue_list_parts,
    issue_list_rows,
    issue_list_rows_by_id,
)

pytestmark = pytest.mark.django_db

LIST = reverse("issues:list")
EXPORT = reverse("issues:export")


def sheet_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(BytesIO(content), read_only=True)
    return list(wb.active.iter_rows(values_only=True))


def test_the_list_shows_only_issues_the_person_may_see(client, world, make_issue):
    mine = make_issue("in_progress", title="人社局在办")
    new = make_issue("new", title="尚未派单")
    client.force_login(world.handler)
    html = client.get(LIST).content.decode()
    assert mine.title in html
    assert new.title not in html
    client.force_login(world.far_dispatcher)
    html = client.get(LIST).content.decode()
    assert mine.title not in html and new.title not in html


def test_the_list_filters_by_state_and_search(client, world, make_issue):
    make_issue("new", title="焊工招聘")
    make_issue("in_progress", title="用电增容")
    client.force_login(world.dispatcher)
    html = client.get(LIST, {"state": "in_progress"}).content.decode()
    assert "用电增容" in html and "焊工招聘" not in html
    html = client.get(LIST, {"q": "焊工"}).content.decode()
    assert "焊工招聘" in html and "用电增容" not in html


def test_the_list_paginates_with_a_constant_number_of_queries(
    client, world, make_issue, django_assert_max_num_queries
):
    make_issue("in_progress")
    client.force_login(world.dispatcher)
    client.get(LIST)
    with django_assert_max_num_queries(30) as ctx:
        client.get(LIST)
    baseline = len(ctx.captured_queries)
    for n in range(6):
        make_issue("in_progress" if n % 2 else "new", title=f"诉求 {n}")
    with django_assert_max_num_queries(baseline):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="issue-row-') == 7


@pytest.mark.parametrize("who", ["dispatcher", "handler", "liaison", "deputy", "enterprise_user"])
@pytest.mark.parametrize("cap", [1, 10])
def test_the_list_counts_what_the_person_sees_up_to_the_cap(world, make_issue, who, cap):
    # given: two issues of ent_a in the filtered states, one of them led by the line unit
    make_issue("in_progress")
    make_issue("new", title="尚未派单")
    make_issue("closed", title="已销号")
    user = getattr(world, who)
    params = QueryDict("state=in_progress&state=new")
    # when: counted as the union of the parts (PostgreSQL) or as one query (SQLite)
    filterset, issues = filtered_issues(user=user, params=params)
    parts = issue_list_parts(user=user, filterset=filterset)
    paginator = CappedPaginator(issues, 25, cap=cap, parts=parts)
    # then
    exact = issues.count()
    assert paginator.count == min(exact, cap + 1)
    assert paginator.capped == (exact > cap)


def test_the_export_holds_the_filtered_visible_list(client, world, make_issue):
    make_issue("new", title='=HYPERLINK("http://x")')
    make_issue("in_progress", title="用电增容")
    client.force_login(world.dispatcher)
    response = client.get(EXPORT, {"state": "new"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = sheet_rows(response)
    assert rows[0][0] == "编号"
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # neutralised
    client.force_login(world.outsider)
    assert len(sheet_rows(client.get(EXPORT))) == 1  # the header only


def test_the_export_query_count_is_constant(
    client, world, make_issue, django_assert_max_num_queries
):
    make_issue("in_progress")
    client.force_login(world.dispatcher)
    with django_assert_max_num_queries(30) as ctx:
        client.get(EXPORT)
    baseline = len(ctx.captured_queries)
    for _ in range(4):
        make_issue("in_progress")
    with django_assert_max_num_queries(baseline):
        client.get(EXPORT)


def test_the_export_holds_every_row_past_twenty_thousand(client, world, cats):
    # The export used to stop silently at 20,000 rows. Rows written directly: only the
    # export's reading is under test here.
    now = timezone.now()
    Issue.objects.bulk_create(
        [
            Issue(
                enterprise=world.ent_a,
                region=world.ent_a.region,
                source=Issue.Source.VISIT,
                category=cats.plain,
                title=f"批量诉求{i}",
                description="导出测试",
                registered_by=world.liaison,
                registered_at=now - timedelta(seconds=i),
                last_activity_at=now,
            )
            for i in range(20_005)
        ],
        batch_size=2000,
    )
    client.force_login(world.dispatcher)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    rows = sheet_rows(response)
    assert len(rows) == 1 + 20_005
    assert rows[1][1] == "批量诉求0"
    assert rows[-1][1] == "批量诉求20004"


def test_the_list_and_export_need_a_login(client, world):
    assert client.get(LIST).status_code == 302
    assert client.get(EXPORT).status_code == 302


def test_the_needs_list_shows_the_enterprises_issues_with_outcome_and_sign_off(
    client, world, make_issue
):
    closed = make_issue("closed", title="已销号的需求")
    make_issue("new", title="新登记的需求")
    client.force_login(world.liaison)
    response = client.get(reverse("issues:needs_list", args=[world.ent_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "已销号的需求" in html and "新登记的需求" in html
    assert "已解决" in html and "满意" in html
    assert "data-print" in html
    rows = sheet_rows(client.get(reverse("issues:needs_export", args=[world.ent_a.pk])))
    assert rows[0][0] == "序号"
    assert [r[4] for r in rows[1:]] == ["已销号的需求", "新登记的需求"]
    assert rows[1][-1].date() == timezone.localtime(closed.closed_at).date()  # sign-off
    assert rows[2][-1] is None


@pytest.mark.parametrize("who", ["outsider", "far_dispatcher", "deputy", "street_handler"])
def test_outsiders_get_404_for_another_enterprises_needs_list(client, world, make_issue, who):
    make_issue("new")
    client.force_login(getattr(world, who))
    assert client.get(reverse("issues:needs_list", args=[world.ent_a.pk])).status_code == 404
    assert client.get(reverse("issues:needs_export", args=[world.ent_a.pk])).status_code == 404


def test_the_enterprise_user_gets_their_own_needs_list(client, world, make_issue):
    make_issue("in_progress", title="企业自己的需求")
    client.force_login(world.enterprise_user)
    html = client.get(reverse("issues:needs_list", args=[world.ent_a.pk])).content.decode()
    assert "企业自己的需求" in html
    assert client.get(reverse("issues:needs_list", args=[world.ent_b.pk])).status_code == 404


@pytest.mark.parametrize("who", ["dispatcher", "handler"])
@pytest.mark.parametrize("params", ["", "ordering=registered_at", "state=in_progress&state=new"])
def test_a_page_read_by_id_holds_the_lists_own_rows_in_its_order(world, make_issue, who, params):
    # given: issues the handler sees (in progress) and does not see (new)
    for n in range(5):
        make_issue("in_progress" if n % 2 else "new", title=f"诉求 {n}")
    issues = filtered_issues(user=getattr(world, who), params=QueryDict(params))[1]
    rows = issue_list_rows(issues)
    # when: the page's rows read from the unfiltered rows by the ids the list chose
    by_id = CappedPaginator(rows, 2, rows=issue_list_rows_by_id(issues))
    # then: each page is the list's own page
    plain = CappedPaginator(rows, 2)
    assert by_id.count == plain.count == issues.count()
    for number in plain.page_range:
        assert [i.pk for i in by_id.page(number)] == [i.pk for i in plain.page(number)]


def test_filtersets_built_together_filter_each_for_its_own_person(world, make_issue):
    # given: an issue in the handler's queue, and two filtersets of "my queue" built one after
    # the other, which share their class's filters only through copies
    mine = make_issue("in_progress")
    params = QueryDict("mine=queue")
    handlers, dispatchers = (
        filtered_issues(user=person, params=params) for person in (world.handler, world.dispatcher)
    )
    # when / then: each one's method filters ask about its own person
    assert list(handlers[1]) == [mine]
    assert list(dispatchers[1]) == []
    filters = handlers[0].filters["mine"], dispatchers[0].filters["mine"]
    assert filters[0] is not filters[1]
    assert filters[0].parent is handlers[0] and filters[1].parent is dispatchers[0]
    assert not hasattr(IssueFilter.base_filters["mine"], "parent")
    assert handlers[0].form.fields["unit"] is not dispatchers[0].form.fields["unit"]
