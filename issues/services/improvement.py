"""Improve (优化提升): improvement actions opened from recurring issues (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, Role, Unit
from accounts.scope import scope_for
from issues.models import ImprovementAction, Issue
from issues.services.core import WorkflowError


def _may_manage(actor, region: Region) -> bool:
    return scope_for(actor).covers_region(region, Role.DISPATCHER, Role.LEADER, Role.ADMIN)


def _visible_issues(actor, issues: Iterable) -> list[Issue]:
    ids = [i.pk if isinstance(i, Issue) else int(i) for i in issues]
    found = list(Issue.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise WorkflowError(_("关联的诉求不存在或您无权查看。"))
    return found


@transaction.atomic
def improvement_create(
    *,
    actor,
    region: Region,
    title: str,
    kind: str,
    description: str = "",
    owner_unit: Unit | None = None,
    issues: Iterable = (),
) -> ImprovementAction:
    """Open an improvement action (dispatcher, leader or administrator of `region`), linking
    the issues it generalises from (each must be visible to the actor)."""
    if not _may_manage(actor, region):
        raise WorkflowError(_("您无权在该辖区提出优化提升事项。"), code="forbidden")
    linked = _visible_issues(actor, issues)
    action = ImprovementAction(
        region=region,
        title=(title or "").strip(),
        description=(description or "").strip(),
        kind=kind,
        owner_unit=owner_unit,
        created_by=actor,
    )
    try:
        action.full_clean()
    except ValidationError as exc:
        raise WorkflowError(exc.messages) from None
    action._history_user = actor
    action.save()
    if linked:
        action.issues.add(*linked)
    return action


@transaction.atomic
def improvement_set_status(*, actor, improvement_id: int, status: str) -> ImprovementAction:
    """Move an improvement action along proposed → in_progress → done (no way back). Allowed to
    dispatchers / leaders / administrators of its region and to its owner unit's staff."""
    action = (
        ImprovementAction.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=improvement_id)
        .first()
    )
    if action is None:
        raise WorkflowError(_("事项不存在或您无权操作。"), code="not_found")
    scope = scope_for(actor)
    if not (
        _may_manage(actor, action.region)
        or (action.owner_unit_id and action.owner_unit_id in scope.unit_ids())
    ):
        raise WorkflowError(_("事项不存在或您无权操作。"), code="not_found")
    if status not in ImprovementAction.Status.values or not action.can_move_to(status):
        raise WorkflowError(
            _("事项当前为「%(status)s」，不能改为该状态。")
            % {"status": action.get_status_display()}
        )
    action.status = status
    if status == ImprovementAction.Status.DONE:
        action.done_at = timezone.now()
    action.full_clean()
    action._history_user = actor
    action.save()
    return action


@transaction.atomic
def improvement_link_issues(*, actor, improvement_id: int, issues: Iterable) -> ImprovementAction:
    """Link more issues to an improvement action (same rights as creating it)."""
    action = ImprovementAction.objects.select_related("region").filter(pk=improvement_id).first()
    if action is None or not _may_manage(actor, action.region):
        raise WorkflowError(_("事项不存在或您无权操作。"), code="not_found")
    linked = _visible_issues(actor, issues)
    action._history_user = actor
    action.issues.add(*linked)
    return action
