"""What the portal pages show, each in a fixed number of queries (asserted by the tests)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import EnterpriseMembership
from issues.selectors import issue_available_actions
from issues.workflow import OPEN_STATES, State, reopen_window
from portal import selectors
from portal.forms import PORTAL_ACTIONS
from portal.presenters import (
    describe_event,
    person_label,
    plain_state,
    state_css,
    status_sentence,
    who,
)

# The portal's actions in the order offered, in plain words.
ACTION_LABELS = {
    "answer": _("回答问题、补充材料"),
    "revisit": _("评价并确认办结（销号）"),
    "reopen": _("问题没解决，申请重新办理"),
    "comment": _("留言"),
    "withdraw": _("撤回这条诉求"),
}
ACTION_HELP = {
    "revisit": _(
        "选择“满意”或“基本满意”即确认办结，这条诉求销号；选择“不满意”，会退回部门重新办理。"
    ),
    "reopen": _("销号后一段时间内，如果问题又出现或没有真正解决，可以申请重新办理。"),
    "withdraw": _("问题已经自己解决或不需要办理时，可以撤回。撤回后部门不再办理。"),
}


def decorate(issue) -> None:
    issue.plain_state = plain_state(issue.state)
    issue.state_css = state_css(issue.state)
    issue.status_sentence = status_sentence(issue)


def home_context(*, user) -> dict:
    enterprises = selectors.portal_enterprises(user=user)
    active = list(
        selectors.portal_issues(user=user)
        .filter(state__in=[*OPEN_STATES, State.RESOLVED])
        .order_by("-registered_at", "-pk")[:30]
    )
    for issue in active:
        decorate(issue)
    questions = selectors.latest_questions(active)
    waiting = [i for i in active if i.state in (State.WAITING_ENTERPRISE, State.RESOLVED)]
    for issue in waiting:
        issue.question = questions.get(issue.pk, "")
    counts = selectors.portal_issues(user=user).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(state=State.CLOSED)),
    )
    return {
        "enterprises": enterprises,
        "several": len(enterprises) > 1,
        "open_requests": [i for i in active if i not in waiting],
        "waiting": waiting,
        "counts": counts,
        "contacts": selectors.portal_contacts(enterprises=enterprises),
        "visits": selectors.portal_visits(user=user, enterprises=enterprises),
        "policies": selectors.portal_policies(enterprises=enterprises),
        "answer_label": ACTION_LABELS["answer"],
    }


def request_context(user, issue) -> dict:
    """The request page: the public timeline, public comments and attachments, and a form for
    each portal action this person may take now (evaluated by the workflow table)."""
    decorate(issue)
    offered = {a.name for a in issue_available_actions(user=user, issue=issue)}
    forms = {name: PORTAL_ACTIONS[name](prefix=name) for name in ACTION_LABELS if name in offered}
    people = set(
        EnterpriseMembership.objects.filter(enterprise_id=issue.enterprise_id).values_list(
            "user_id", flat=True
        )
    )
    timeline = selectors.portal_timeline(issue=issue)
    for event in timeline:
        event.headline, event.detail = describe_event(event, issue)
        event.who = who(event, issue, viewer_id=user.pk, enterprise_people=people)
    comments = selectors.portal_comments(issue=issue)
    for comment in comments:
        comment.who = person_label(comment.author, issue, viewer_id=user.pk, people=people)
    attachments = selectors.portal_attachments(issue=issue)
    for attachment in attachments:
        attachment.who = person_label(
            attachment.uploaded_by, issue, viewer_id=user.pk, people=people
        )
    reopen_until = None
    if issue.state == State.CLOSED and issue.closed_at and "reopen" in forms:
        reopen_until = issue.closed_at + reopen_window()
    question = ""
    if issue.state == State.WAITING_ENTERPRISE:
        question = selectors.latest_questions([issue]).get(issue.pk, "")
    return {
        "issue": issue,
        "question": question,
        "show_reply": bool(issue.reply) and issue.state in (State.RESOLVED, State.CLOSED),
        "reopen_until": reopen_until,
        "timeline": timeline,
        "comments": comments,
        "attachments": attachments,
        "forms": forms,
        "labels": ACTION_LABELS,
        "helps": ACTION_HELP,
        "failed": None,
    }
