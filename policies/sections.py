"""The enterprise page's "matched policies" section (declared in enterprises.sections)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from policies.permissions import can_deliver
from policies.selectors import enterprise_policies, enterprise_push_rows


def policy_section(request, enterprise):
    """The policies in force that the enterprise meets, with the reasons, and — where it was
    pushed — how far the push has got (read, delivered, applied, received)."""
    from enterprises.sections import PageSection

    matches = enterprise_policies(enterprise=enterprise)
    pushes = enterprise_push_rows(user=request.user, enterprise=enterprise) if matches else {}
    rows = [{"match": m, "push": pushes.get(m.policy.pk)} for m in matches]
    return PageSection(
        title=str(_("匹配政策")),
        template="policies/_enterprise_policies.html",
        context={"rows": rows, "may_deliver": can_deliver(request.user, _Target(enterprise))},
        order=30,
        slug="policies",
    )


class _Target:
    """What `can_deliver` reads of a push row: its enterprise."""

    def __init__(self, enterprise):
        self.enterprise_id = enterprise.pk
