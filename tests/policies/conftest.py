"""The policy library on top of the fixed world (tests/conftest.py).

Enterprises for matching, by hand (today is fixed by `on` where years matter):

    ent_a   城关机械  城关街道 (street)  34 通用设备制造业 (门类 C)  small   专精特新  2015-06-01
    ent_b   高新芯片  高新园 (park)      39 计算机通信电子          medium  高新技术企业  2022-03-01
    ent_far 江北纺织  江北区             17 纺织业                  micro   —  no date
"""

from datetime import date

import pytest

from enterprises.industries import ensure_taxonomy
from enterprises.models import Industry, Tag
from policies.services import policy_page_create
from website.setup import site_setup


@pytest.fixture
def site(db):
    return site_setup()


@pytest.fixture
def library(site):
    return site["library"]


@pytest.fixture
def profiles(world):
    ensure_taxonomy()
    C34, C39, C17 = (Industry.objects.get(code=c) for c in ("34", "39", "17"))
    w = world
    w.ent_a.industry, w.ent_a.scale, w.ent_a.established_on = C34, "small", date(2015, 6, 1)
    w.ent_b.industry, w.ent_b.scale, w.ent_b.established_on = C39, "medium", date(2022, 3, 1)
    w.ent_far.industry, w.ent_far.scale = C17, "micro"
    for e in (w.ent_a, w.ent_b, w.ent_far):
        e.save()
    w.ent_a.tags.set([Tag.objects.get(name="专精特新")])
    w.ent_b.tags.set([Tag.objects.get_or_create(name="高新技术企业")[0]])
    return w


POLICY_DEFAULTS = {
    "policy_type": "reduce",
    "delivery_mode": "instant",
    "issuer": "国家税务总局江城市税务局",
    "document_no": "江税发〔2026〕1号",
    "issued_on": date(2026, 1, 5),
    "effective_from": date(2026, 1, 1),
    "target_audience": "符合条件的纳税人",
    "conditions": "<p>纳税信用等级为A级或B级</p>",
    "benefit": "<p>按规定退还增量留抵税额</p>",
    "time_limit": "10个工作日",
    "accepting_unit": "区税务局",
    "hotline": "12366",
}


@pytest.fixture
def make_policy(library):
    counter = iter(range(1, 1000))

    def make(title="测试政策", *, publish=True, actor=None, **fields):
        values = {**POLICY_DEFAULTS, "slug": f"p{next(counter)}", **fields}
        return policy_page_create(
            actor=actor, library=library, publish=publish, title=title, **values
        )

    return make
