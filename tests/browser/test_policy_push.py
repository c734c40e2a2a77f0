"""政策直达 end to end, in a real browser over the demo data:

1. the policy editor writes a policy in the Wagtail admin (/cms/) and submits it for review; the
   administrator approves it, which publishes it (draft → submitted → published);
2. the matching enterprise's user sees the push in their notifications, opens it (read) and finds
   the policy in the public library — on a phone;
3. the enterprise's liaison finds it under 待宣讲政策 in the to-do and logs the 政策宣讲 visit with
   one tap — on a phone;
4. the dispatcher's 政策直达率 for the policy moves from 0 % to 1 / matched.
Screenshots at desktop and phone size go to test-artifacts/screenshots/.
"""

import pytest

from policies.models import PolicyPage, PushTarget
from policies.selectors import policy_matches
from tests.browser.conftest import login, shot
from visits.models import Visit

TITLE = "高新园区中型企业技术改造补助"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def eager_celery():
    """The push task runs in the web request's after-commit hook, as a worker would run it."""
    from crm.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def draftail(page, field: str, text: str) -> None:
    editor = page.locator(f"[data-field-wrapper]:has(input[name={field}]) [contenteditable=true]")
    editor.first.click()
    page.keyboard.type(text)


def test_a_policy_goes_from_the_cms_to_the_enterprise_and_its_liaison(page_factory, eager_celery):
    # 1. the policy editor writes and submits it
    editor = page_factory()
    login(editor, "editor")
    library = PolicyPage.objects.first().get_parent()
    editor.goto(f"/cms/pages/add/policies/policypage/{library.pk}/")
    editor.fill("#id_title", TITLE)
    editor.select_option("#id_policy_type", "subsidy")
    editor.select_option("#id_delivery_mode", "instant")
    editor.fill("#id_summary", "园区中型企业实施技术改造的，按设备投资额的10%给予补助。")
    editor.fill("#id_issuer", "江南高新技术产业园管理委员会")
    editor.fill("#id_document_no", "江南高新管〔2026〕9号")
    editor.fill("#id_issued_on", "2026-03-01")
    editor.fill("#id_effective_from", "2026-03-01")
    editor.fill("#id_target_audience", "江南高新技术产业园内的中型企业")
    draftail(editor, "conditions", "当年完成技术改造并投产")
    draftail(editor, "benefit", "按设备投资额的10%补助，最高100万元")
    editor.fill("#id_time_limit", "即申即享")
    editor.fill("#id_accepting_unit", "园区经济发展局")
    editor.fill("#id_hotline", "027-80000009")
    editor.get_by_role("tab", name="匹配条件").click()
    editor.get_by_label("中型").check()
    editor.get_by_label("江南高新技术产业园").check()
    shot(editor, "policy-cms-editor-desktop")
    editor.get_by_role("tab", name="发布设置").click()
    editor.fill("#id_slug", "tech-upgrade-subsidy")
    # "提交给政策审核发布" sits in the footer's action menu
    with editor.expect_navigation():
        editor.locator("button[name=action-submit]").dispatch_event("click")
    editor.wait_for_load_state("networkidle")
    policy = PolicyPage.objects.get(title=TITLE)
    assert not policy.live  # submitted, waiting for review
    assert policy.current_workflow_state is not None

    # … and the administrator approves it, which publishes it
    admin = page_factory()
    login(admin, "admin")
    admin.goto(f"/cms/pages/{policy.pk}/edit/")
    approve = admin.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    assert "批准" in approve.inner_text()
    with admin.expect_navigation():
        approve.dispatch_event("click")
    admin.wait_for_load_state("networkidle")
    policy.refresh_from_db()
    assert policy.live
    shot(admin, "policy-cms-approved-desktop")
    matched = policy_matches(policy=policy).count()
    assert PushTarget.objects.filter(policy=policy).count() == matched > 1

    # 4a. the district's rate for it starts at 0 %
    dispatcher = page_factory()
    login(dispatcher, "dispatcher")
    dispatcher.goto("/pushes/")
    row = dispatcher.locator("[data-testid=coverage-policy] tr", has_text=TITLE)
    assert "0.0%" in row.inner_text()

    # 2. the enterprise user sees the push, opens it and finds it in the library (phone)
    qiye = page_factory(**PHONE)
    login(qiye, "qiye")
    qiye.goto("/notifications/")
    item = qiye.get_by_text(f"政策推送：{TITLE}").first
    assert item.is_visible()
    shot(qiye, "policy-push-notification-phone")
    item.click()
    qiye.wait_for_load_state("networkidle")
    assert TITLE in qiye.locator("h1").inner_text()
    shot(qiye, "policy-page-phone")
    target = PushTarget.objects.get(policy=policy, enterprise__name="江南精密机械有限公司")
    assert target.status == "read"
    qiye.goto("/policies/")
    assert qiye.locator("[data-testid=policy-list]").get_by_text(TITLE).is_visible()
    shot(qiye, "policy-library-phone")

    # 3. the liaison delivers it with one tap from the to-do (phone)
    liaison = page_factory(**PHONE)
    login(liaison, "liaison")
    liaison.goto("/issues/todo/")
    card = liaison.locator("[data-testid=todo-policies]")
    assert TITLE in card.inner_text()
    shot(liaison, "policy-todo-phone")
    liaison.locator(f"[data-testid=deliver-{target.pk}]").click()
    liaison.wait_for_load_state("networkidle")
    assert liaison.get_by_text("已登记政策宣讲走访").is_visible()
    target.refresh_from_db()
    assert target.status == "delivered"
    assert target.visit.kind == Visit.Kind.POLICY_BRIEFING

    # 4b. … and the rate moves to 1 / matched
    dispatcher.goto("/pushes/")
    row = dispatcher.locator("[data-testid=coverage-policy] tr", has_text=TITLE)
    assert f"{round(100 / matched, 1)}%" in row.inner_text()
    shot(dispatcher, "policy-coverage-desktop")
    dispatcher.set_viewport_size(PHONE)
    shot(dispatcher, "policy-coverage-phone")

    # the public site, desktop and phone
    home = page_factory()
    home.goto("/")
    assert TITLE in home.locator("[data-testid=latest-policies]").inner_text()
    shot(home, "public-home-desktop")
    home.goto(policy.url)
    shot(home, "policy-page-desktop")
