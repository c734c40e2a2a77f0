"""One issue through the whole closed loop, in a real browser, as the demo people:

liaison registers → dispatcher dispatches to 区人社局 → handler acknowledges and resolves →
liaison revisits 不满意 (rework) → handler resolves again → liaison revisits 满意 → closed.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _liaison_enterprise_and_category():
    """An enterprise of `liaison` and a category no routing rule sends anywhere (so the
    dispatcher dispatches by hand). Uses the demo data; adds an enterprise if the demo has none
    for the liaison yet."""
    from datetime import date

    from accounts.models import Region, User
    from enterprises.models import Enterprise, LiaisonAssignment
    from issues.models import Category
    from issues.services import route_for
    from tests.factories import credit_code

    liaison = User.objects.get(username="liaison")
    assignment = (
        LiaisonAssignment.objects.active()
        .filter(person=liaison, kind="liaison")
        .select_related("enterprise__region")
        .first()
    )
    if assignment is None:
        enterprise = Enterprise.objects.create(
            credit_code=credit_code(990001),
            name="江南精密机械有限公司",
            region=Region.objects.get(code="420102001"),
        )
        LiaisonAssignment.objects.create(
            enterprise=enterprise, person=liaison, kind="liaison", started_on=date(2026, 1, 1)
        )
    else:
        enterprise = assignment.enterprise
    if not Category.objects.exists():  # a flushed live-server database lost migration 0002's rows
        from issues.catalogue_data import load_catalogue

        load_catalogue(Category)
    for category in Category.objects.active().leaves().select_related("parent"):
        routed = route_for(category=category, region=enterprise.region)
        if category.parent_id and not category.requires_review and routed is None:
            return enterprise, category
    pytest.skip("every category is routed in the demo data")


def open_issue(page, issue_id):
    page.goto(f"/issues/{issue_id}/")
    page.get_by_test_id("issue-state").wait_for()


def expect_state(page, label):
    # A locator assertion, not wait_for_function: the pages' CSP forbids eval, which Playwright's
    # predicate needs once the page has navigated under it.
    expect(page.get_by_test_id("issue-state")).to_have_text(label)


def do_action(page, name):
    page.get_by_test_id(f"action-{name}").click()


def submit(page, name):
    """Submit an action's form and wait for the server's answer (htmx swaps it in), so a slow
    answer is waited for and a refused one fails here with the form's errors, not later as a
    state that did not change."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and f"/{name}/" in r.url, timeout=30_000
    ) as answer:
        page.get_by_test_id(f"form-{name}").get_by_role("button", name="提交").click()
    response = answer.value
    assert response.ok, f"{name}: HTTP {response.status}"
    if 'data-testid="form-error"' in (body := response.text()) or "invalid-feedback" in body:
        errors = page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
        raise AssertionError(f"{name} was refused: {errors}")


def test_an_issue_runs_the_whole_closed_loop(page_factory):
    from issues.models import Issue

    enterprise, category = _liaison_enterprise_and_category()

    # 1. The liaison registers it for their enterprise, with a photo report attached.
    liaison = page_factory()
    login(liaison, "liaison")
    liaison.goto(f"/issues/new/?enterprise={enterprise.pk}")
    form = liaison.get_by_test_id("register-form")
    assert form.get_by_label("企业").input_value() == str(enterprise.pk)
    form.get_by_label("诉求分类").select_option(str(category.pk))
    form.get_by_label("标题").fill("急需招聘熟练焊工 30 名")
    form.get_by_label("诉求描述").fill(
        "二季度订单增加，现有焊工不足，请协助对接招聘会与职业培训补贴。"
    )
    form.get_by_label("来源").select_option("visit")
    form.get_by_label("附件（可多选）").set_input_files(
        [{"name": "用工需求表.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    shot(liaison, "loop-01-liaison-registers")
    liaison.get_by_test_id("register-submit").click()
    expect_state(liaison, "待派单")
    issue = Issue.objects.get(title="急需招聘熟练焊工 30 名")
    assert liaison.get_by_test_id("attachment-link").inner_text().strip() == "用工需求表.pdf"
    shot(liaison, "loop-02-registered")

    # 2. The dispatcher finds it in the to-do page and dispatches it to 区人社局.
    dispatcher = page_factory()
    login(dispatcher, "dispatcher")
    dispatcher.goto("/issues/todo/")
    new_queue = dispatcher.get_by_test_id("todo-new")
    assert new_queue.get_by_text(issue.title).is_visible()
    shot(dispatcher, "loop-03-dispatcher-todo")
    new_queue.get_by_role("link", name=issue.number).click()
    do_action(dispatcher, "dispatch")
    dispatcher.get_by_test_id("form-dispatch").get_by_label("主办单位").select_option(
        label="区人社局"
    )
    shot(dispatcher, "loop-04-dispatch-form")
    submit(dispatcher, "dispatch")
    expect_state(dispatcher, "待签收")
    assert dispatcher.get_by_test_id("issue-lead-unit").inner_text().strip() == "区人社局"

    # 3. The handler acknowledges and resolves.
    handler = page_factory()
    login(handler, "handler")
    handler.goto("/issues/todo/")
    handler.get_by_test_id("todo-dispatched").get_by_role("link", name=issue.number).click()
    shot(handler, "loop-05-handler-before-ack")
    do_action(handler, "acknowledge")
    expect_state(handler, "办理中")
    do_action(handler, "resolve")
    resolve = handler.get_by_test_id("form-resolve")
    resolve.get_by_label("办理结果").select_option(label="已解决")
    resolve.get_by_label("答复内容").fill("已推送 3 场专场招聘会，并落实职业培训补贴申报。")
    submit(handler, "resolve")
    expect_state(handler, "已办结待回访")
    shot(handler, "loop-06-handler-resolved")
    # The lead unit never rates its own work.
    assert handler.get_by_test_id("action-revisit").count() == 0

    # 4. The liaison revisits: not satisfied — a rework.
    liaison.goto("/issues/todo/")
    liaison.get_by_test_id("todo-revisit").get_by_role("link", name=issue.number).click()
    do_action(liaison, "revisit")
    revisit = liaison.get_by_test_id("form-revisit")
    revisit.get_by_label("不满意").check()
    revisit.get_by_label("回访意见").fill("招聘会岗位与需求不匹配，请重新对接。")
    shot(liaison, "loop-07-revisit-dissatisfied")
    submit(liaison, "revisit")
    expect_state(liaison, "办理中")
    assert "重办 1 次" in liaison.get_by_test_id("issue-counters").inner_text()

    # 5. The handler resolves again.
    open_issue(handler, issue.pk)
    do_action(handler, "resolve")
    resolve = handler.get_by_test_id("form-resolve")
    resolve.get_by_label("办理结果").select_option(label="已解决")
    resolve.get_by_label("答复内容").fill("已定向对接职业技术学院，首批 20 名焊工已到岗。")
    submit(handler, "resolve")
    expect_state(handler, "已办结待回访")

    # 6. The liaison revisits: satisfied — closed (销号).
    open_issue(liaison, issue.pk)
    do_action(liaison, "revisit")
    liaison.get_by_test_id("form-revisit").get_by_label("满意", exact=True).check()
    submit(liaison, "revisit")
    expect_state(liaison, "已销号")
    assert liaison.get_by_test_id("issue-satisfaction").inner_text().strip() == "满意"
    shot(liaison, "loop-08-closed")

    issue.refresh_from_db()
    assert issue.state == "closed"
    assert issue.rework_count == 1
    assert issue.outcome == "solved"

    # The whole story is on the timeline, and in the needs list.
    timeline = liaison.get_by_test_id("issue-timeline")
    assert timeline.locator("[data-testid=event-revisit]").count() == 2
    assert timeline.locator("[data-testid=event-resolve]").count() == 2
    liaison.goto(f"/issues/needs/{enterprise.pk}/")
    assert liaison.get_by_test_id("needs-table").get_by_text(issue.title).is_visible()
    shot(liaison, "loop-09-needs-list")


def test_the_issue_page_and_list_work_on_a_phone(page_factory):
    from accounts.models import User
    from issues.models import Issue
    from issues.services import issue_register

    enterprise, category = _liaison_enterprise_and_category()
    issue = issue_register(
        actor=User.objects.get(username="liaison"),
        enterprise=enterprise,
        source=Issue.Source.VISIT,
        category=category,
        title="厂区门前道路破损",
        description="进厂道路破损严重，货车通行困难。",
    )
    page = page_factory(width=390, height=844)
    login(page, "dispatcher")
    open_issue(page, issue.pk)
    do_action(page, "dispatch")
    page.locator("#action-dispatch.collapse.show").wait_for()
    shot(page, "loop-phone-issue")
    page.goto("/issues/list/")
    assert not page.get_by_test_id("issue-filters").is_visible()  # collapsed on a phone
    page.get_by_role("button", name="筛选").click()
    page.locator("#issue-filters.collapse.show").wait_for()
    shot(page, "loop-phone-list")
    page.get_by_role("link", name=issue.title).click()
    page.get_by_test_id("issue-state").wait_for()


def test_the_issue_list_filters_on_a_desktop(page_factory):
    from accounts.models import User
    from issues.models import Issue
    from issues.services import issue_register

    enterprise, category = _liaison_enterprise_and_category()
    for title in ("厂区门前道路破损（浏览器测试）", "申请稳岗补贴（浏览器测试）"):
        issue_register(
            actor=User.objects.get(username="liaison"),
            enterprise=enterprise,
            source=Issue.Source.VISIT,
            category=category,
            title=title,
            description="走访中企业提出。",
        )
    page = page_factory()
    login(page, "dispatcher")
    page.goto("/issues/list/")
    filters = page.get_by_test_id("issue-filters")
    filters.get_by_label("搜索").fill("稳岗补贴（浏览器测试")
    filters.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("issue-total").inner_text().strip() == "1"
    assert page.get_by_role("link", name="申请稳岗补贴（浏览器测试）").is_visible()
    shot(page, "loop-desktop-list")
