"""What each action of the table does to an issue (called by `core.apply_action` only).

A handler validates its input (raising `WorkflowError`), mutates the issue in memory, schedules
related rows in `step.after_save`, and fills `step.event_data` with what the timeline shows.
Event data holds ids and plain text only; public events must hold nothing internal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role, RoleMembership, Unit, User
from crm.lib.files import validate_upload
from issues.models import (
    ExtensionRequest,
    Issue,
    IssueAttachment,
    IssueComment,
    IssueSupport,
)
from issues.services.core import Step, WorkflowError
from issues.workflow import ENDED_STATES, Outcome, Satisfaction
from workcalendar.selectors import get_work_calendar
from workcalendar.worktime import working_time_between


def _on_time(now, deadline) -> bool | None:
    return None if deadline is None else now <= deadline


def _business_seconds(start, end) -> int:
    """Working time between two instants on the working calendar, in seconds."""
    if start is None or end <= start:
        return 0
    return int(working_time_between(get_work_calendar(), start, end).total_seconds())


def _timing_facts(*, now, deadline, work_seconds: int) -> dict:
    """What acknowledge and resolve events carry for the cockpit (DESIGN §10): the deadline in
    force at that moment, whether it was met, and the business time it took — so no later
    change of limits or calendar alters a past period's figures."""
    return {
        "deadline": deadline.isoformat() if deadline is not None else None,
        "on_time": _on_time(now, deadline),
        "work_seconds": work_seconds,
    }


def _unit(value) -> Unit:
    pk = value.pk if isinstance(value, Unit) else value
    unit = Unit.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if unit is None:
        raise WorkflowError(_("请选择有效的承办单位。"))
    return unit


def _check_unit_region(issue: Issue, unit: Unit) -> None:
    """A unit may handle an enterprise's issue when its region contains the enterprise's
    (a district bureau, the city) or lies inside it (the street office)."""
    ent_path, unit_path = issue.enterprise.region.path, unit.region.path
    if not (ent_path.startswith(unit_path) or unit_path.startswith(ent_path)):
        raise WorkflowError(
            _("「%(unit)s」不负责该企业所在辖区，不能承办此诉求。") % {"unit": unit}
        )


def _set_units(step: Step, lead_value, supporting_values: Iterable | None) -> None:
    issue = step.issue
    lead = _unit(lead_value)
    _check_unit_region(issue, lead)
    supporting = []
    for value in supporting_values or ():
        unit = _unit(value)
        _check_unit_region(issue, unit)
        if unit.pk != lead.pk and unit not in supporting:
            supporting.append(unit)
    issue.lead_unit = lead
    issue.handler = None
    issue.dispatched_at = step.now
    issue.acknowledged_at = None
    issue.acknowledged_on_time = None

    def replace_supports() -> None:
        IssueSupport.objects.filter(issue=issue).exclude(unit__in=supporting).delete()
        existing = set(IssueSupport.objects.filter(issue=issue).values_list("unit_id", flat=True))
        IssueSupport.objects.bulk_create(
            [
                IssueSupport(issue=issue, unit=u, added_at=step.now)
                for u in supporting
                if u.pk not in existing
            ]
        )

    step.after_save.append(replace_supports)
    step.event_data.update(
        lead_unit_id=lead.pk,
        lead_unit=str(lead),
        supporting_unit_ids=[u.pk for u in supporting],
        supporting_units=[str(u) for u in supporting],
    )


def dispatch(step: Step) -> None:
    _set_units(step, step.data.get("lead_unit"), step.data.get("supporting_units"))
    step.issue.return_final = False
    note = step.text("note", required=False, max_length=500)
    if note:
        step.event_data["note"] = note
    if step.party.is_system:  # by a routing rule (or an import), not by a dispatcher
        step.event_data["auto"] = True


def acknowledge(step: Step) -> None:
    issue = step.issue
    issue.acknowledged_at = step.now
    issue.acknowledged_on_time = _on_time(step.now, issue.ack_deadline)
    if issue.handler_id is None and issue.lead_unit_id in step.party.scope.unit_ids(
        Role.HANDLER, Role.UNIT_HEAD
    ):
        issue.handler = step.actor  # whoever signs for the unit handles it until reassigned
    step.event_data.update(unit_id=issue.lead_unit_id, unit=str(issue.lead_unit))
    step.event_data.update(
        _timing_facts(
            now=step.now,
            deadline=issue.ack_deadline,
            work_seconds=_business_seconds(issue.dispatched_at, step.now),
        )
    )


def return_(step: Step) -> None:
    issue = step.issue
    reason = step.text("reason", max_length=1000)
    issue.return_count += 1
    if issue.lead_unit_id not in issue.returned_unit_ids:
        issue.returned_unit_ids = [*issue.returned_unit_ids, issue.lead_unit_id]
    issue.returned_unit_count = len(issue.returned_unit_ids)
    step.event_data.update(reason=reason, unit_id=issue.lead_unit_id, unit=str(issue.lead_unit))


def rule_return(step: Step) -> None:
    issue = step.issue
    ruling = step.choice("ruling", ("redispatch", "reject"))
    reason = step.text("reason", required=ruling == "reject", max_length=1000)
    step.event_data.update(ruling=ruling, reason=reason, returned_by_unit_id=issue.lead_unit_id)
    if ruling == "redispatch":
        if not step.data.get("lead_unit"):
            raise WorkflowError(_("改派时请选择新的主办单位。"))
        if _unit(step.data["lead_unit"]).pk == issue.lead_unit_id:
            raise WorkflowError(
                _("改派的主办单位不能是退回的单位；如需原单位办理，请选择驳回退回。")
            )
        _set_units(step, step.data["lead_unit"], step.data.get("supporting_units"))
        issue.return_final = False
    else:
        if step.data.get("lead_unit") or step.data.get("supporting_units"):
            raise WorkflowError(_("驳回退回时不能更换承办单位。"))
        issue.return_final = True  # the ruling is final: this unit cannot return it again
        issue.dispatched_at = step.now
        issue.acknowledged_at = None
        issue.acknowledged_on_time = None
        step.event_data.update(lead_unit_id=issue.lead_unit_id, lead_unit=str(issue.lead_unit))


def ask_enterprise(step: Step) -> None:
    step.event_data["question"] = step.text("question", max_length=2000)
    step.issue.paused_at = step.now


def _end_pause(step: Step) -> None:
    issue = step.issue
    if issue.paused_at is not None:
        paused = max(step.now - issue.paused_at, timedelta(0))
        issue.paused_total += paused
        business = _business_seconds(issue.paused_at, step.now)
        issue.paused_business += timedelta(seconds=business)
        issue.paused_at = None
        step.event_data["paused_seconds"] = int(paused.total_seconds())
        step.event_data["paused_business_seconds"] = business


def answer(step: Step) -> None:
    step.event_data["text"] = step.text("text", max_length=4000)
    _end_pause(step)


def comment(step: Step) -> None:
    text = step.text("text", max_length=4000)
    staff = step.party.is_staff_side
    visibility = step.data.get("visibility") or ("internal" if staff else "public")
    if visibility not in IssueComment.Visibility.values:
        raise WorkflowError(_("请选择有效的可见范围。"))
    if visibility == "internal" and not staff:
        raise WorkflowError(_("企业用户的留言对办理人员和企业都可见，不能设为内部。"))
    step.data["visibility"] = visibility
    record = IssueComment(
        issue=step.issue, author=step.actor, text=text, visibility=visibility, created_at=step.now
    )

    def save_comment() -> None:
        record.full_clean()
        record.save()
        step.event_data["comment_id"] = record.pk

    step.after_save.append(save_comment)
    step.event_data.update(text=text, visibility=visibility)


def attach(step: Step) -> None:
    upload = step.data.get("file")
    if upload is None:
        raise WorkflowError(_("请选择要上传的文件。"))
    try:
        checked = validate_upload(upload)
    except ValidationError as exc:
        raise WorkflowError(exc.messages) from None
    staff = step.party.is_staff_side
    is_public = step.data.get("is_public", True)
    is_public = True if not staff else bool(is_public)
    step.data["is_public"] = is_public
    record = IssueAttachment(
        issue=step.issue,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=step.actor,
        uploaded_at=step.now,
        is_public=is_public,
    )

    def save_attachment() -> None:
        record.file.save(checked.original_name, upload, save=False)
        record.save()
        step.event_data["attachment_id"] = record.pk

    step.after_save.append(save_attachment)
    step.event_data.update(name=checked.original_name, size=checked.size, is_public=is_public)


def progress_reply(step: Step) -> None:
    step.event_data["text"] = step.text("text", max_length=4000)


def request_extension(step: Step) -> None:
    try:
        days = int(step.data.get("days"))
    except (TypeError, ValueError):
        raise WorkflowError(_("请填写延期的工作日数。")) from None
    if not 1 <= days <= 60:
        raise WorkflowError(_("延期工作日数应在 1 到 60 之间。"))
    reason = step.text("reason", max_length=1000)
    record = ExtensionRequest(
        issue=step.issue,
        days=days,
        reason=reason,
        requested_by=step.actor,
        requested_at=step.now,
    )

    def save_request() -> None:
        record.full_clean()
        record._history_user = step.actor
        record.save()
        step.event_data["request_id"] = record.pk

    step.after_save.append(save_request)
    step.event_data.update(days=days, reason=reason)


def decide_extension(step: Step) -> None:
    decision = step.choice("decision", ("approve", "deny"))
    note = step.text("note", required=False, max_length=1000)
    record = ExtensionRequest.objects.select_for_update().get(
        issue=step.issue, status=ExtensionRequest.Status.PENDING
    )
    record.status = (
        ExtensionRequest.Status.APPROVED
        if decision == "approve"
        else ExtensionRequest.Status.DENIED
    )
    record.decided_by = step.actor
    record.decided_at = step.now
    record.decision_note = note
    if decision == "approve":
        step.issue.extension_count += 1

    def save_decision() -> None:
        record.full_clean()
        record._history_user = step.actor
        record.save()

    step.after_save.append(save_decision)
    step.event_data.update(request_id=record.pk, decision=decision, days=record.days, note=note)


def resolve(step: Step) -> None:
    issue = step.issue
    outcome = step.choice("outcome", Outcome.values)
    reply = step.text("reply", max_length=4000)
    reason = step.text("outcome_reason", required=outcome == Outcome.EXPLAINED, max_length=2000)
    basis = step.text("policy_basis", required=outcome == Outcome.EXPLAINED, max_length=2000)
    issue.outcome, issue.reply, issue.outcome_reason, issue.policy_basis = (
        outcome,
        reply,
        reason,
        basis,
    )
    issue.resolved_at = step.now
    issue.first_resolved_at = issue.first_resolved_at or step.now
    issue.resolved_on_time = _on_time(step.now, issue.resolve_deadline)
    step.event_data.update(outcome=outcome, reply=reply)
    paused = int(issue.paused_business.total_seconds())
    step.event_data.update(
        _timing_facts(
            now=step.now,
            deadline=issue.resolve_deadline,
            work_seconds=max(_business_seconds(issue.registered_at, step.now) - paused, 0),
        ),
        paused_business_seconds=paused,
    )
    if outcome == Outcome.EXPLAINED:
        step.event_data.update(outcome_reason=reason, policy_basis=basis)


def review(step: Step) -> None:
    decision = step.choice("decision", ("pass", "reject"))
    reason = step.text("reason", required=decision == "reject", max_length=1000)
    step.event_data["decision"] = decision
    if decision == "pass":
        step.event_data.update(outcome=step.issue.outcome, reply=step.issue.reply)
    else:
        step.event_data["reason"] = reason


def revisit(step: Step) -> None:
    issue = step.issue
    satisfaction = step.choice("satisfaction", Satisfaction.values)
    dissatisfied = satisfaction == Satisfaction.DISSATISFIED
    text = step.text("comment", required=dissatisfied, max_length=2000)
    issue.satisfaction = satisfaction
    issue.revisited_at = step.now
    if dissatisfied:
        issue.rework_count += 1
    else:
        issue.closed_at = step.now
    party = step.party
    by = (
        "enterprise"
        if party.is_enterprise_user
        else "liaison"
        if party.is_liaison
        else "dispatcher"
    )
    step.event_data.update(satisfaction=satisfaction, comment=text, by=by)


def reopen(step: Step) -> None:
    issue = step.issue
    step.event_data["reason"] = step.text("reason", max_length=2000)
    issue.rework_count += 1
    issue.closed_at = None


def withdraw(step: Step) -> None:
    step.event_data["reason"] = step.text("reason", required=False, max_length=1000)
    _end_pause(step)


def merge(step: Step) -> None:
    issue = step.issue
    value = step.data.get("into")
    pk = value.pk if isinstance(value, Issue) else value
    # One answer for "no such issue", "not visible to you" and "another enterprise's": an
    # issue number must not tell a dispatcher that an issue exists outside their jurisdiction.
    target = Issue.objects.visible_to(step.actor).filter(pk=pk).first() if pk else None
    if target is None or target.pk == issue.pk or target.enterprise_id != issue.enterprise_id:
        raise WorkflowError(_("目标诉求不存在，或不是同一企业中您可查看的另一件诉求。"))
    if target.state in ENDED_STATES:
        raise WorkflowError(_("目标诉求已撤回或已合并，不能合并到它。"))
    issue.merged_into = target
    _end_pause(step)
    step.event_data.update(
        into_id=target.pk,
        into_number=target.number,
        reason=step.text("reason", required=False, max_length=1000),
    )


def assign_handler(step: Step) -> None:
    issue = step.issue
    value = step.data.get("handler")
    pk = value.pk if isinstance(value, User) else value
    member = RoleMembership.objects.active().filter(
        user_id=pk,
        unit_id=issue.lead_unit_id,
        role__in=[Role.HANDLER, Role.UNIT_HEAD],
        user__is_active=True,
    )
    if not pk or not member.exists():
        raise WorkflowError(_("承办人必须是主办单位的在岗人员。"))
    handler = User.objects.get(pk=pk)
    issue.handler = handler
    step.event_data.update(handler_id=handler.pk, handler=str(handler))


HANDLERS: dict[str, Callable[[Step], None]] = {
    "dispatch": dispatch,
    "acknowledge": acknowledge,
    "return": return_,
    "rule_return": rule_return,
    "ask_enterprise": ask_enterprise,
    "answer": answer,
    "comment": comment,
    "attach": attach,
    "progress_reply": progress_reply,
    "request_extension": request_extension,
    "decide_extension": decide_extension,
    "resolve": resolve,
    "review": review,
    "revisit": revisit,
    "reopen": reopen,
    "withdraw": withdraw,
    "merge": merge,
    "assign_handler": assign_handler,
}
