"""The data of each home block (issue 16). One function per block, each a fixed number of
queries whatever the number of issues, enterprises or notifications — tested per block.

They reuse the app selectors: the to-do groups (`issues.todo`), visit coverage
(`visits.selectors.coverage`), the calendar's missing years and the notification inbox; what
they add are counts by urgency in one aggregate query each. Every figure carries the link to
the filtered list it summarises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.scope import InSubquery, Scope
from issues.filters import end_of_today, mine_q
from issues.models import Issue
from issues.models.issue import running_deadline, running_deadline_q, warning_band_q
from issues.workflow import OPEN_STATES, State

ROWS = 5  # rows shown under a block's figures

# The states in which an issue is on the unit's desk (the handler acts).
UNIT_STATES = [State.DISPATCHED, State.IN_PROGRESS, State.WAITING_ENTERPRISE]


@dataclass(frozen=True)
class Viewer:
    """Who is looking, computed once per request."""

    user: User
    scope: Scope
    now: datetime
    today: date


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | str
    url: str = ""
    tone: str = ""  # danger | warning | info | success | "" (neutral)
    hint: str = ""


@dataclass
class BlockData:
    figures: list[Figure] = field(default_factory=list)
    rows: list = field(default_factory=list)
    more_url: str = ""
    extra: dict = field(default_factory=dict)


def url_or_blank(name: str, *args, query: list[tuple[str, object]] | None = None) -> str:
    """The URL of `name` with `query`, or "" when the page does not exist (yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def issues_url(**params) -> str:
    query = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            query.append((key, str(item).lower() if isinstance(item, bool) else item))
    return url_or_blank("issues:list", query=query)


def _tone(value: int, tone: str) -> str:
    return tone if value else ""


def _urgent_rows(qs, limit: int = ROWS) -> list[Issue]:
    """The `limit` issues of `qs` whose running deadline comes first. One query, in two steps:
    the ids (ordered and cut without the joins, which would otherwise be made for every issue
    of a long queue before the sort), then those rows with their joins."""
    order = (F("running").asc(nulls_last=True), "registered_at", "pk")
    urgent = qs.annotate(running=running_deadline()).order_by(*order)
    return list(
        Issue.objects.filter(pk__in=urgent.values("pk")[:limit])
        .select_related("enterprise", "category", "category__parent", "lead_unit", "handler")
        .annotate(running=running_deadline())
        .order_by(*order)
    )


# --- Handler ----------------------------------------------------------------------------------


def handler_block(viewer: Viewer) -> BlockData:
    """My queue by urgency: the open issues of my units assigned to me or to nobody yet, counted
    as overdue, due today, in the warning band, waiting for the enterprise and new to
    acknowledge, with the most urgent ones listed. Two queries."""
    now = viewer.now
    queue = Issue.objects.filter(mine_q("queue", viewer.user), state__in=UNIT_STATES)
    counts = queue.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=running_deadline_q(lt=now)),
        today=Count("pk", filter=running_deadline_q(range=(now, end_of_today(now)))),
        warning=Count("pk", filter=warning_band_q(now)),
        waiting=Count("pk", filter=Q(state=State.WAITING_ENTERPRISE)),
        new=Count("pk", filter=Q(state=State.DISPATCHED)),
    )
    base = {"mine": "queue", "state": UNIT_STATES}
    figures = [
        Figure(
            "overdue",
            _("已超期"),
            counts["overdue"],
            issues_url(**base, overdue=True),
            _tone(counts["overdue"], "danger"),
        ),
        Figure(
            "today",
            _("今日到期"),
            counts["today"],
            issues_url(**base, due="today"),
            _tone(counts["today"], "warning"),
        ),
        Figure(
            "warning",
            _("临近期限"),
            counts["warning"],
            issues_url(**base, due="warning"),
            _tone(counts["warning"], "warning"),
        ),
        Figure(
            "waiting",
            _("待企业补充"),
            counts["waiting"],
            issues_url(mine="queue", state=State.WAITING_ENTERPRISE),
        ),
        Figure(
            "new",
            _("新派单待签收"),
            counts["new"],
            issues_url(mine="queue", state=State.DISPATCHED),
            _tone(counts["new"], "info"),
        ),
    ]
    rows = _urgent_rows(queue.exclude(state=State.WAITING_ENTERPRISE)) if counts["total"] else []
    return BlockData(
        figures,
        rows,
        issues_url(**base, ordering="resolve_deadline"),
        {"total": counts["total"]},
    )


# --- Unit head --------------------------------------------------------------------------------

SUPERVISION_KINDS = ("issue_reminder", "supervision_notice")


def unit_head_block(viewer: Viewer) -> BlockData:
    """The unit's queue (led or supported, by state), its unassigned issues, and the reminders
    (催办) and supervision notices (督办) I received. Three queries."""
    from notifications.models import Notification

    units = sorted(viewer.scope.unit_ids(Role.UNIT_HEAD))
    mine = Issue.objects.filter(lead_unit_id__in=units, state__in=UNIT_STATES)
    counts = mine.aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(state=State.DISPATCHED)),
        unassigned=Count("pk", filter=Q(handler__isnull=True)),
        overdue=Count("pk", filter=running_deadline_q(lt=viewer.now)),
    )
    unit = {"unit": units[0]} if len(units) == 1 else {}
    received = Notification.objects.filter(recipient=viewer.user, kind__in=SUPERVISION_KINDS)
    notices = received.aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)),
        reminders=Count("pk", filter=Q(kind="issue_reminder", read_at__isnull=True)),
        supervision=Count("pk", filter=Q(kind="supervision_notice", read_at__isnull=True)),
    )
    inbox = "notifications:inbox"
    figures = [
        Figure("queue", _("本单位在办"), counts["total"], issues_url(**unit, state=UNIT_STATES)),
        Figure(
            "unassigned",
            _("未分配承办人"),
            counts["unassigned"],
            issues_url(mine="unassigned", state=UNIT_STATES),
            _tone(counts["unassigned"], "warning"),
        ),
        Figure(
            "overdue",
            _("已超期"),
            counts["overdue"],
            issues_url(**unit, state=UNIT_STATES, overdue=True),
            _tone(counts["overdue"], "danger"),
        ),
        Figure(
            "reminders",
            _("未读催办"),
            notices["reminders"],
            url_or_blank(inbox, query=[("kind", "issue_reminder"), ("unread", "true")]),
            _tone(notices["reminders"], "warning"),
        ),
        Figure(
            "supervision",
            _("未读督办通知"),
            notices["supervision"],
            url_or_blank(inbox, query=[("kind", "supervision_notice"), ("unread", "true")]),
            _tone(notices["supervision"], "danger"),
        ),
    ]
    rows = list(received.order_by("-created_at", "-pk")[:ROWS])
    return BlockData(figures, rows, issues_url(**unit, state=UNIT_STATES))


# --- Dispatcher -------------------------------------------------------------------------------


# Open issues the dispatcher's home counts apart: 办不成事 cases and escalations (提级).
FLAGGED = Q(source=Issue.Source.BANCHENG) | Q(supervision_level__gte=3)


def dispatcher_block(viewer: Viewer) -> BlockData:
    """What waits for the dispatcher — dispatch, returns to rule on, extensions to decide,
    closures to review (the to-do page's sections, reused) — and the 办不成事 cases and
    escalations in the region. Nine queries (two per to-do section, one aggregate)."""
    from issues.todo import dispatcher_group

    group = dispatcher_group(viewer.user, viewer.scope)
    sections = {s.key: s for s in group.sections}
    region = Issue.objects.filter(viewer.scope.region_id_q("region", Role.DISPATCHER))
    # Counted among the rows that are one or the other (the index issue_open_flagged), not
    # among every open issue of the region.
    counts = region.filter(FLAGGED, state__in=OPEN_STATES).aggregate(
        bancheng=Count("pk", filter=Q(source=Issue.Source.BANCHENG)),
        escalated=Count("pk", filter=Q(supervision_level__gte=3)),
    )
    todo = url_or_blank("issues:todo")
    figures = [
        Figure(
            "new",
            _("待派单"),
            sections["new"].count,
            issues_url(state=State.NEW),
            _tone(sections["new"].count, "danger"),
        ),
        Figure(
            "returned",
            _("退回待裁定"),
            sections["returned"].count,
            issues_url(state=State.RETURNED),
            _tone(sections["returned"].count, "warning"),
        ),
        Figure(
            "extensions",
            _("延期待审批"),
            sections["extensions"].count,
            f"{todo}#todo-extensions" if todo else "",
            _tone(sections["extensions"].count, "warning"),
        ),
        Figure(
            "review",
            _("办结待审核"),
            sections["review"].count,
            issues_url(state=State.REVIEW),
            _tone(sections["review"].count, "info"),
        ),
        Figure(
            "bancheng",
            _("“办不成事”"),
            counts["bancheng"],
            issues_url(source=Issue.Source.BANCHENG, open=True),
            _tone(counts["bancheng"], "warning"),
        ),
        Figure(
            "escalated",
            _("已提级"),
            counts["escalated"],
            issues_url(supervision_level=3, open=True),
            _tone(counts["escalated"], "danger"),
        ),
    ]
    return BlockData(figures, sections["new"].rows[:ROWS], todo)


# --- Liaison ----------------------------------------------------------------------------------


def _week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def liaison_block(viewer: Viewer) -> BlockData:
    """My enterprises due or overdue for a visit (visit coverage, reused), my planned visits
    this week, the open needs of my enterprises by state and the revisits waiting for me.
    Five queries."""
    from visits.models import Visit, VisitOfficer
    from visits.selectors.coverage import coverage_for_officer, overdue_for_officer

    user, today = viewer.user, viewer.today
    monday, sunday = _week(today)
    coverage = coverage_for_officer(
        user=user, officer=user, start=today.replace(day=1), end=today, today=today
    )
    due = overdue_for_officer(user=user, officer=user, today=today) if coverage.overdue else []
    planned = (
        Visit.objects.filter(
            status=Visit.Status.PLANNED,
            planned_on__range=(monday, sunday),
        )
        # My visits first (the array of their ids: read by primary key), then the week's plans
        # among them: not the week's plans of the whole city filtered by who may see them.
        .filter(
            InSubquery(
                F("pk"),
                Subquery(VisitOfficer.objects.filter(user=user).order_by().values("visit_id")),
            )
        )
        .visible_to(user)
        .count()
    )
    by_state = dict(
        Issue.objects.filter(mine_q("liaison", user), state__in=[*OPEN_STATES, State.RESOLVED])
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    revisits = by_state.pop(State.RESOLVED, 0)
    figures = [
        Figure(
            "visit_due",
            _("应走访（到期或超期）"),
            coverage.overdue,
            url_or_blank("visits:my_coverage"),
            _tone(coverage.overdue, "danger"),
        ),
        Figure(
            "planned",
            _("本周计划走访"),
            planned,
            url_or_blank(
                "visits:list",
                query=[
                    ("officer", user.pk),
                    ("status", Visit.Status.PLANNED),
                    ("start", monday.isoformat()),
                    ("end", sunday.isoformat()),
                ],
            ),
            _tone(planned, "info"),
        ),
        Figure(
            "revisit",
            _("待我回访"),
            revisits,
            issues_url(mine="liaison", state=State.RESOLVED),
            _tone(revisits, "warning"),
        ),
    ]
    states = [
        Figure(
            f"state_{state.value}",
            state.label,
            by_state.get(state.value, 0),
            issues_url(mine="liaison", state=state.value),
        )
        for state in State
        if state in OPEN_STATES
    ]
    return BlockData(
        figures,
        due[:ROWS],
        url_or_blank("visits:my_coverage"),
        {
            "states": states,
            "open_total": sum(by_state.values()),
            "open_url": issues_url(mine="liaison", open=True),
            "coverage": coverage,
        },
    )


# --- Responsible leader -----------------------------------------------------------------------


def responsible_leader_block(viewer: Viewer) -> BlockData:
    """Escalations (提级) to me, and my enterprises' open and overdue issues. Two queries."""
    mine = Issue.objects.filter(mine_q("leader", viewer.user), state__in=OPEN_STATES)
    counts = mine.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=running_deadline_q(lt=viewer.now)),
        escalated=Count("pk", filter=Q(supervision_level__gte=3)),
    )
    figures = [
        Figure(
            "escalated",
            _("提级给我"),
            counts["escalated"],
            issues_url(mine="leader", open=True, supervision_level=3),
            _tone(counts["escalated"], "danger"),
        ),
        Figure("open", _("包保企业在办"), counts["open"], issues_url(mine="leader", open=True)),
        Figure(
            "overdue",
            _("其中已超期"),
            counts["overdue"],
            issues_url(mine="leader", open=True, overdue=True),
            _tone(counts["overdue"], "danger"),
        ),
    ]
    rows = _urgent_rows(mine.filter(supervision_level__gte=3)) if counts["escalated"] else []
    return BlockData(figures, rows, issues_url(mine="leader", open=True))


# --- Leader: the cockpit's headline figures (cockpit/home.py) ----------------------------------


# --- Administrator ----------------------------------------------------------------------------


def _when(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def admin_block(viewer: Viewer) -> BlockData:
    """System health: is the working calendar of this year and the next known, failed or
    given-up deliveries, import jobs, the supervision sweep's last run, and active people
    without any role. Five queries."""
    from django.db.models import Exists, OuterRef

    from accounts.models import SYSTEM_USERNAME, RoleMembership
    from enterprises.models import EnterpriseMembership, ImportJob
    from notifications.models import Delivery
    from ops.models import Beacon
    from workcalendar.selectors import missing_years

    missing = missing_years(today=viewer.today)
    deliveries = Delivery.objects.aggregate(
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        gave_up=Count("pk", filter=Q(status=Delivery.Status.GAVE_UP)),
    )
    week_ago = viewer.now - timedelta(days=7)
    jobs = ImportJob.objects.aggregate(
        running=Count(
            "pk", filter=Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        ),
        failed=Count("pk", filter=Q(status=ImportJob.Status.FAILED, created_at__gte=week_ago)),
    )
    sweep = Beacon.objects.filter(name=Beacon.Name.SUPERVISION_SWEEP).first()
    roleless = (
        User.objects.filter(is_active=True)
        .exclude(username=SYSTEM_USERNAME)
        .exclude(Exists(RoleMembership.objects.active().filter(user=OuterRef("pk"))))
        .exclude(Exists(EnterpriseMembership.objects.filter(user=OuterRef("pk"), is_active=True)))
        .count()
    )
    stale = sweep is None or viewer.now - sweep.at > timedelta(minutes=15)
    delivery_admin = "admin:notifications_delivery_changelist"
    figures = [
        Figure(
            "calendar",
            _("工作日历"),
            "、".join(str(y) for y in missing) if missing else str(_("已维护")),
            url_or_blank("admin:workcalendar_calendaryear_changelist"),
            "danger" if missing else "success",
            hint=str(_("以上年份的节假日尚未录入")) if missing else "",
        ),
        Figure(
            "failed",
            _("投递失败待重试"),
            deliveries["failed"],
            url_or_blank(delivery_admin, query=[("status__exact", "failed")]),
            _tone(deliveries["failed"], "warning"),
        ),
        Figure(
            "gave_up",
            _("投递已放弃"),
            deliveries["gave_up"],
            url_or_blank(delivery_admin, query=[("status__exact", "gave_up")]),
            _tone(deliveries["gave_up"], "danger"),
        ),
        Figure(
            "imports",
            _("导入进行中 / 近7天失败"),
            f"{jobs['running']} / {jobs['failed']}",
            url_or_blank("enterprises:import"),
            "danger" if jobs["failed"] else "",
        ),
        Figure(
            "sweep",
            _("督办巡检最近运行"),
            timezone.localtime(sweep.at).strftime("%Y-%m-%d %H:%M")
            if sweep
            else str(_("从未运行")),
            "",
            "danger" if stale else "success",
        ),
        Figure(
            "roleless",
            _("无角色的账号"),
            roleless,
            url_or_blank("admin:accounts_user_changelist"),
            _tone(roleless, "warning"),
        ),
    ]
    return BlockData(figures, [], url_or_blank("admin:index"))


# --- Enterprise user (until the portal brings its home) ----------------------------------------


def enterprise_block(viewer: Viewer) -> BlockData:
    """The requests of my enterprises that are still open, newest first. Two queries."""
    from enterprises.models import EnterpriseMembership

    enterprises = EnterpriseMembership.objects.filter(user=viewer.user, is_active=True).values(
        "enterprise_id"
    )
    mine = Issue.objects.filter(enterprise_id__in=enterprises)
    counts = mine.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        to_rate=Count("pk", filter=Q(state=State.RESOLVED)),
    )
    figures = [
        Figure("open", _("办理中的诉求"), counts["open"]),
        Figure("to_rate", _("待评价"), counts["to_rate"], tone=_tone(counts["to_rate"], "info")),
    ]
    rows = list(
        mine.filter(state__in=[*OPEN_STATES, State.RESOLVED])
        .select_related("enterprise", "category", "lead_unit")
        .order_by("-registered_at", "-pk")[:ROWS]
    )
    return BlockData(figures, rows)
