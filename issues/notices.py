"""Who hears what (DESIGN §7): the table, next to the transition table (`issues.workflow`), of
what each action tells whom — the action's case × the parties told × the notification kind.

`notify_parties` is listed in the workflow service's `ON_EVENT`: after an action's one event is
written, inside its transaction, it looks the case up in `WHO_HEARS_WHAT` and writes the
notifications through `notifications.services.notify_many` — the outbox: inbox rows and one
delivery per channel each person chose for the kind commit or roll back with the action, and
are sent by Celery after commit (or by the beat's retry sweep when the broker was down).

Recipients are computed from the issue's parties (`PARTIES`), never from the actor, and the
actor is never told of their own action (`notify_many` drops them). A person who belongs to
several parties of one case is told once, by the first notice naming them.

Silent on purpose: acknowledge (the dispatcher sees it on the issue; the deadline ladder
chases a late one), attach (a file is part of a reply or a comment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, RoleMembership, User
from issues.models import Issue, IssueEvent, IssueSupport
from issues.workflow import State
from notifications.models import Kind


@dataclass(frozen=True)
class Notice:
    """One message of a case: its kind, the parties told, its title and body (Chinese,
    formatted with the `_facts` of the issue and the event)."""

    kind: str
    to: tuple[str, ...]
    title: str
    body: str


_RESOLVED_NOTICES = (
    Notice(
        Kind.ISSUE_RESOLVED,
        ("enterprise_users",),
        _("诉求已办结，请评价：%(issue)s"),
        _("您企业的诉求已办结（%(outcome)s）。答复：%(reply)s 请对办理结果进行评价。"),
    ),
    Notice(
        Kind.ISSUE_RESOLVED,
        ("liaison", "registrant"),
        _("诉求已办结待回访：%(issue)s"),
        _("%(enterprise)s的诉求已办结（%(outcome)s），请跟进企业评价与回访。"),
    ),
)
_REWORK_NOTICES = (
    Notice(
        Kind.ISSUE_UPDATE,
        ("handler", "unit_heads", "dispatchers"),
        _("诉求需重新办理：%(issue)s"),
        _("%(enterprise)s对办理结果不满意或申请重新办理：%(reason)s 请重新办理。"),
    ),
)

# case → what it tells. The case is the action, refined where its outcome decides who must
# hear (see `case_of`). Every case of the transition table is a key; () means nobody.
WHO_HEARS_WHAT: dict[str, tuple[Notice, ...]] = {
    "register": (
        Notice(
            Kind.ISSUE_REGISTERED,
            ("dispatchers",),
            _("新诉求待派单：%(issue)s"),
            _("%(enterprise)s登记了一件诉求（%(category)s），请及时派单。"),
        ),
    ),
    # A routing rule dispatches it at once: the dispatch that follows tells the lead unit.
    "register:auto": (),
    "register:bancheng": (
        Notice(
            Kind.ISSUE_REGISTERED,
            ("dispatchers", "responsible_leader"),
            _("办不成事诉求待派单：%(issue)s"),
            _(
                "%(enterprise)s通过“办不成事”窗口反映诉求（%(category)s），已按一级督办，请及时派单。"
            ),
        ),
    ),
    "dispatch": (
        Notice(
            Kind.ISSUE_DISPATCHED,
            ("lead_unit", "supporting_unit_heads", "liaison"),
            _("新派单：%(issue)s"),
            _("%(enterprise)s的诉求已派至%(lead_unit)s主办，请在时限内签收办理。"),
        ),
    ),
    "dispatch:auto": (
        Notice(
            Kind.ISSUE_DISPATCHED,
            ("lead_unit",),
            _("新派单：%(issue)s"),
            _("%(enterprise)s的诉求已按派单规则自动派至%(lead_unit)s主办，请在时限内签收办理。"),
        ),
    ),
    "acknowledge": (),
    "return": (
        Notice(
            Kind.ISSUE_RETURNED,
            ("dispatchers",),
            _("诉求被退回待裁定：%(issue)s"),
            _("%(unit)s退回了该诉求，理由：%(reason)s 请裁定。"),
        ),
    ),
    "rule_return:redispatch": (
        Notice(
            Kind.ISSUE_RETURNED,
            ("returning_unit",),
            _("退回已同意，诉求已改派：%(issue)s"),
            _("派单员同意了贵单位的退回，该诉求已改派%(lead_unit)s主办。"),
        ),
        Notice(
            Kind.ISSUE_DISPATCHED,
            ("lead_unit", "supporting_unit_heads"),
            _("新派单：%(issue)s"),
            _("%(enterprise)s的诉求经退回裁定改派至%(lead_unit)s主办，请在时限内签收办理。"),
        ),
    ),
    "rule_return:reject": (
        Notice(
            Kind.ISSUE_RETURNED,
            ("returning_unit",),
            _("退回未获同意，请签收办理：%(issue)s"),
            _("派单员裁定该诉求由贵单位办理（终审），理由：%(reason)s 请在时限内签收办理。"),
        ),
    ),
    "ask_enterprise": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("enterprise_users", "liaison"),
            _("请补充诉求材料：%(issue)s"),
            _("承办单位需要企业补充：%(question)s"),
        ),
    ),
    "answer": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("handler_or_lead_unit",),
            _("企业已补充材料：%(issue)s"),
            _("%(enterprise)s已补充：%(text)s 办理时限已恢复计时。"),
        ),
    ),
    "comment:public": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("enterprise_users",),
            _("诉求有新留言：%(issue)s"),
            _("%(actor)s留言：%(text)s"),
        ),
    ),
    "comment:internal": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("staff",),
            _("诉求有新的内部留言：%(issue)s"),
            _("%(actor)s留言：%(text)s"),
        ),
    ),
    "attach": (),
    "progress_reply": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("enterprise_users", "liaison"),
            _("诉求办理进展：%(issue)s"),
            _("承办单位阶段性答复：%(text)s"),
        ),
    ),
    "request_extension": (
        Notice(
            Kind.EXTENSION,
            ("dispatchers",),
            _("延期申请待审批：%(issue)s"),
            _("%(lead_unit)s申请延期 %(days)s 个工作日，理由：%(reason)s"),
        ),
    ),
    "decide_extension": (
        Notice(
            Kind.EXTENSION,
            ("handler", "unit_heads"),
            _("延期申请%(decision)s：%(issue)s"),
            _("延期 %(days)s 个工作日的申请%(decision)s。%(note)s"),
        ),
    ),
    "resolve:resolved": _RESOLVED_NOTICES,
    "resolve:review": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("dispatchers",),
            _("办结待审核：%(issue)s"),
            _("%(lead_unit)s已办结该诉求（%(outcome)s），请审核。"),
        ),
    ),
    "review:pass": _RESOLVED_NOTICES,
    "review:reject": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("handler",),
            _("办结审核未通过：%(issue)s"),
            _("派单员退回了办结，理由：%(reason)s 请继续办理。"),
        ),
    ),
    "revisit:rework": _REWORK_NOTICES,
    "revisit:closed": (
        Notice(
            Kind.ISSUE_CLOSED,
            ("lead_unit", "liaison"),
            _("诉求已销号：%(issue)s"),
            _("回访结果：%(satisfaction)s。该诉求已销号。"),
        ),
    ),
    "reopen": _REWORK_NOTICES,
    "withdraw": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("working",),
            _("诉求已撤回：%(issue)s"),
            _("该诉求已撤回，无需继续办理。%(reason)s"),
        ),
    ),
    "merge": (
        Notice(
            Kind.ISSUE_UPDATE,
            ("working",),
            _("诉求已合并：%(issue)s"),
            _("该诉求已合并到 %(into)s，请在该诉求中继续办理。"),
        ),
    ),
    "assign_handler": (
        Notice(
            Kind.ISSUE_DISPATCHED,
            ("handler",),
            _("您被指定为承办人：%(issue)s"),
            _("单位负责人指定您承办%(enterprise)s的诉求，请及时办理。"),
        ),
    ),
}


def case_of(issue: Issue, event: IssueEvent) -> str:
    """The row of `WHO_HEARS_WHAT` for an event of the transition table."""
    kind, data = event.kind, event.data
    if kind == "register":
        if data.get("auto_dispatch"):
            return "register:auto"
        return "register:bancheng" if issue.source == Issue.Source.BANCHENG else "register"
    if kind == "dispatch":
        return "dispatch:auto" if data.get("auto") else "dispatch"
    if kind == "rule_return":
        return f"rule_return:{data.get('ruling')}"
    if kind == "comment":
        return f"comment:{data.get('visibility')}"
    if kind == "resolve":
        return "resolve:review" if event.to_state == State.REVIEW else "resolve:resolved"
    if kind == "review":
        return f"review:{data.get('decision')}"
    if kind == "revisit":
        return "revisit:rework" if event.to_state == State.IN_PROGRESS else "revisit:closed"
    return kind


# --- The parties ----------------------------------------------------------------------------


def _active(users) -> list[User]:
    return [u for u in users if u is not None and u.is_active]


def _unit_staff(unit_ids, roles=(Role.HANDLER, Role.UNIT_HEAD)) -> list[User]:
    if not unit_ids:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleMembership.objects.active()
            .filter(unit_id__in=list(unit_ids), role__in=list(roles))
            .values("user_id"),
        ).order_by("pk")
    )


def dispatchers(issue: Issue, event: IssueEvent) -> list[User]:
    from notifications.services import region_people

    return list(region_people(region=issue.enterprise.region, roles=[Role.DISPATCHER]))


def lead_unit(issue: Issue, event: IssueEvent) -> list[User]:
    """The lead unit's handlers and head(s)."""
    return _unit_staff([issue.lead_unit_id] if issue.lead_unit_id else [])


def unit_heads(issue: Issue, event: IssueEvent) -> list[User]:
    return _unit_staff([issue.lead_unit_id] if issue.lead_unit_id else [], [Role.UNIT_HEAD])


def handler(issue: Issue, event: IssueEvent) -> list[User]:
    """The assigned handler; without one, the lead unit's handlers (or else its head)."""
    if issue.handler_id and issue.handler.is_active:
        return [issue.handler]
    unit = [issue.lead_unit_id] if issue.lead_unit_id else []
    return _unit_staff(unit, [Role.HANDLER]) or _unit_staff(unit, [Role.UNIT_HEAD])


def handler_or_lead_unit(issue: Issue, event: IssueEvent) -> list[User]:
    if issue.handler_id and issue.handler.is_active:
        return [issue.handler]
    return lead_unit(issue, event)


def supporting_unit_heads(issue: Issue, event: IssueEvent) -> list[User]:
    units = IssueSupport.objects.filter(issue_id=issue.pk).values_list("unit_id", flat=True)
    return _unit_staff(list(units), [Role.UNIT_HEAD])


def returning_unit(issue: Issue, event: IssueEvent) -> list[User]:
    """The handlers and head(s) of the unit whose return the dispatcher ruled on."""
    unit_id = event.data.get("returned_by_unit_id")
    return _unit_staff([unit_id] if unit_id else [])


def liaison(issue: Issue, event: IssueEvent) -> list[User]:
    """The enterprise's active liaison (after a handover), else the issue's."""
    from enterprises.models import LiaisonAssignment

    current = (
        LiaisonAssignment.objects.active()
        .filter(enterprise_id=issue.enterprise_id, kind=LiaisonAssignment.Kind.LIAISON)
        .select_related("person")
        .first()
    )
    if current is not None and current.person.is_active:
        return [current.person]
    return _active([issue.liaison]) if issue.liaison_id else []


def responsible_leader(issue: Issue, event: IssueEvent) -> list[User]:
    from enterprises.models import LiaisonAssignment

    return list(
        User.objects.filter(
            is_active=True,
            pk__in=LiaisonAssignment.objects.active()
            .filter(enterprise_id=issue.enterprise_id, kind=LiaisonAssignment.Kind.LEADER)
            .values("person_id"),
        ).order_by("pk")
    )


def enterprise_users(issue: Issue, event: IssueEvent) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            enterprise_memberships__enterprise_id=issue.enterprise_id,
            enterprise_memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def registrant(issue: Issue, event: IssueEvent) -> list[User]:
    return _active([issue.registered_by])


def staff(issue: Issue, event: IssueEvent) -> list[User]:
    """The government side of the issue: dispatchers, lead and supporting units, liaison."""
    return [
        *dispatchers(issue, event),
        *lead_unit(issue, event),
        *supporting_unit_heads(issue, event),
        *liaison(issue, event),
    ]


def working(issue: Issue, event: IssueEvent) -> list[User]:
    """Everyone who was working on it: the same people as `staff`."""
    return staff(issue, event)


PARTIES: dict[str, Callable[[Issue, IssueEvent], list[User]]] = {
    f.__name__: f
    for f in (
        dispatchers,
        lead_unit,
        unit_heads,
        handler,
        handler_or_lead_unit,
        supporting_unit_heads,
        returning_unit,
        liaison,
        responsible_leader,
        enterprise_users,
        registrant,
        staff,
        working,
    )
}


# --- Writing them -------------------------------------------------------------------------------


def _facts(issue: Issue, event: IssueEvent) -> dict[str, str]:
    from issues.workflow import Outcome, Satisfaction

    data = event.data

    def label(choices, value) -> str:
        return str(choices(value).label) if value in choices.values else ""

    return {
        "issue": f"{issue.number}「{issue.title}」",
        "enterprise": str(issue.enterprise),
        "category": str(issue.category),
        "actor": str(event.actor),
        "lead_unit": str(issue.lead_unit) if issue.lead_unit_id else "",
        "unit": data.get("unit", ""),
        "reason": data.get("reason", "") or data.get("comment", ""),
        "question": data.get("question", ""),
        "text": data.get("text", ""),
        "days": str(data.get("days", "")),
        "note": data.get("note", ""),
        "decision": str(_("已批准") if data.get("decision") == "approve" else _("未批准")),
        "outcome": label(Outcome, issue.outcome),
        "reply": issue.reply,
        "satisfaction": label(Satisfaction, issue.satisfaction),
        "into": data.get("into_number", ""),
    }


def messages_for(issue: Issue, event: IssueEvent) -> list:
    """The `notify_many` messages of an event: each notice of its case, to its parties, minus
    the people an earlier notice of the case already tells."""
    from notifications.services import Message

    notices = WHO_HEARS_WHAT.get(case_of(issue, event), ())
    if not notices:
        return []
    link = reverse("issues:detail", args=[issue.pk])
    messages, told, cache = [], set(), {}
    with translation.override(settings.LANGUAGE_CODE):  # the product's primary language
        facts = _facts(issue, event)
        for notice in notices:
            people = []
            for party in notice.to:
                if party not in cache:
                    cache[party] = PARTIES[party](issue, event)
                people += [u for u in cache[party] if u.pk not in told]
            told.update(u.pk for u in people)
            messages.append(
                Message(
                    kind=notice.kind,
                    title=str(notice.title) % facts,
                    body=str(notice.body) % facts,
                    recipients=people,
                    link=link,
                    issue_id=issue.pk,
                    actor=event.actor,
                    source_type="issue_event",
                    source_id=event.pk,
                )
            )
    return messages


def notify_parties(*, issue: Issue, event: IssueEvent) -> None:
    """Tell the parties of `event` (listed in `issues.services.core.ON_EVENT`)."""
    messages = messages_for(issue, event)
    if messages:
        from notifications.services import notify_many

        notify_many(messages=messages)
