"""Demo data of the portal (idempotent), made with the product's own services: the demo
enterprise user's enterprise gets a visit marked shareable (走访记录 on the portal home). Its
portal requests come from the issues demo (registered via the portal as `qiye`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from enterprises.models import LiaisonAssignment


def seed(log=print) -> None:
    qiye = User.objects.filter(username="qiye").first()
    membership = qiye and qiye.enterprise_memberships.filter(is_active=True).first()
    if membership is None:
        return
    enterprise = membership.enterprise
    _shareable_visit(enterprise, log)


def _shareable_visit(enterprise, log) -> None:
    from visits.models import Visit
    from visits.services import visit_log

    shared = Visit.objects.filter(
        enterprise=enterprise,
        status=Visit.Status.DONE,
        confidentiality=Visit.Confidentiality.SHAREABLE,
    )
    assignment = (
        LiaisonAssignment.objects.active()
        .filter(enterprise=enterprise, kind=LiaisonAssignment.Kind.LIAISON)
        .select_related("person")
        .first()
    )
    if shared.exists() or assignment is None:
        return
    visit_log(
        actor=assignment.person,
        enterprise=enterprise,
        kind=Visit.Kind.ON_SITE,
        happened_at=timezone.now() - timedelta(days=3),
        lead=assignment.person,
        summary="走访企业新车间，了解投产后的用工需求，介绍稳岗返还和培训补贴政策。",
        place=enterprise.address or enterprise.name,
        confidentiality=Visit.Confidentiality.SHAREABLE,
    )
    log("portal: a shareable visit for qiye's enterprise")
