"""Display helpers for the issue pages: badge colours and the running deadline's colour.

Pure functions of an issue's fields, so every page shows them the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from issues.workflow import State

STATE_BADGES = {
    State.NEW: "text-bg-primary",
    State.DISPATCHED: "text-bg-info",
    State.RETURNED: "text-bg-warning",
    State.IN_PROGRESS: "text-bg-primary",
    State.WAITING_ENTERPRISE: "text-bg-secondary",
    State.REVIEW: "text-bg-warning",
    State.RESOLVED: "text-bg-success",
    State.CLOSED: "text-bg-dark",
    State.WITHDRAWN: "text-bg-light border",
    State.MERGED: "text-bg-light border",
}

DEADLINE_CLASSES = {
    "overdue": "text-danger fw-semibold",
    "warning": "text-warning-emphasis fw-semibold",
    "ok": "text-success",
    "paused": "text-muted",
}
DEADLINE_LABELS = {
    "overdue": _("已超期"),
    "warning": _("临近期限"),
    "ok": _("正常"),
    "paused": _("暂停计时"),
}


# Actions that end or hand back the work are shown in red, so nobody clicks them by habit.
ENDING_ACTIONS = frozenset({"withdraw", "return", "merge"})


def action_button(name: str) -> str:
    return "btn-outline-danger" if name in ENDING_ACTIONS else "btn-outline-primary"


def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-secondary")


@dataclass(frozen=True)
class RunningDeadline:
    label: str
    at: datetime
    status: str  # overdue | warning | ok | paused

    @property
    def css(self) -> str:
        return DEADLINE_CLASSES[self.status]

    @property
    def status_label(self) -> str:
        return str(DEADLINE_LABELS[self.status])


def deadline_status(*, deadline, started=None, band=Decimal("0.2"), now=None) -> str:
    """ "overdue", "warning" (inside the last `band` of the limit) or "ok"."""
    now = now or timezone.now()
    if now >= deadline:
        return "overdue"
    if started is not None and deadline > started:
        left = (deadline - now) / (deadline - started)
        if left <= float(band):
            return "warning"
    return "ok"


def running_deadline(issue, *, now=None) -> RunningDeadline | None:
    """The deadline the issue is working against now (acknowledge, resolve or revisit), or None.

    Reads `issue.category.warning_band` — select_related("category") in lists."""
    band = getattr(issue.category, "warning_band", Decimal("0.2"))
    state = issue.state
    if state == State.DISPATCHED and issue.ack_deadline:
        label, at, started = _("签收期限"), issue.ack_deadline, issue.dispatched_at
    elif state in (State.IN_PROGRESS, State.RETURNED) and issue.resolve_deadline:
        label, at, started = _("办理期限"), issue.resolve_deadline, issue.acknowledged_at
    elif state == State.WAITING_ENTERPRISE and issue.resolve_deadline:
        return RunningDeadline(str(_("办理期限")), issue.resolve_deadline, "paused")
    elif state == State.RESOLVED and issue.revisit_deadline:
        label, at, started = _("回访期限"), issue.revisit_deadline, issue.resolved_at
    else:
        return None
    return RunningDeadline(
        str(label), at, deadline_status(deadline=at, started=started, band=band, now=now)
    )


def issue_row_html(issue, *, staff: bool) -> SafeString:
    """A row of the issue lists (templates/issues/_issue_rows.html): number, title with its
    badges (urgent; 督办 level for staff), enterprise, category, lead unit, state and the running
    deadline. Every text escaped as the template's autoescape did (the standard library's
    `escape` is Django's, without its wrapper for lazy arguments, which cost more than the
    escaping)."""
    url = escape(issue.get_absolute_url())
    number = escape(issue.number)
    enterprise = escape(issue.enterprise.name)
    badges = ""
    if issue.priority == "urgent":
        badges += f'<span class="badge text-bg-danger me-1">{escape(gettext("紧急"))}</span>'
    if issue.supervision_level and staff:
        level = issue.supervision_level
        badges += (
            f'<span class="badge text-bg-warning me-1">{escape(gettext("督办"))}{level}</span>'
        )
    dl = running_deadline(issue)
    if dl:
        at = timezone.localtime(dl.at).strftime("%m-%d %H:%M")
        warn = ' <i class="bi bi-exclamation-triangle-fill"></i>' if dl.status == "overdue" else ""
        title = escape(f"{dl.label} · {dl.status_label}")
        deadline = f'<span class="{escape(dl.css)}" title="{title}">{at}{warn}</span>'
    else:
        deadline = '<span class="text-muted">—</span>'
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<tr data-testid="issue-row-{issue.pk}">\n'
        f'      <td class="text-nowrap d-none d-md-table-cell"><a href="{url}">{number}</a></td>\n'
        f'      <td>{badges}<a href="{url}" class="text-decoration-none">{escape(issue.title)}</a>'
        f'<div class="small text-muted d-md-none">{number}<span class="d-sm-none"> · {enterprise}'
        "</span></div></td>\n"
        f'      <td class="d-none d-sm-table-cell">{enterprise}</td>\n'
        f'      <td class="d-none d-md-table-cell">{escape(str(issue.category))}</td>\n'
        f'      <td class="d-none d-md-table-cell">{escape(str(issue.lead_unit or "—"))}</td>\n'
        f'      <td><span class="badge {escape(state_badge(issue.state))}">'
        f"{escape(state_label(issue.state))}</span></td>\n"
        f'      <td class="text-nowrap">{deadline}</td>\n'
        "    </tr>"
    )


def phase_label(issue, improvements=None) -> str:
    """The closed-loop phase to show. A closed issue reached "优化提升" only when an improvement
    action was opened from it; otherwise its loop is simply closed."""
    if issue.state == State.CLOSED and not improvements:
        return str(_("已闭环"))
    return issue.get_phase_display()


def state_label(state: str) -> str:
    try:
        return str(State(state).label)
    except ValueError:
        return state or "—"


# The keys of IssueEvent.data worth showing, in display order, with their labels.
EVENT_DATA_LABELS = {
    "category": _("分类"),
    "lead_unit": _("主办单位"),
    "supporting_units": _("协办单位"),
    "unit": _("单位"),
    "handler": _("承办人"),
    "ruling": _("裁定"),
    "decision": _("意见"),
    "days": _("延期工作日"),
    "outcome": _("办理结果"),
    "satisfaction": _("满意度"),
    "by": _("评价人"),
    "question": _("需补充内容"),
    "reply": _("答复"),
    "outcome_reason": _("释因说明"),
    "policy_basis": _("政策依据"),
    "reason": _("理由"),
    "comment": _("回访意见"),
    "text": _("内容"),
    "note": _("说明"),
    "name": _("附件"),
    "into_number": _("合并至"),
}

EVENT_VALUE_LABELS = {
    "by": {"enterprise": _("企业自评"), "liaison": _("联络员回访"), "dispatcher": _("派单员回访")},
    "ruling": {"redispatch": _("改派其他单位"), "reject": _("驳回退回，原单位继续办理")},
    "decision": {
        "approve": _("同意"),
        "deny": _("不同意"),
        "pass": _("审核通过"),
        "reject": _("退回重办"),
    },
}


# Notes the system writes into events (in Chinese, the source language); shown translated.
SYSTEM_NOTES = frozenset({gettext_noop("按派单规则自动派单")})


def _value_text(key: str, value) -> str:
    from issues.workflow import Outcome, Satisfaction

    if key == "note" and value in SYSTEM_NOTES:
        return gettext(value)
    if key == "outcome":
        return str(dict(Outcome.choices).get(value, value))
    if key == "satisfaction":
        return str(dict(Satisfaction.choices).get(value, value))
    if key in EVENT_VALUE_LABELS:
        return str(EVENT_VALUE_LABELS[key].get(value, value))
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def event_details(event) -> list[tuple[str, str]]:
    """(label, text) pairs of an event's data, for the timeline."""
    data = event.data or {}
    rows = []
    for key, label in EVENT_DATA_LABELS.items():
        value = data.get(key)
        if value in (None, "", []):
            continue
        rows.append((str(label), _value_text(key, value)))
    return rows


# --- Export rows ----------------------------------------------------------------------------------

EXPORT_HEADERS = [
    _("编号"),
    _("标题"),
    _("企业"),
    _("统一社会信用代码"),
    _("分类"),
    _("来源"),
    _("紧急程度"),
    _("阶段"),
    _("状态"),
    _("主办单位"),
    _("承办人"),
    _("联络员"),
    _("登记时间"),
    _("签收时间"),
    _("办理期限"),
    _("办结时间"),
    _("办理结果"),
    _("满意度"),
    _("销号时间"),
    _("是否超期"),
]
# Supervision is internal (DESIGN §2): only staff exports carry these columns.
STAFF_EXPORT_HEADERS = [_("退回次数"), _("重办次数"), _("延期次数"), _("督办级别")]


def _overdue(issue) -> bool:
    running = running_deadline(issue)
    return running is not None and running.status == "overdue"


def export_headers(*, staff: bool) -> list:
    return EXPORT_HEADERS + STAFF_EXPORT_HEADERS if staff else list(EXPORT_HEADERS)


def export_row(issue, *, staff: bool = True) -> list:
    """One line of the issue list export (rows from `filtered_issues`, already joined). The
    enterprise sees the deadline and whether it is overdue, never the supervision counters."""
    row = [
        issue.number,
        issue.title,
        issue.enterprise.name,
        issue.enterprise.credit_code,
        str(issue.category),
        issue.get_source_display(),
        issue.get_priority_display(),
        phase_label(issue),
        issue.get_state_display(),
        str(issue.lead_unit or ""),
        str(issue.handler or ""),
        str(issue.liaison or ""),
        issue.registered_at,
        issue.acknowledged_at,
        issue.resolve_deadline,
        issue.resolved_at,
        issue.get_outcome_display(),
        issue.get_satisfaction_display(),
        issue.closed_at,
        _("是") if _overdue(issue) else _("否"),
    ]
    if staff:
        row += [
            issue.return_count,
            issue.rework_count,
            issue.extension_count,
            issue.supervision_level,
        ]
    return row


NEEDS_HEADERS = [
    _("序号"),
    _("编号"),
    _("登记日期"),
    _("分类"),
    _("诉求事项"),
    _("主办单位"),
    _("状态"),
    _("办理结果"),
    _("答复意见"),
    _("满意度"),
    _("销号日期"),
]


def _local_date(value):
    return timezone.localtime(value).date() if value else None


def needs_row(n: int, issue) -> list:
    return [
        n,
        issue.number,
        _local_date(issue.registered_at),
        str(issue.category),
        issue.title,
        str(issue.lead_unit or ""),
        issue.get_state_display(),
        issue.get_outcome_display(),
        issue.reply,
        issue.get_satisfaction_display(),
        _local_date(issue.closed_at),
    ]
