"""Navigation by role: each entry names the URL of an existing page and the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from accounts.scope import scope_for
from crm.lib.urls import plain_url

# Government staff who work on enterprises and issues (the policy editor works only in /cms/).
STAFF = tuple(r for r in Role if r != Role.POLICY_EDITOR)
ENTERPRISE_USER = "enterprise_user"
EVERYONE = "everyone"  # any signed-in person, with or without a role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    icon: str
    roles: tuple[str, ...]


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", _("工作台"), "house", (EVERYONE,)),
    NavItem("issues:todo", _("待办"), "inbox", STAFF),
    NavItem("enterprises:list", pgettext_lazy("plural", "企业"), "building", STAFF),
    NavItem(
        "visits:list",
        _("走访"),
        "geo-alt",
        (Role.LIAISON, Role.RESPONSIBLE_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN),
    ),
    NavItem("issues:list", _("诉求"), "card-checklist", STAFF),
    NavItem(
        "issues:improvements",
        _("优化提升"),
        "graph-up-arrow",
        (Role.DISPATCHER, Role.LEADER, Role.ADMIN),
    ),
    NavItem(
        "cockpit:index", _("驾驶舱"), "speedometer2", (Role.LEADER, Role.DISPATCHER, Role.ADMIN)
    ),
    NavItem(
        "policies:coverage",
        _("政策直达"),
        "journal-check",
        (Role.LIAISON, Role.RESPONSIBLE_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN),
    ),
    NavItem(
        "campaigns:list",
        _("专项行动"),
        "flag",
        (Role.LIAISON, Role.RESPONSIBLE_LEADER, Role.DISPATCHER, Role.LEADER, Role.ADMIN),
    ),
    NavItem("wagtailadmin_home", _("内容管理"), "pencil-square", (Role.POLICY_EDITOR, Role.ADMIN)),
    NavItem("portal:my_requests", _("我的诉求"), "chat-square-text", (ENTERPRISE_USER,)),
    NavItem("notifications:inbox", _("消息"), "bell", (EVERYONE,)),
    NavItem("admin:index", _("系统管理"), "gear", (Role.ADMIN,)),
)


def nav_for(user, current_path: str = "") -> list[dict]:
    """The navigation entries this person may use, with the current one marked."""
    if not user.is_authenticated:
        return []
    scope = scope_for(user)
    roles = {EVERYONE, *scope.roles}
    if user.is_superuser:
        roles |= set(STAFF)
    if user.enterprise_memberships.filter(is_active=True).exists():
        roles.add(ENTERPRISE_USER)
    items = []
    for item in NAV_ITEMS:
        if not roles.intersection(item.roles):
            continue
        url = plain_url(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": item.label, "icon": item.icon, "active": active})
    return items
