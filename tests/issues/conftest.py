"""Issues on top of the fixed `world`: a category without and one with closure review, and
`make_issue(state)`, which drives the REAL services to bring an issue into any state.

The issue belongs to `ent_a` (liaison `liaison`, responsible leader `resp_leader`, enterprise
user `enterprise_user`), is registered by the liaison, and — once dispatched — is led by
`line_unit` (handler, unit_head) and supported by `street_unit` (street_handler).
"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.models import Category, Issue
from issues.services import issue_register, issue_transition

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cats(world):
    parent = Category.objects.create(code="t", name="测试大类")
    plain = Category.objects.create(code="t.plain", name="普通分类", parent=parent)
    reviewed = Category.objects.create(
        code="t.review", name="需审核分类", parent=parent, requires_review=True
    )
    return SimpleNamespace(parent=parent, plain=plain, reviewed=reviewed)


# How each state is reached from `new`: (action, actor attribute in world, input).
def _path_to(state: str, w, other=None):
    dispatch = (
        "dispatch",
        "dispatcher",
        {"lead_unit": w.line_unit, "supporting_units": [w.street_unit]},
    )
    ack = ("acknowledge", "handler", {})
    resolve = ("resolve", "handler", {"outcome": "solved", "reply": "已协调解决。"})
    paths = {
        "new": [],
        "dispatched": [dispatch],
        "returned": [dispatch, ("return", "handler", {"reason": "不属于本单位职责。"})],
        "in_progress": [dispatch, ack],
        "waiting_enterprise": [
            dispatch,
            ack,
            ("ask_enterprise", "handler", {"question": "请补充营业执照复印件。"}),
        ],
        "review": [dispatch, ack, resolve],
        "resolved": [dispatch, ack, resolve],
        "closed": [dispatch, ack, resolve, ("revisit", "liaison", {"satisfaction": "satisfied"})],
        "withdrawn": [("withdraw", "liaison", {"reason": "企业已自行解决。"})],
        "merged": [("merge", "dispatcher", {"into": other})],
    }
    return paths[state]


@pytest.fixture
def make_issue(world, cats):
    def make(state: str = "new", *, category=None, pending_extension=False, title="厂区用工缺口"):
        category = category or (cats.reviewed if state == "review" else cats.plain)
        issue = issue_register(
            actor=world.liaison,
            enterprise=world.ent_a,
            source=Issue.Source.VISIT,
            category=category,
            title=title,
            description="企业反映二季度订单增加，需要招聘熟练焊工 30 名。",
        )
        other = None
        if state == "merged":
            other = make("new", title="同一问题的另一条记录")
        steps = _path_to(state, world, other)
        if pending_extension:
            steps = [
                *steps[:2],
                ("request_extension", "handler", {"days": 3, "reason": "需要协调多个部门。"}),
                *steps[2:],
            ]
        for action, who, data in steps:
            issue_transition(actor=getattr(world, who), issue_id=issue.pk, action=action, **data)
        issue.refresh_from_db()
        assert issue.state == state
        return issue

    return make
