"""The home page (工作台) as ONE declared list of blocks (issue 16).

Each block says who sees it (a predicate over the viewer's roles), which selector gives its data
(a fixed number of queries, tested per block), and which partial template shows it; every
figure links to the filtered list it summarises. A person with several roles sees the blocks of
each, in this order. Apps that bring a role's home (the cockpit's headline figures, the
enterprise portal) plug in by adding or replacing an entry HERE — there is no registry to
append to at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import scope_for
from cockpit.home import leader_block as cockpit_leader_block
from portal import blocks as portal_blocks
from workbench import selectors
from workbench.selectors import BlockData, Viewer


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    icon: str
    applies: Callable[[Viewer], bool]
    data: Callable[[Viewer], BlockData]
    template: str
    max_queries: int  # what the block may cost; tests/workbench holds it to this


def holds(*roles: str) -> Callable[[Viewer], bool]:
    """The viewer holds one of `roles` through a membership. (Superusers, who may act as any
    role, are not shown every role's block: only those they hold, and the administrator's.)"""

    def predicate(viewer: Viewer) -> bool:
        held = viewer.scope.roles.intersection(roles)
        return bool(held) or (viewer.scope.is_superuser and Role.ADMIN in roles)

    return predicate


def holds_unit_role(role: str) -> Callable[[Viewer], bool]:
    def predicate(viewer: Viewer) -> bool:
        return bool(viewer.scope.unit_ids(role))

    return predicate


def is_enterprise_user(viewer: Viewer) -> bool:
    return viewer.user.enterprise_memberships.filter(is_active=True).exists()


HOME_BLOCKS: tuple[Block, ...] = (
    Block(
        "handler",
        _("我的待办"),
        "inbox",
        holds_unit_role(Role.HANDLER),
        selectors.handler_block,
        "workbench/_block_issues.html",
        2,
    ),
    Block(
        "unit_head",
        _("本单位"),
        "diagram-3",
        holds_unit_role(Role.UNIT_HEAD),
        selectors.unit_head_block,
        "workbench/_block_unit_head.html",
        3,
    ),
    Block(
        "dispatcher",
        _("派单与审核"),
        "send",
        holds(Role.DISPATCHER),
        selectors.dispatcher_block,
        "workbench/_block_issues.html",
        9,
    ),
    Block(
        "liaison",
        _("我的企业"),
        "geo-alt",
        holds(Role.LIAISON),
        selectors.liaison_block,
        "workbench/_block_liaison.html",
        5,
    ),
    Block(
        "responsible_leader",
        _("包保企业"),
        "shield-check",
        holds(Role.RESPONSIBLE_LEADER),
        selectors.responsible_leader_block,
        "workbench/_block_issues.html",
        2,
    ),
    Block(
        "leader",
        _("辖区概况"),
        "speedometer2",
        holds(Role.LEADER),
        cockpit_leader_block,  # the cockpit's headline figures (cockpit/home.py)
        "workbench/_block_figures.html",
        2,
    ),
    Block(
        "admin",
        _("系统状况"),
        "heart-pulse",
        holds(Role.ADMIN),
        selectors.admin_block,
        "workbench/_block_figures.html",
        5,
    ),
    Block(
        "enterprise",
        _("我的诉求"),
        "chat-square-text",
        is_enterprise_user,
        portal_blocks.enterprise_block,  # the portal's plain words, rows lead to the portal
        "portal/_home_block.html",
        2,
    ),
)


@dataclass(frozen=True)
class ShownBlock:
    block: Block
    data: BlockData


def viewer_for(user) -> Viewer:
    now = timezone.now()
    return Viewer(user=user, scope=scope_for(user), now=now, today=timezone.localdate(now))


def home_blocks_for(*, user, blocks: tuple[Block, ...] = HOME_BLOCKS) -> list[ShownBlock]:
    """The blocks `user` sees on the home page, each with its data."""
    viewer = viewer_for(user)
    return [ShownBlock(b, b.data(viewer)) for b in blocks if b.applies(viewer)]


PORTAL_HOME_NAMES = ("portal:home", "portal:index")


def portal_home_for(user) -> str:
    """The enterprise portal's home for a person who is only an enterprise user (no staff
    role), once the portal app provides one; "" otherwise."""
    viewer = viewer_for(user)
    if viewer.scope.is_staff_member or not is_enterprise_user(viewer):
        return ""
    for name in PORTAL_HOME_NAMES:
        url = selectors.url_or_blank(name)
        if url:
            return url
    return ""
