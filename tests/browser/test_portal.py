"""The enterprise portal at phone size (390×844), as the demo people, the 8 steps of issue 11:

1. the liaison invites a contact, who opens the link and sets a password;
2. the contact files a request with a photo, and it is auto-dispatched;
3. the handler asks a question; 4. the enterprise answers from its home page;
5. the handler resolves; 6. the enterprise rates 不满意 and it comes back as a rework;
7. the handler resolves again; 8. the enterprise rates 满意, signs off, and sees 已销号 in its
   needs list.
"""

from urllib.parse import urlsplit

from tests.browser.conftest import login, shot
from tests.browser.test_issue_loop import do_action, expect_state, open_issue, submit

PHONE = {"width": 390, "height": 844}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 256
PASSWORD = "Qiye@Portal2026"


def _enterprise_and_labour_category():
    from enterprises.models import Enterprise
    from issues.models import Category

    enterprise = Enterprise.objects.get(memberships__user__username="qiye")
    category = Category.objects.get(code="elem.labour")  # routed to 区人社局 in the demo
    return enterprise, category


def _handler_acts(handler, issue_id, name, **fields):
    open_issue(handler, issue_id)
    do_action(handler, name)
    form = handler.get_by_test_id(f"form-{name}")
    for label, value in fields.items():
        field = form.get_by_label(label)
        if label == "办理结果":
            field.select_option(label=value)
        else:
            field.fill(value)
    submit(handler, name)


def test_an_invited_contact_files_follows_rates_and_signs_off_on_a_phone(page_factory):
    from issues.models import Issue

    enterprise, category = _enterprise_and_labour_category()

    # 1. The liaison invites a contact; the contact opens the link and sets a password.
    liaison = page_factory(**PHONE)
    login(liaison, "liaison")
    liaison.goto(f"/portal/manage/{enterprise.pk}/")
    form = liaison.get_by_test_id("invite-form")
    form.get_by_label("联系人姓名").fill("王会计")
    form.get_by_label("手机号").fill("13600001111")
    liaison.get_by_test_id("invite-submit").click()
    liaison.get_by_test_id("invitation-qr").wait_for()
    link = liaison.get_by_test_id("invitation-link").input_value()
    assert "/portal/invite/" in link
    shot(liaison, "portal-01-invitation-link-and-qr")

    contact = page_factory(**PHONE)
    contact.goto(urlsplit(link).path)  # the link names SITE_URL; the test server is elsewhere
    accept = contact.get_by_test_id("accept-form")
    accept.get_by_label("设置密码").fill(PASSWORD)
    accept.get_by_label("再输入一次密码").fill(PASSWORD)
    shot(contact, "portal-02-set-password")
    contact.get_by_test_id("accept-submit").click()
    contact.get_by_test_id("open-requests").wait_for()
    shot(contact, "portal-03-home-first-time")

    # 2. The contact files a request with a photo; it is auto-dispatched to 区人社局.
    contact.get_by_test_id("file-request").click()
    request_form = contact.get_by_test_id("request-form")
    request_form.get_by_label("您要办的事属于哪一类").select_option(str(category.pk))
    contact.get_by_test_id("expectation").get_by_text("区人社局").wait_for()
    request_form.get_by_label("遇到了什么问题，需要什么帮助").fill(
        "新车间投产，急需招聘数控操作工 20 名\n希望对接招聘会和培训补贴。"
    )
    request_form.get_by_label("照片或材料（可选）").set_input_files(
        [{"name": "车间现场.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    shot(contact, "portal-04-file-request")
    contact.get_by_test_id("submit-request").click()
    contact.get_by_test_id("timeline").wait_for()
    issue = Issue.objects.get(title="新车间投产，急需招聘数控操作工 20 名")
    assert issue.state == "dispatched" and issue.lead_unit.short_name == "区人社局"
    assert issue.attachments.get().original_name == "车间现场.jpg"
    assert "已转给区人社局" in contact.get_by_test_id("status-sentence").inner_text()
    shot(contact, "portal-05-request-dispatched")

    # 3. The handler acknowledges and asks a question.
    handler = page_factory(**PHONE)
    login(handler, "handler")
    open_issue(handler, issue.pk)
    do_action(handler, "acknowledge")
    expect_state(handler, "办理中")
    _handler_acts(
        handler, issue.pk, "ask_enterprise", 需企业补充的内容="请提供岗位要求和薪资范围。"
    )
    expect_state(handler, "待企业补充")

    # 4. The enterprise answers from its home page.
    contact.goto("/portal/")
    waiting = contact.get_by_test_id(f"home-answer-{issue.pk}")
    assert "请提供岗位要求和薪资范围" in contact.get_by_test_id("waiting").inner_text()
    waiting.get_by_label("您的答复").fill("数控操作工，月薪 6000-8000 元，需持证。")
    shot(contact, "portal-06-answer-from-home")
    waiting.get_by_role("button", name="提交答复").click()
    contact.get_by_test_id("open-requests").wait_for()
    assert contact.get_by_test_id(f"request-{issue.pk}").is_visible()
    issue.refresh_from_db()
    assert issue.state == "in_progress"
    shot(contact, "portal-07-home-after-answer")

    # 5. The handler resolves.
    _handler_acts(
        handler,
        issue.pk,
        "resolve",
        办理结果="已解决",
        答复内容="已安排专场招聘会，推送 12 名求职者。",
    )
    expect_state(handler, "已办结待回访")

    # 6. The enterprise rates 不满意: a rework.
    contact.goto("/portal/")
    contact.get_by_test_id(f"rate-{issue.pk}").click()
    rate = contact.get_by_test_id("act-revisit")
    rate.get_by_label("不满意", exact=True).check()
    rate.get_by_label("说说您的看法（不满意时必填）").fill("到岗仅 3 人，仍缺 17 人。")
    shot(contact, "portal-08-rate-dissatisfied")
    contact.get_by_test_id("submit-revisit").click()
    contact.get_by_test_id("timeline").wait_for()
    issue.refresh_from_db()
    assert issue.state == "in_progress" and issue.rework_count == 1
    assert "区人社局正在办理" in contact.get_by_test_id("status-sentence").inner_text()

    # 7. The handler resolves again.
    _handler_acts(
        handler, issue.pk, "resolve", 办理结果="已解决", 答复内容="对接职业技术学院，17 名已到岗。"
    )
    expect_state(handler, "已办结待回访")

    # 8. The enterprise rates 满意 and signs off; the needs list shows 已销号.
    contact.goto(f"/portal/requests/{issue.pk}/")
    rate = contact.get_by_test_id("act-revisit")
    rate.get_by_label("满意", exact=True).check()
    contact.get_by_test_id("submit-revisit").click()
    contact.get_by_test_id("timeline").wait_for()
    assert contact.get_by_test_id("plain-state").inner_text().strip() == "已销号"
    shot(contact, "portal-09-signed-off")
    contact.get_by_test_id("tab-needs").click()
    need = contact.get_by_test_id(f"need-{issue.pk}")
    assert need.get_by_test_id("need-state").inner_text().strip() == "已销号"
    shot(contact, "portal-10-needs-list")
    issue.refresh_from_db()
    assert issue.state == "closed" and issue.satisfaction == "satisfied"

    # The staff side sees where it came from and who rated it.
    open_issue(handler, issue.pk)
    assert handler.get_by_test_id("via-portal").is_visible()
    assert handler.get_by_test_id("rated-by-enterprise").is_visible()
    shot(handler, "portal-11-staff-view")

    # Nothing is wider than the phone.
    for page in (contact,):
        for url in ("/portal/", f"/portal/requests/{issue.pk}/", "/portal/needs/"):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (url, width)
