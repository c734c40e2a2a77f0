"""The "诉求 / 帮扶需求清单" section of the enterprise page (listed in the setting
QINQING_ENTERPRISE_PAGE_SECTIONS):
the enterprise's latest issues the viewer may see, a link to the full needs list and, for those
who may register, a "登记诉求" button with the enterprise preselected."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from issues.models import Issue
from issues.page_selectors import registrable_enterprises

SECTION_ROWS = 10


def issues_section(request, enterprise):
    from enterprises.sections import PageSection

    qs = (
        Issue.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("category", "category__parent", "lead_unit")
        .order_by("-registered_at", "-pk")
    )
    rows = list(qs[:SECTION_ROWS])
    total = len(rows) if len(rows) < SECTION_ROWS else qs.count()
    may_register = registrable_enterprises(user=request.user).filter(pk=enterprise.pk).exists()
    return PageSection(
        str(_("诉求 / 帮扶需求清单")),
        "issues/_enterprise_section.html",
        {"issues": rows, "total": total, "may_register": may_register},
        order=20,
        slug="issues",
    )
