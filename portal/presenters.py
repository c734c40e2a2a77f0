"""The portal in plain words: what is happening to a request now and by when, and what each
public timeline event means — without internal jargon (签收, 主办单位 …) unexplained.

Only known event kinds are described, from known fields of their data; nothing else of an
event is ever shown.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues.workflow import Outcome, Satisfaction, State


def _day(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(m)s月%(d)s日") % {"m": local.month, "d": local.day}


def _unit(issue) -> str:
    return str(issue.lead_unit) if issue.lead_unit_id else _("负责部门")


def _late(issue) -> bool:
    """Past the deadline the enterprise was promised (acknowledge or answer)."""
    now = timezone.now()
    if issue.state == State.DISPATCHED:
        return issue.ack_deadline is not None and issue.ack_deadline < now
    if issue.state == State.IN_PROGRESS:
        return issue.resolve_deadline is not None and issue.resolve_deadline < now
    return False


def status_sentence(issue) -> str:
    """One sentence for the owner: who is doing what now, and by when."""
    state = issue.state
    if state == State.NEW:
        if issue.source == issue.Source.BANCHENG:
            return _("已收到，区领导小组办公室正在直接督办，尽快为您确定负责部门")
        return _("已收到，正在为您确定负责部门")
    late = _late(issue)
    if state == State.DISPATCHED:
        when = _day(issue.ack_deadline)
        if late:
            return _("已转给%(unit)s，原定%(when)s前确认接手，已超时，正在督促") % {
                "unit": _unit(issue),
                "when": when,
            }
        if when:
            return _("已转给%(unit)s，预计%(when)s前确认接手") % {
                "unit": _unit(issue),
                "when": when,
            }
        return _("已转给%(unit)s，等待其确认接手") % {"unit": _unit(issue)}
    if state == State.RETURNED:
        return _("正在为您重新确定负责部门")
    if state == State.IN_PROGRESS:
        when = _day(issue.resolve_deadline)
        if late:
            return _("%(unit)s正在办理，原定%(when)s前答复，已超时，正在督促") % {
                "unit": _unit(issue),
                "when": when,
            }
        if when:
            return _("%(unit)s正在办理，预计%(when)s前答复") % {"unit": _unit(issue), "when": when}
        return _("%(unit)s正在办理") % {"unit": _unit(issue)}
    if state == State.WAITING_ENTERPRISE:
        return _("%(unit)s请您补充情况，您答复后继续办理（等您期间不计入办理时间）") % {
            "unit": _unit(issue)
        }
    if state == State.REVIEW:
        return _("%(unit)s已答复，区里正在审核办理结果") % {"unit": _unit(issue)}
    if state == State.RESOLVED:
        return _("%(unit)s已办完，请您评价并确认") % {"unit": _unit(issue)}
    if state == State.CLOSED:
        return _("已办结，您已确认（已销号）")
    if state == State.WITHDRAWN:
        return _("您已撤回")
    return _("已与相同的诉求合并办理")


# State names in plain words (the staff names in brackets where they are jargon).
PLAIN_STATE = {
    State.NEW: gettext_lazy("已收到"),
    State.DISPATCHED: gettext_lazy("已转交部门"),
    State.RETURNED: gettext_lazy("重新确定部门"),
    State.IN_PROGRESS: gettext_lazy("办理中"),
    State.WAITING_ENTERPRISE: gettext_lazy("等您补充"),
    State.REVIEW: gettext_lazy("审核结果中"),
    State.RESOLVED: gettext_lazy("待您评价"),
    State.CLOSED: gettext_lazy("已销号"),
    State.WITHDRAWN: gettext_lazy("已撤回"),
    State.MERGED: gettext_lazy("已合并"),
}

STATE_CSS = {
    State.WAITING_ENTERPRISE: "text-bg-warning",
    State.RESOLVED: "text-bg-info",
    State.CLOSED: "text-bg-success",
    State.WITHDRAWN: "text-bg-secondary",
    State.MERGED: "text-bg-secondary",
}


def plain_state(state: str) -> str:
    return str(PLAIN_STATE.get(state, state))


def state_css(state: str) -> str:
    return STATE_CSS.get(state, "text-bg-primary")


def _choice(choices, value) -> str:
    return str(dict(choices).get(value, ""))


def describe_event(event, issue) -> tuple[str, str]:
    """(headline, detail) of a public event in plain words. Unknown kinds get a neutral
    headline and no detail."""
    data = event.data or {}
    kind = event.kind
    if kind == "register":
        return _("提交诉求"), ""
    if kind == "dispatch":
        unit = data.get("lead_unit") or _unit(issue)
        return _("转给%(unit)s办理") % {"unit": unit}, ""
    if kind == "rule_return":
        return _("重新确定了负责部门"), ""
    if kind == "acknowledge":
        return _("负责部门已确认接手（签收）"), ""
    if kind == "ask_enterprise":
        return _("请您补充情况"), data.get("question", "")
    if kind == "answer":
        return _("已补充情况"), data.get("text", "")
    if kind == "comment":
        return _("留言"), data.get("text", "")
    if kind == "attach":
        return _("上传了材料"), data.get("name", "")
    if kind == "progress_reply":
        return _("办理进展"), data.get("text", "")
    if kind in ("resolve", "review"):
        outcome = _choice(Outcome.choices, data.get("outcome")) or _choice(
            Outcome.choices, issue.outcome
        )
        detail = "\n".join(x for x in (data.get("reply", ""), data.get("outcome_reason", "")) if x)
        return _("办理完成：%(outcome)s") % {"outcome": outcome or "—"}, detail
    if kind == "revisit":
        rating = _choice(Satisfaction.choices, data.get("satisfaction"))
        if data.get("satisfaction") == Satisfaction.DISSATISFIED:
            head = _("评价：%(r)s，退回重新办理") % {"r": rating}
        else:
            head = _("评价：%(r)s，已确认办结（销号）") % {"r": rating}
        return head, data.get("comment", "")
    if kind == "reopen":
        return _("申请重新办理"), data.get("reason", "")
    if kind == "withdraw":
        return _("撤回诉求"), data.get("reason", "")
    if kind == "merge":
        return _("与相同诉求合并办理"), ""
    return _("办理动态"), ""


def who(event, issue, *, viewer_id: int, enterprise_people: set[int]) -> str:
    """Who acted, as the enterprise should see it: "您", a person of the enterprise by name,
    anyone in government by the responsible unit — never an officer's name or phone number."""
    if event.actor_id == viewer_id:
        return _("您")
    if event.actor_id in enterprise_people:
        return str(event.actor)
    if issue.lead_unit_id and event.kind not in ("register", "dispatch", "rule_return", "merge"):
        return str(issue.lead_unit)
    return _("工作人员")


def person_label(person, issue, *, viewer_id: int, people: set[int]) -> str:
    """The author of a comment or an attachment, as the enterprise sees them."""
    if person is None:
        return ""
    if person.pk == viewer_id:
        return _("您")
    if person.pk in people:
        return str(person)
    return str(issue.lead_unit) if issue.lead_unit_id else _("工作人员")
