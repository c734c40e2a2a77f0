"""Demo content of the public site (idempotent): the skeleton (site_setup), news, a service guide,
and — once the policies exist (policies.demo) — interpretations, notices and an announcement."""

from __future__ import annotations

from datetime import date

from website.models import GuidePage, NewsPage
from website.setup import site_setup

NEWS = [
    (
        "jiangnan-policy-week",
        "江南区启动“政策直达进万企”宣讲周活动",
        date(2026, 3, 2),
        "区营商环境办组织联络员分片包干，逐户上门宣讲留抵退税、稳岗返还等惠企政策。",
    ),
    (
        "credit-repair-campaign",
        "江南区部署信用修复专项行动",
        date(2026, 3, 16),
        "对存在失信记录、行政处罚公示的企业逐一告知修复渠道，指导企业在线申请信用修复。",
    ),
]
GUIDES = [
    (
        "tax-refund-guide",
        "增值税留抵退税线上申请指南",
        date(2026, 2, 20),
        "<ol><li>登录电子税务局，进入“退抵税费办理—留抵退税”。</li>"
        "<li>填写《退（抵）税申请表》，确认退税金额。</li>"
        "<li>提交后在“办税进度及结果信息查询”中查看审核进度，一般10个工作日内到账。</li></ol>",
    ),
]


def _publish(section, model, slug: str, **fields):
    if section.get_children().filter(slug=slug).exists():
        return None
    section.refresh_from_db()
    page = section.add_child(instance=model(slug=slug, live=False, **fields))
    page.save_revision().publish()
    return page


def seed(log=print) -> None:
    site = site_setup()
    sections = site["sections"]
    for slug, title, on, summary in NEWS:
        _publish(
            sections["news"],
            NewsPage,
            slug,
            title=title,
            published_on=on,
            summary=summary,
            source="江南区营商环境建设办公室",
            body=f"<p>{summary}</p><p>各街道、园区和区直相关部门按照职责分工抓好落实。</p>",
        )
    for slug, title, on, body in GUIDES:
        _publish(
            sections["guides"],
            GuidePage,
            slug,
            title=title,
            published_on=on,
            summary="电子税务局全程网办，零跑动。",
            body=body,
        )
    log(f"website: home at {site['home'].url_path}, {len(sections)} sections")
