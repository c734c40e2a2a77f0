"""Reads of the public site: what the home page shows, a section's articles, the site search.
Each runs a constant number of queries (one per page type it lists)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet
from wagtail.models import Page

from website.models import (
    ARTICLE_MODELS,
    AnnouncementPage,
    InterpretationPage,
    NewsPage,
    NoticePage,
    SectionPage,
)

HOME_ITEMS = 6
SEARCH_LIMIT = 50


def _latest(model, n: int = HOME_ITEMS) -> list:
    return list(model.objects.live().public().order_by("-published_on", "-pk")[:n])


def home_blocks(*, home) -> dict:
    policy_model = apps.get_model("policies", "PolicyPage")
    return {
        "latest_policies": list(
            policy_model.objects.in_force().public().order_by("-issued_on", "-pk")[:HOME_ITEMS]
        ),
        "interpretations": _latest(InterpretationPage),
        "notices": _latest(NoticePage),
        "announcements": _latest(AnnouncementPage),
        "news": _latest(NewsPage),
        "library": apps.get_model("policies", "PolicyIndexPage").objects.live().first(),
    }


def section_articles(*, section: SectionPage) -> list:
    """The section's live articles, newest first (one query per article type)."""
    rows = []
    for model in ARTICLE_MODELS:
        rows += list(model.objects.live().public().child_of(section))
    rows.sort(key=lambda p: (p.published_on, p.pk), reverse=True)
    return rows


def _search(qs: QuerySet, text: str) -> QuerySet:
    for word in text.split():
        qs = qs.filter(search_text__icontains=word)
    return qs


def site_search(*, text: str) -> list[Page]:
    """Live public pages whose words contain every word of `text`, policies first.

    A substring match on each page's plain-text copy (`search_text`), which finds a Chinese
    term inside a sentence on SQLite and PostgreSQL alike; see policies.selectors.policy_search.
    """
    text = text.strip()[:50]
    if not text:
        return []
    policy_model = apps.get_model("policies", "PolicyPage")
    found: list[Page] = list(
        _search(policy_model.objects.live().public(), text).order_by("-issued_on")[:SEARCH_LIMIT]
    )
    for model in ARTICLE_MODELS:
        found += list(
            _search(model.objects.live().public(), text).order_by("-published_on")[:SEARCH_LIMIT]
        )
    return found[:SEARCH_LIMIT]
