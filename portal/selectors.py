"""Reads of the enterprise portal. Everything starts from the person's ACTIVE bindings
(`EnterpriseMembership.is_active`), checked on every request, so a deactivated binding loses
access at once; and the portal shows the enterprise side only — the public timeline, public
comments and public attachments — filtered here in the query, never in a template, whoever the
viewer is (a staff member who is also bound to an enterprise sees the portal as the enterprise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.lib.params import parse_id
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment
from issues.models import Category, Issue, IssueAttachment, IssueComment, IssueEvent
from issues.workflow import OPEN_STATES, State
from portal.models import Invitation


def portal_enterprise_ids(*, user) -> list[int]:
    """The enterprises `user` is actively bound to (cached on the user for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_portal_enterprise_ids", None)
    if cached is None:
        cached = list(
            EnterpriseMembership.objects.filter(user=user, is_active=True)
            .order_by("enterprise__name", "enterprise_id")
            .values_list("enterprise_id", flat=True)
        )
        user._portal_enterprise_ids = cached
    return cached


def portal_enterprises(*, user) -> list[Enterprise]:
    ids = portal_enterprise_ids(user=user)
    if not ids:
        return []
    return list(Enterprise.objects.filter(pk__in=ids).order_by("name", "pk"))


def portal_enterprise_get(*, user, pk) -> Enterprise:
    if parse_id(pk) not in portal_enterprise_ids(user=user):
        raise Http404("no such enterprise")
    return Enterprise.objects.get(pk=pk)


def portal_issues(*, user, enterprise_id: int | None = None) -> QuerySet[Issue]:
    """The requests of the person's enterprises (of one of them with `enterprise_id`)."""
    ids = portal_enterprise_ids(user=user)
    if enterprise_id is not None:
        ids = [i for i in ids if i == enterprise_id]
    return (
        Issue.objects.filter(enterprise_id__in=ids)
        .exclude(state=State.MERGED)
        .select_related("enterprise", "category", "category__parent", "lead_unit")
    )


def portal_issue_get(*, user, pk) -> Issue:
    """A request of one of the person's enterprises, else 404."""
    issue = portal_issues(user=user).filter(pk=pk).first() if parse_id(pk) else None
    if issue is None:
        raise Http404("no such request")
    return issue


def portal_timeline(*, issue: Issue) -> list[IssueEvent]:
    return list(
        IssueEvent.objects.filter(issue=issue, is_public=True)
        .select_related("actor")
        .order_by("at", "pk")
    )


def portal_comments(*, issue: Issue) -> list[IssueComment]:
    return list(
        IssueComment.objects.filter(issue=issue, visibility=IssueComment.Visibility.PUBLIC)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def portal_attachments(*, issue: Issue) -> list[IssueAttachment]:
    return list(
        IssueAttachment.objects.filter(issue=issue, is_public=True)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def portal_attachment_get(*, user, issue_id, attachment_id) -> IssueAttachment:
    """A public attachment of a request of the person's enterprises — of that request only."""
    issue = portal_issue_get(user=user, pk=issue_id)
    attachment = (
        IssueAttachment.objects.filter(pk=attachment_id, issue=issue, is_public=True).first()
        if parse_id(attachment_id)
        else None
    )
    if attachment is None:
        raise Http404("no such attachment")
    return attachment


def latest_questions(issues: list[Issue]) -> dict[int, str]:
    """The latest question asked of the enterprise, per waiting request (one query)."""
    waiting = [i.pk for i in issues if i.state == State.WAITING_ENTERPRISE]
    if not waiting:
        return {}
    found: dict[int, str] = {}
    events = IssueEvent.objects.filter(
        issue_id__in=waiting, kind="ask_enterprise", is_public=True
    ).order_by("issue_id", "-at", "-pk")
    for issue_id, data in events.values_list("issue_id", "data"):
        found.setdefault(issue_id, (data or {}).get("question", ""))
    return found


@dataclass(frozen=True)
class Contact:
    enterprise: Enterprise
    kind: str
    name: str
    phone: str


def portal_contacts(*, enterprises: list[Enterprise]) -> list[Contact]:
    """Each enterprise's liaison (联络员) and responsible leader (包保领导), with the phone
    number they serve the enterprise on."""
    rows = (
        LiaisonAssignment.objects.active()
        .filter(enterprise__in=enterprises)
        .select_related("person")
        .order_by("enterprise_id", "kind")
    )
    by_id = {e.pk: e for e in enterprises}
    return [
        Contact(
            enterprise=by_id[a.enterprise_id],
            kind=a.get_kind_display(),
            name=str(a.person),
            phone=a.person.phone,
        )
        for a in rows
    ]


def portal_visits(*, user, enterprises: list[Enterprise], limit: int = 5) -> list:
    """Shareable, done visits of the enterprises (走访记录) with the officers' names only."""
    from visits.models import Visit, VisitOfficer

    ids = [e.pk for e in enterprises]
    return list(
        Visit.objects.filter(
            enterprise_id__in=ids,
            status=Visit.Status.DONE,
            confidentiality=Visit.Confidentiality.SHAREABLE,
        )
        .select_related("enterprise")
        .prefetch_related(
            Prefetch(
                "officer_links",
                queryset=VisitOfficer.objects.select_related("user").order_by("-is_lead", "pk"),
            )
        )
        .order_by("-happened_at", "-pk")[:limit]
    )


def portal_categories() -> list[tuple[Category, list[Category]]]:
    """The catalogue in two levels, for choosing in plain words: (first level, its leaves)."""
    leaves = (
        Category.objects.active()
        .leaves()
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )
    groups: dict[int, tuple[Category, list[Category]]] = {}
    for leaf in leaves:
        top = leaf.parent or leaf
        groups.setdefault(top.pk, (top, []))[1].append(leaf)
    return list(groups.values())


def portal_category_get(pk) -> Category | None:
    if parse_id(pk) is None:
        return None
    return Category.objects.active().leaves().select_related("parent").filter(pk=pk).first()


@dataclass(frozen=True)
class Expectation:
    unit: str  # who will handle it, in plain words
    ack_by: datetime | None
    answer_by: datetime | None
    days: str  # the resolve limit, e.g. "5 个工作日"
    bancheng: bool


def portal_expectation(
    *, enterprise: Enterprise, category: Category, bancheng: bool, now: datetime | None = None
) -> Expectation:
    """What the enterprise may expect before submitting: who will handle the request (the
    routing rule; 办不成事 goes to the dispatcher) and by when — the acknowledge limit from
    now and the resolve limit from that, on the working calendar, as the engine will count."""
    from issues.deadlines import limit_deadline
    from issues.models import LimitUnit
    from issues.services import route_for
    from workcalendar.selectors import get_work_calendar

    now = now or timezone.now()
    cal = get_work_calendar()
    rule = None if bancheng else route_for(category=category, region=enterprise.region)
    ack_by = limit_deadline(cal, now, category.ack_limit, category.ack_unit)
    answer_by = limit_deadline(cal, ack_by, category.resolve_limit, category.resolve_unit)
    amount = f"{category.resolve_limit.normalize():f}"
    if category.resolve_unit == LimitUnit.WORKING_HOURS:
        days = _("%(n)s 个工作小时") % {"n": amount}
    else:
        days = _("%(n)s 个工作日") % {"n": amount}
    return Expectation(
        unit=str(rule.lead_unit) if rule else "",
        ack_by=ack_by,
        answer_by=answer_by,
        days=days,
        bancheng=bancheng,
    )


def portal_open_requests(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.state in OPEN_STATES or i.state == State.RESOLVED]


def manage_invitations(*, enterprise: Enterprise) -> list[Invitation]:
    return list(
        Invitation.objects.filter(enterprise=enterprise).select_related(
            "invited_by", "used_by", "user"
        )
    )


def manage_memberships(*, enterprise: Enterprise) -> list[EnterpriseMembership]:
    return list(
        EnterpriseMembership.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("-is_active", "created_at")
    )


def membership_history(*, enterprise: Enterprise) -> list:
    """The binding changes of this enterprise, newest first (who, when, active or not, why)."""
    return list(
        EnterpriseMembership.history.filter(enterprise_id=enterprise.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:50]
    )


@dataclass(frozen=True)
class MatchedPolicy:
    policy: object  # policies.models.PolicyPage
    reasons: list[str]
    enterprise: Enterprise


def portal_policies(*, enterprises: list[Enterprise]) -> list:
    """Policies in force that the person's enterprises meet (政策直达), each with the reasons it
    matched (`policies.selectors.enterprise_policies`); a policy met by two of the enterprises
    is shown once, under the first. Empty when the policies app is not installed."""
    try:
        from policies.selectors import enterprise_policies
    except ImportError:  # a deployment without the public site's policies app
        return []
    found, seen = [], set()
    for enterprise in enterprises:
        for match in enterprise_policies(enterprise=enterprise):
            if match.policy.pk not in seen:
                seen.add(match.policy.pk)
                found.append(MatchedPolicy(match.policy, list(match.reasons), enterprise))
    return found
