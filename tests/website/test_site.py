"""The public site: readable without login, query counts that do not grow with content, the staff
home moved to /workspace/, the CSP relaxed under /cms/ only."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import membership_grant
from enterprises.models import Industry
from website.models import InterpretationPage, NewsPage


def add_article(section, model, title, n):
    page = model(title=title, slug=f"a{n}", published_on=date(2026, 3, n), body="<p>正文</p>")
    section.add_child(instance=page)
    return page


def test_the_staff_home_lives_at_workspace(client, world):
    assert reverse("home") == "/workspace/"
    client.force_login(world.dispatcher)
    assert client.get("/workspace/").status_code == 200


def test_the_public_pages_need_no_login(client, site, make_policy):
    policy = make_policy("稳岗返还")
    for url in (
        "/",
        site["library"].url,
        site["sections"]["news"].url,
        policy.url,
        "/search/?q=稳岗",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "稳岗返还" in response.content.decode() or url in ("/", site["sections"]["news"].url)


def test_a_policy_page_shows_the_twenty_elements(client, site, make_policy):
    policy = make_policy("稳岗返还", industries=[Industry.objects.get(code="C")], scales=["small"])
    html = client.get(policy.url).content.decode()
    for label in (
        "事项名称",
        "政策类型",
        "兑现方式",
        "发文单位",
        "文号",
        "发布日期",
        "生效日期",
        "失效日期",
        "实施对象",
        "申报条件",
        "申报要件",
        "兑现内容/标准",
        "办理时限",
        "办理流程",
        "受理单位",
        "咨询电话",
        "政策依据",
        "政策解读",
        "行业：制造业",
        "规模：小型",
    ):
        assert label in html, label


def test_the_library_filters(client, site, make_policy):
    make_policy("减税政策", policy_type="reduce", scales=["small"])
    make_policy("奖励政策", policy_type="reward", delivery_mode="no_application", scales=["large"])
    library = site["library"]
    html = client.get(library.url, {"type": "reward"}).content.decode()
    assert "奖励政策" in html and "减税政策" not in html
    html = client.get(library.url, {"mode": "instant"}).content.decode()
    assert "减税政策" in html and "奖励政策" not in html
    html = client.get(library.url, {"scale": "small"}).content.decode()
    assert "减税政策" in html and "奖励政策" not in html
    html = client.get(library.url, {"type": "nonsense", "region": "x"}).content.decode()
    assert "筛选条件有误" in html


def test_the_region_and_industry_filters_include_unrestricted_policies(
    client, profiles, site, make_policy
):
    make_policy("园区政策", regions=[profiles.park])
    make_policy("全区政策", regions=[profiles.district])
    make_policy("普惠政策")
    make_policy("纺织政策", industries=[Industry.objects.get(code="17")])
    html = client.get(site["library"].url, {"region": profiles.street.pk}).content.decode()
    assert "全区政策" in html and "普惠政策" in html and "园区政策" not in html
    html = client.get(
        site["library"].url, {"industry": Industry.objects.get(code="C").pk}
    ).content.decode()
    assert "纺织政策" in html
    html = client.get(
        site["library"].url, {"industry": Industry.objects.get(code="A").pk}
    ).content.decode()
    assert "纺织政策" not in html and "普惠政策" in html


@pytest.mark.parametrize("count", [2, 12])
def test_query_counts_do_not_grow_with_content(
    client, site, make_policy, count, django_assert_max_num_queries
):
    policy = None
    for i in range(count):
        policy = make_policy(f"政策{i}", industries=[Industry.objects.get(code="C")])
        add_article(site["sections"]["news"], NewsPage, f"新闻{i}", i + 1)
        interpretation = add_article(
            site["sections"]["interpretations"], InterpretationPage, f"解读{i}", i + 1
        )
        policy.interpretations.add(interpretation)
        policy.save_revision().publish()
    pages = ["/", site["library"].url, site["sections"]["news"].url, policy.url, "/search/?q=政策"]
    for url in pages:
        with django_assert_max_num_queries(20):  # 19 whatever the count
            assert client.get(url).status_code == 200


def test_the_csp_is_relaxed_under_cms_only(client, world, site):
    strict = client.get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in strict
    membership_grant(actor=None, user=world.admin, role=Role.ADMIN, region=world.district)
    client.force_login(world.admin)
    response = client.get("/cms/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "http" not in response["Content-Security-Policy"]  # still no third party


def test_policy_editors_reach_the_cms_and_others_do_not(client, world, site):
    editor = world.outsider
    client.force_login(editor)
    assert client.get("/cms/").status_code == 302  # no access: back to login
    membership_grant(actor=None, user=editor, role=Role.POLICY_EDITOR, region=world.district)
    assert client.get("/cms/").status_code == 200
    assert editor.groups.filter(name="政策编辑").exists()
    client.force_login(world.liaison)
    assert client.get("/cms/").status_code == 302
