"""Registering an issue (登记) and routing it to its default lead unit (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Region
from accounts.services import system_user
from crm.lib.files import validate_upload
from issues.models import Category, Issue, IssueAttachment, IssueEvent, RoutingRule
from issues.services.core import WorkflowError, apply_action, run_on_event, save_issue
from issues.workflow import ACTIONS, Party, State

# Sources an enterprise user may choose in the portal.
PORTAL_SOURCES = frozenset({Issue.Source.PORTAL, Issue.Source.BANCHENG})


def may_register(party: Party) -> bool:
    """Liaison or responsible leader of the enterprise, an enterprise user bound to it, a
    dispatcher covering its region, or the system account (imports, the 12345 interface)."""
    return (
        party.is_system
        or party.is_dispatcher
        or party.is_assigned_staff
        or party.is_enterprise_user
    )


def route_for(*, category: Category, region: Region) -> RoutingRule | None:
    """The routing rule for an enterprise in `region`: the most specific region on the way up
    to the root wins; a rule for the exact category beats one for its parent category."""
    step = Region.steplen
    paths = [region.path[:i] for i in range(step, len(region.path) + 1, step)]
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rules = list(
        RoutingRule.objects.filter(
            is_active=True,
            category_id__in=categories,
            region__path__in=paths,
            lead_unit__is_active=True,
        )
        .select_related("region", "lead_unit")
        .prefetch_related("supporting_units")
    )
    if not rules:
        return None
    return max(rules, key=lambda r: (r.category_id == category.pk, len(r.region.path)))


def _current_liaison_id(enterprise) -> int | None:
    from enterprises.models import LiaisonAssignment

    return (
        LiaisonAssignment.objects.active()
        .filter(enterprise=enterprise, kind=LiaisonAssignment.Kind.LIAISON)
        .values_list("person_id", flat=True)
        .first()
    )


@transaction.atomic
def issue_register(
    *,
    actor,
    enterprise,
    source: str,
    category: Category,
    title: str,
    description: str,
    priority: str = Issue.Priority.NORMAL,
    visit_id: int | None = None,
    external_ref: str = "",
    attachments: Iterable = (),
    registered_via: str = Issue.Via.WEB,
    at: datetime | None = None,
) -> Issue:
    """Register an issue for `enterprise` (state new) and, when a routing rule matches, dispatch
    it at once to the rule's lead unit as the system user.

    Writes one "register" event (public) and — with auto-dispatch — a second "dispatch" event by
    the system user: register + auto-dispatch = 2 events, 2 history rows. Issues from the
    办不成事 window start at supervision level 1 and are never auto-dispatched: they go straight to
    the dispatcher. The liaison is copied from the enterprise's active liaison.

    Idempotent on `external_ref` (12345 work orders): registering the same reference again
    returns the existing issue unchanged (also under concurrency, via the unique constraint).
    `attachments` are uploaded files, validated (`crm.lib.files.validate_upload`) before anything
    is written. `at` backdates the registration (imports, demo data); views never pass it.
    """
    now = at or timezone.now()
    external_ref = (external_ref or "").strip()
    probe = Issue(enterprise=enterprise, registered_by=actor)
    party = Party(user=actor, issue=probe, now=now)
    if not may_register(party):
        raise WorkflowError(_("您无权为该企业登记诉求。"), code="forbidden")
    if external_ref:
        existing = Issue.objects.filter(external_ref=external_ref).first()
        if existing is not None:
            return _same_reference(existing, enterprise)
    only_enterprise_side = party.is_enterprise_user and not (
        party.is_system or party.is_dispatcher or party.is_assigned_staff
    )
    if only_enterprise_side and source not in PORTAL_SOURCES:
        raise WorkflowError(_("企业用户只能通过门户提交诉求。"))
    _check_category(category)
    checked = []
    for upload in attachments:
        try:
            checked.append((upload, validate_upload(upload)))
        except ValidationError as exc:
            raise WorkflowError(exc.messages) from None

    issue = Issue(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        source=source,
        registered_via=registered_via,
        visit_id=visit_id,
        category=category,
        title=(title or "").strip(),
        description=(description or "").strip(),
        priority=priority,
        state=State.NEW,
        liaison_id=_current_liaison_id(enterprise),
        registered_by=actor,
        supervision_level=1 if source == Issue.Source.BANCHENG else 0,
        external_ref=external_ref,
        registered_at=now,
        last_activity_at=now,
    )
    try:
        save_issue(issue, actor=actor, at=at and now)
    except WorkflowError:
        if external_ref:  # a concurrent registration of the same work order won
            existing = Issue.objects.filter(external_ref=external_ref).first()
            if existing is not None:
                return _same_reference(existing, enterprise)
        raise

    for upload, info in checked:
        record = IssueAttachment(
            issue=issue,
            original_name=info.original_name,
            size=info.size,
            content_type=info.content_type,
            uploaded_by=actor,
            uploaded_at=now,
            is_public=True,
        )
        record.file.save(info.original_name, upload, save=False)
        record.save()

    rule = (
        None
        if source == Issue.Source.BANCHENG
        else route_for(category=category, region=enterprise.region)
    )
    event = IssueEvent.objects.create(
        issue=issue,
        kind="register",
        actor=actor,
        at=now,
        from_state="",
        to_state=State.NEW,
        data={
            "source": source,
            "via": registered_via,
            "category_id": category.pk,
            "category": str(category),
            "attachments": len(checked),
            "auto_dispatch": rule is not None,
        },
        is_public=True,
    )
    run_on_event(issue, event)

    if rule is not None:
        apply_action(
            actor=system_user(),
            issue=issue,
            action=ACTIONS["dispatch"],
            data={
                "lead_unit": rule.lead_unit,
                "supporting_units": list(rule.supporting_units.all()),
                # Stored untranslated; the timeline translates it for the reader.
                "note": gettext_noop("按派单规则自动派单"),
            },
            now=now,
            check_permission=False,
            backdated=at is not None,
        )
    return issue


def _same_reference(existing: Issue, enterprise) -> Issue:
    if existing.enterprise_id != enterprise.pk:
        raise WorkflowError(_("外部编号已被另一企业的诉求使用。"), code="external_ref")
    return existing


def _check_category(category: Category) -> None:
    if category is None or not category.is_active:
        raise WorkflowError(_("请选择有效的诉求分类。"))
    if category.parent_id is None and category.children.filter(is_active=True).exists():
        raise WorkflowError(_("请选择具体的二级分类。"))
