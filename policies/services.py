"""Writes for policy pushes (精准推送): keyword-only, an explicit actor, one transaction each.

`policy_push_publish` is the only writer of pushes: called by the Celery task that publishing a
policy queues (policies.signals), by the beat's sweep for pushes the broker never delivered, and
by the demo. The push rows move forward only: notified → read → delivered → applied → received.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from accounts.models import User
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment
from notifications.models import Kind
from notifications.services import Message, notify_many
from policies.matching import Eligibility, Profile
from policies.models import PolicyPage, PolicyPush, PushTarget
from policies.permissions import can_deliver, can_record_outcome
from policies.selectors import policy_matches
from visits.models import Visit

logger = logging.getLogger(__name__)

STEPS = [s.value for s in PushTarget.Status]  # in order
LIAISON_LIST_LENGTH = 20  # enterprises named in a liaison's notification before "等N家"


def _advance(target: PushTarget, status: str) -> None:
    if STEPS.index(status) > STEPS.index(target.status):
        target.status = status


@transaction.atomic
def policy_push_publish(*, revision_id: int) -> PolicyPush | None:
    """Push a published revision of a policy to the enterprises it matches.

    Idempotent per revision: a second run, or a run concurrent with this one, finds the push
    (runs for one policy are serialised by a row lock on the policy) and does nothing. Only
    enterprises this policy was never pushed to are notified, so republishing a page never tells
    anyone twice; a broadened eligibility reaches the newly matched enterprises only.

    Notifies, through the outbox and in this transaction: each new enterprise's users (one
    notification each, leading to the policy and recording that it was read) and each liaison
    of those enterprises (one notification listing their enterprises). Returns the push, or
    None when the revision or the policy is gone or no longer live.
    """
    revision = Revision.objects.filter(pk=revision_id).first()
    if revision is None:
        return None
    policy = (
        PolicyPage.objects.select_for_update().filter(pk=int(revision.object_id), live=True).first()
    )
    if policy is None:
        return None
    existing = PolicyPush.objects.filter(revision_key=revision.pk).first()
    if existing is not None:
        return existing
    now = timezone.now()
    push = PolicyPush.objects.create(
        policy=policy, revision=revision, revision_key=revision.pk, published_by=revision.user
    )
    # an expired policy is published for the record only: nobody is told about it
    matched = Enterprise.objects.none() if policy.is_expired else policy_matches(policy=policy)
    new = matched.exclude(
        Exists(PushTarget.objects.filter(policy=policy, enterprise=OuterRef("pk")))
    )
    new_list = list(new.select_related("industry", "region"))
    tags: dict[int, set[int]] = {}
    for enterprise_id, tag_id in Enterprise.tags.through.objects.filter(
        enterprise__in=new.values("pk")
    ).values_list("enterprise_id", "tag_id"):
        tags.setdefault(enterprise_id, set()).add(tag_id)
    liaisons = {
        a.enterprise_id: a.person
        for a in LiaisonAssignment.objects.active()
        .filter(kind=LiaisonAssignment.Kind.LIAISON, enterprise__in=new.values("pk"))
        .select_related("person")
    }
    eligibility = Eligibility.of(policy)
    targets = [
        PushTarget(
            push=push,
            policy=policy,
            enterprise=enterprise,
            liaison=liaisons.get(enterprise.pk),
            reasons="；".join(
                eligibility.reasons(Profile.of(enterprise, tags.get(enterprise.pk, ()))) or ()
            )[:500],
            notified_at=now,
        )
        for enterprise in new_list
    ]
    PushTarget.objects.bulk_create(targets, batch_size=1000)
    push.matched = matched.count()
    push.new_targets = len(targets)
    push.save(update_fields=["matched", "new_targets"])
    _notify(push=push, policy=policy, targets=targets)
    return push


def _notify(*, push: PolicyPush, policy: PolicyPage, targets: list[PushTarget]) -> None:
    by_enterprise = {t.enterprise_id: t for t in targets}
    members: dict[int, list[User]] = {}
    for membership in EnterpriseMembership.objects.filter(
        enterprise_id__in=list(by_enterprise), is_active=True, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.enterprise_id, []).append(membership.user)
    title = _("政策推送：%(title)s") % {"title": policy.title}
    messages = [
        Message(
            kind=Kind.POLICY_MATCH,
            title=title,
            body=_("贵企业符合该政策的适用条件（%(reasons)s）。%(summary)s")
            % {"reasons": target.reasons, "summary": policy.summary},
            recipients=members[enterprise_id],
            link=reverse("policies:open", kwargs={"pk": target.pk}),
            source_type="policy_push",
            source_id=push.pk,
        )
        for enterprise_id, target in by_enterprise.items()
        if enterprise_id in members
    ]
    per_liaison: dict[int, list[PushTarget]] = {}
    people: dict[int, User] = {}
    for target in targets:
        if target.liaison is not None:
            per_liaison.setdefault(target.liaison.pk, []).append(target)
            people[target.liaison.pk] = target.liaison
    for person_id, rows in per_liaison.items():
        names = "、".join(t.enterprise.name for t in rows[:LIAISON_LIST_LENGTH])
        if len(rows) > LIAISON_LIST_LENGTH:
            names += _("等%(n)s家") % {"n": len(rows)}
        messages.append(
            Message(
                kind=Kind.POLICY_MATCH,
                title=_("待宣讲政策：%(title)s（%(n)s家企业）")
                % {"title": policy.title, "n": len(rows)},
                body=_("您包保的以下企业符合该政策，请上门或电话宣讲：%(names)s")
                % {"names": names},
                recipients=[people[person_id]],
                link=reverse("policies:to_deliver"),
                source_type="policy_push",
                source_id=push.pk,
            )
        )
    if messages:
        notify_many(messages=messages)


def policy_pushes_missing() -> list[int]:
    """Published revisions of live policies that have no push yet (the broker was down when
    they were published): the beat's sweep pushes them."""
    return list(
        PolicyPage.objects.live()
        .filter(live_revision__isnull=False)
        .exclude(Exists(PolicyPush.objects.filter(revision_key=OuterRef("live_revision_id"))))
        .values_list("live_revision_id", flat=True)
    )


@transaction.atomic
def push_target_mark_read(*, actor: User, target: PushTarget) -> PushTarget:
    """The enterprise opened the pushed policy (only its own users count)."""
    target = PushTarget.objects.select_for_update().get(pk=target.pk)
    if (
        target.read_at is None
        and EnterpriseMembership.objects.filter(
            user=actor, enterprise_id=target.enterprise_id, is_active=True
        ).exists()
    ):
        target.read_at = timezone.now()
        _advance(target, PushTarget.Status.READ)
        target.save(update_fields=["read_at", "status"])
    return target


@transaction.atomic
def push_target_deliver(*, actor: User, target: PushTarget, summary: str = "") -> Visit:
    """Log the 政策宣讲 visit for a pushed policy through the visit capture
    (`visits.services.visit_log`, led by `actor`, now, visible to the enterprise) and mark the
    push delivered, in one transaction."""
    from visits.services import visit_log

    target = (
        PushTarget.objects.select_for_update()
        .select_related("policy", "enterprise")
        .get(pk=target.pk)
    )
    if not can_deliver(actor, target):
        raise ValidationError(_("只有该企业的包保联络员可以登记政策宣讲。"), code="forbidden")
    if target.delivered_at is not None:
        raise ValidationError(_("该政策已向该企业宣讲过。"), code="delivered")
    visit = visit_log(
        actor=actor,
        enterprise=target.enterprise,
        kind=Visit.Kind.POLICY_BRIEFING,
        happened_at=timezone.now(),
        lead=actor,
        summary=summary.strip()
        or _("宣讲政策《%(title)s》：%(benefit)s")
        % {"title": target.policy.title, "benefit": target.policy.summary},
        confidentiality=Visit.Confidentiality.SHAREABLE,
    )
    target.delivered_at = visit.happened_at
    target.visit = visit
    _advance(target, PushTarget.Status.DELIVERED)
    target.save(update_fields=["delivered_at", "visit", "status"])
    return visit


OUTCOMES = {PushTarget.Status.APPLIED, PushTarget.Status.RECEIVED}


@transaction.atomic
def push_target_record_outcome(
    *, actor: User, target: PushTarget, outcome: str, note: str = ""
) -> PushTarget:
    """Record that the enterprise applied for (已申报) or received (已兑现) the policy's benefit.
    By the enterprise's liaison or the policy's honouring unit; received implies applied."""
    if outcome not in OUTCOMES:
        raise ValidationError(_("无效的办理结果。"), code="outcome")
    target = PushTarget.objects.select_for_update().select_related("policy").get(pk=target.pk)
    if not can_record_outcome(actor, target):
        raise ValidationError(_("只有包保联络员或兑现单位可以登记办理结果。"), code="forbidden")
    now = timezone.now()
    if outcome == PushTarget.Status.RECEIVED:
        if target.received_at is not None:
            raise ValidationError(_("已登记兑现。"), code="done")
        target.received_at = now
    elif target.applied_at is not None:
        raise ValidationError(_("已登记申报。"), code="done")
    target.applied_at = target.applied_at or now
    target.outcome_note = note.strip()[:200]
    target.outcome_by = actor
    _advance(target, outcome)
    target.save(update_fields=["applied_at", "received_at", "outcome_note", "outcome_by", "status"])
    return target


M2M_FIELDS = ("industries", "regions", "tags", "interpretations")


@transaction.atomic
def policy_page_create(
    *, actor: User | None, library, publish: bool = True, **fields
) -> PolicyPage:
    """Create a policy under the library as Wagtail's admin does: a draft revision by `actor`,
    then (when `publish`) that revision published — which queues its push after commit
    (policies.signals). For the demo, imports and tests; editors use /cms/."""
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    page = PolicyPage(live=False, **fields)
    library.add_child(instance=page)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    revision = page.save_revision(user=actor, log_action=True)
    if publish:
        revision.publish(user=actor)
        page.refresh_from_db()
    return page
