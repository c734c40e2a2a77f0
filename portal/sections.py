"""The "企业账号" section of the staff enterprise page: who is bound to the enterprise in the
portal, shown to the people who may manage it (its liaison, an administrator)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enterprises.sections import PageSection


def accounts_section(request, enterprise):
    from portal.selectors import manage_memberships
    from portal.services import may_manage_accounts

    if not may_manage_accounts(user=request.user, enterprise=enterprise):
        return None
    return PageSection(
        _("企业门户账号"),
        "portal/_enterprise_accounts.html",
        {"memberships": manage_memberships(enterprise=enterprise)},
        order=40,
        slug="portal-accounts",
    )
