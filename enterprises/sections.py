"""Sections other apps add to the enterprise page, without editing its template.

The sections are listed, as dotted paths of callables `(request, enterprise) -> PageSection |
None`, in the setting `QINQING_ENTERPRISE_PAGE_SECTIONS` (crm/settings.py), the one place that
says what the page shows; returning None hides the section
(e.g. for people who may not see it). Each section renders `template` with `context`, plus
`request`, `enterprise` and `section`; `order` sorts them (visits 10, needs list 20, policies 30).

    from enterprises.sections import PageSection

    def visits_section(request, enterprise):
        return PageSection("走访记录", "visits/_enterprise_visits.html", {...}, order=10)

    # crm/settings.py: QINQING_ENTERPRISE_PAGE_SECTIONS = [..., "visits.sections.visits_section"]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from crm.lib.plugins import plugins


@dataclass(frozen=True)
class PageSection:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
    slug: str = ""


@dataclass(frozen=True)
class RenderedSection:
    title: str
    slug: str
    html: str


def sections_for(request, enterprise) -> list[RenderedSection]:
    """The registered sections for this page, in order, rendered (each template sees its own
    context plus `request` and `enterprise`)."""
    found = []
    for provider in plugins("QINQING_ENTERPRISE_PAGE_SECTIONS"):
        section = provider(request, enterprise)
        if section is None:
            continue
        if isinstance(section, tuple):  # (title, template, context) is accepted too
            section = PageSection(*section)
        found.append(section)
    found.sort(key=lambda s: s.order)
    return [
        RenderedSection(
            s.title,
            s.slug,
            render_to_string(s.template, {**s.context, "enterprise": enterprise}, request=request),
        )
        for s in found
    ]
