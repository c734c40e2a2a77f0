"""Chinese search: a term inside a sentence (no spaces to split on) is found on SQLite and on
PostgreSQL alike — the CI runs this file against PostgreSQL, a local run against SQLite."""

from datetime import date

import pytest
from django.urls import reverse

from website.selectors import site_search


@pytest.fixture
def policies(site, make_policy):
    found = make_policy(
        "小微企业增值税期末留抵退税政策",
        summary="按月全额退还增量留抵税额",
        benefit="<p>符合条件的小微企业，可以自2022年4月纳税申报期起向主管税务机关申请退还<b>留抵</b>退税。</p>",
    )
    hidden_in_body = make_policy(
        "制造业企业税收支持",
        benefit="<p>对制造业企业一次性退还存量留抵退税额度。</p>",
    )
    other = make_policy("稳岗返还", benefit="<p>失业保险稳岗返还</p>")
    return found, hidden_in_body, other


def test_a_chinese_term_inside_the_body_is_found(db, policies):
    _found, hidden_in_body, other = policies
    results = site_search(text="留抵退税")
    assert hidden_in_body in results
    assert other not in results


def test_markup_inside_a_term_does_not_hide_it(db, policies):
    found, *_ = policies
    assert found in site_search(text="留抵退税")  # "<b>留抵</b>退税" in the body


def test_every_word_must_be_found(db, policies):
    _found, hidden_in_body, _other = policies
    assert site_search(text="制造业 留抵") == [hidden_in_body]


def test_the_library_search_and_the_search_page_find_it(client, policies, library):
    html = client.get(library.url, {"q": "留抵退税"}).content.decode()
    assert "制造业企业税收支持" in html and "稳岗返还" not in html
    html = client.get(reverse("website:search"), {"q": "留抵退税"}).content.decode()
    assert "制造业企业税收支持" in html and "稳岗返还" not in html


def test_drafts_and_expired_policies(client, site, make_policy, library):
    make_policy("留抵退税草稿", publish=False)
    make_policy("过期的留抵退税", effective_from=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    assert [p.title for p in site_search(text="留抵退税")] == ["过期的留抵退税"]
    html = client.get(library.url, {"q": "留抵退税"}).content.decode()
    assert "过期的留抵退税" not in html  # left out of the default listing …
    html = client.get(library.url, {"q": "留抵退税", "expired": "on"}).content.decode()
    assert "过期的留抵退税" in html  # … but still reachable


def test_an_overlong_or_empty_query_is_harmless(client, site):
    assert client.get(reverse("website:search"), {"q": "税" * 500}).status_code == 200
    assert site_search(text="   ") == []
