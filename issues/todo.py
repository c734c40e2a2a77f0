"""Reads behind the to-do page (待办): per role, the issues waiting for this person.

A person with several roles gets every group their roles give them. Each section costs two
queries (its count and its first rows), so the page's query count depends only on the number of
roles, never on the number of issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import scope_for
from enterprises.models import LiaisonAssignment
from issues.models import ExtensionRequest, Issue
from issues.workflow import OPEN_STATES, State

ROWS_PER_SECTION = 10


@dataclass
class TodoSection:
    key: str
    title: str
    count: int
    rows: list
    list_query: str = ""  # query string for the full list on the issue list page
    # "issue" rows are issues, "extension" rows are extension requests, "policy" rows are
    # policy pushes waiting for the liaison's 政策宣讲 (policies.selectors.targets_to_deliver)
    kind: str = "issue"


@dataclass
class TodoGroup:
    key: str
    title: str
    sections: list[TodoSection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def _issue_rows(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "enterprise", "category", "category__parent", "lead_unit", "handler"
    ).order_by("registered_at", "pk")


def _section(key, title, qs, *, list_query="", kind="issue") -> TodoSection:
    rows = list(qs[:ROWS_PER_SECTION])
    count = len(rows) if len(rows) < ROWS_PER_SECTION else qs.count()
    return TodoSection(key, str(title), count, rows, list_query, kind)


def dispatcher_group(user, scope) -> TodoGroup:
    mine = Issue.objects.filter(scope.region_id_q("region", Role.DISPATCHER))
    pending_extensions = (
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
        .filter(scope.region_id_q("issue__region", Role.DISPATCHER))
        .select_related("issue", "issue__enterprise", "issue__lead_unit", "requested_by")
        .order_by("requested_at", "pk")
    )
    return TodoGroup(
        "dispatcher",
        str(_("派单员")),
        [
            _section(
                "new",
                _("待派单"),
                _issue_rows(mine.filter(state=State.NEW)),
                list_query="state=new",
            ),
            _section(
                "returned",
                _("退回待审"),
                _issue_rows(mine.filter(state=State.RETURNED)),
                list_query="state=returned",
            ),
            _section("extensions", _("延期申请待审批"), pending_extensions, kind="extension"),
            _section(
                "review",
                _("办结待审"),
                _issue_rows(mine.filter(state=State.REVIEW)),
                list_query="state=review",
            ),
        ],
    )


def unit_group(user, scope) -> TodoGroup:
    unit_ids = scope.unit_ids(Role.HANDLER, Role.UNIT_HEAD)
    mine = Issue.objects.filter(lead_unit_id__in=unit_ids)
    in_progress = _issue_rows(mine.filter(state=State.IN_PROGRESS)).order_by(
        "resolve_deadline", "pk"
    )
    return TodoGroup(
        "unit",
        str(_("承办单位")),
        [
            _section(
                "dispatched",
                _("待签收"),
                _issue_rows(mine.filter(state=State.DISPATCHED)),
                list_query="state=dispatched",
            ),
            _section("in_progress", _("办理中"), in_progress, list_query="state=in_progress"),
            _section(
                "waiting",
                _("待企业补充"),
                _issue_rows(mine.filter(state=State.WAITING_ENTERPRISE)),
                list_query="state=waiting_enterprise",
            ),
        ],
    )


def liaison_group(user, scope) -> TodoGroup:
    from policies.selectors import targets_to_deliver

    mine = Issue.objects.filter(
        Exists(
            LiaisonAssignment.objects.active().filter(
                enterprise=OuterRef("enterprise"), person_id=scope.user_id
            )
        )
    )
    return TodoGroup(
        "liaison",
        str(_("包保企业")),
        [
            _section(
                "revisit",
                _("已办结待回访"),
                _issue_rows(mine.filter(state=State.RESOLVED)),
                list_query="state=resolved",
            ),
            _section(
                "open",
                _("我的企业在办诉求"),
                _issue_rows(mine.filter(state__in=OPEN_STATES)),
            ),
            _section("policies", _("待宣讲政策"), targets_to_deliver(user=user), kind="policy"),
        ],
    )


def todo_sections_for(*, user) -> list[TodoGroup]:
    """The to-do groups of every role `user` holds (dispatcher, unit staff, liaison)."""
    scope = scope_for(user)
    groups = []
    if scope.has_role(Role.DISPATCHER):
        groups.append(dispatcher_group(user, scope))
    if scope.unit_ids(Role.HANDLER, Role.UNIT_HEAD):
        groups.append(unit_group(user, scope))
    if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        groups.append(liaison_group(user, scope))
    return groups
