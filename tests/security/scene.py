"""One side of the world with one object of every kind a URL can name.

`Scene(world, "own")` stands in 江南区 around `ent_a` (objects the world's people may reach);
`Scene(world, "foreign")` stands in 江北区 around `ent_far` (objects none of them may reach,
except `far_dispatcher`, who owns that side). Objects are built on first use and through the
product's own services, so they are what real pages see.
"""

from __future__ import annotations

from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from enterprises.models import Contact, EnterpriseMembership, ImportJob
from issues.models import Category, Issue
from issues.services import issue_register, issue_transition
from issues.services.improvement import improvement_create
from notifications.models import Kind
from notifications.services import notify
from tests.factories import AssignmentFactory, EnterpriseMembershipFactory, UserFactory, grant
from visits import services as visit_services
from visits.models import Visit, VisitOfficer

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


class Scene:
    def __init__(self, world, side: str):
        assert side in ("own", "foreign")
        self.w = world
        self.side = side

    # people of this side
    @cached_property
    def liaison(self):
        if self.side == "own":
            return self.w.liaison
        user = UserFactory(username="farliaison", display_name="江北联络员")
        grant(user, Role.LIAISON, region=self.w.far)
        AssignmentFactory(enterprise=self.w.ent_far, person=user, kind="liaison")
        return user

    @cached_property
    def dispatcher(self):
        return self.w.dispatcher if self.side == "own" else self.w.far_dispatcher

    @cached_property
    def handler(self):
        if self.side == "own":
            return self.w.handler
        user = UserFactory(username="farhandler", display_name="江北承办人")
        grant(user, Role.HANDLER, unit=self.w.far_unit)
        return user

    @cached_property
    def unit(self):
        return self.w.line_unit if self.side == "own" else self.w.far_unit

    @cached_property
    def region(self):
        return self.w.district if self.side == "own" else self.w.far

    # objects
    @cached_property
    def enterprise(self):
        return self.w.ent_a if self.side == "own" else self.w.ent_far

    @cached_property
    def contact(self):
        return Contact.objects.create(
            enterprise=self.enterprise, name="王经理", phone="13912345678", is_primary=True
        )

    @cached_property
    def category(self):
        category, _ = Category.objects.get_or_create(
            code="sec.plain", defaults={"name": "安全测试"}
        )
        return category

    @cached_property
    def issue(self) -> Issue:
        issue = issue_register(
            actor=self.liaison,
            enterprise=self.enterprise,
            source=Issue.Source.VISIT,
            category=self.category,
            title="厂区用工缺口",
            description="企业反映需要招聘熟练焊工。",
        )
        issue_transition(
            actor=self.dispatcher, issue_id=issue.pk, action="dispatch", lead_unit=self.unit
        )
        issue_transition(actor=self.handler, issue_id=issue.pk, action="acknowledge")
        issue.refresh_from_db()
        return issue

    @cached_property
    def issue_attachment(self):
        issue_transition(
            actor=self.handler,
            issue_id=self.issue.pk,
            action="attach",
            file=SimpleUploadedFile("材料.pdf", PDF),
        )
        return self.issue.attachments.get()

    @cached_property
    def improvement(self):
        return improvement_create(
            actor=self.dispatcher,
            region=self.region,
            title="施工许可并联审批",
            kind="process_simplification",
            issues=[self.issue],
        )

    @cached_property
    def visit(self) -> Visit:
        from django.utils import timezone

        visit = Visit.objects.create(
            enterprise=self.enterprise,
            kind=Visit.Kind.ON_SITE,
            status=Visit.Status.PLANNED,
            planned_on=timezone.localdate(),
            summary="了解企业生产经营情况",
            created_by=self.liaison,
        )
        VisitOfficer.objects.create(visit=visit, user=self.liaison, is_lead=True)
        return visit

    @cached_property
    def visit_attachment(self):
        return visit_services.visit_attach(
            actor=self.liaison, visit=self.visit, upload=SimpleUploadedFile("现场.png", PNG)
        )

    @cached_property
    def import_job(self):
        return ImportJob.objects.create(
            created_by=self.dispatcher, original_name="台账.xlsx", status="uploaded"
        )

    @cached_property
    def notification(self):
        [notification] = notify(
            recipients=[self.dispatcher],
            kind=Kind.ISSUE_DISPATCHED,
            title="新的诉求",
            body="正文",
            link="/",
        )
        return notification

    @cached_property
    def enterprise_user(self):
        if self.side == "own":
            return self.w.enterprise_user
        user = UserFactory(username="farentuser", display_name="江北企业用户")
        EnterpriseMembershipFactory(user=user, enterprise=self.enterprise)
        return user

    @cached_property
    def membership(self):
        return EnterpriseMembership.objects.get(
            user=self.enterprise_user, enterprise=self.enterprise
        )

    @cached_property
    def invitation(self):
        from portal.services import invitation_create

        invitation, _token = invitation_create(
            actor=self.liaison, enterprise=self.enterprise, name="赵六", phone="13912340000"
        )
        return invitation

    @cached_property
    def bulletin(self):
        from django.utils import timezone

        from cockpit.bulletins import bulletin_generate
        from cockpit.periods import last_month

        period = last_month(timezone.localdate())
        return bulletin_generate(
            kind="monthly", region=self.region, period=period, actor=self.dispatcher
        )

    @cached_property
    def api_token(self):
        from api.tokens import token_issue

        return token_issue(actor=self.dispatcher, user=self.dispatcher, name="集成").token

    @cached_property
    def campaign(self):
        from datetime import timedelta

        from django.utils import timezone

        from campaigns.services import campaign_create

        return campaign_create(
            actor=self.dispatcher,
            title=f"专项行动（{self.side}）",
            owner_unit=self.unit,
            deadline=timezone.localdate() + timedelta(days=7),
            enterprise_ids=[self.enterprise.pk],
        )

    @cached_property
    def campaign_target(self):
        return self.campaign.targets.get(enterprise=self.enterprise)

    @cached_property
    def push_target(self):
        """This side's enterprise's row of a policy pushed to every enterprise."""
        from policies.models import PushTarget
        from policies.services import policy_page_create, policy_push_publish
        from tests.policies.conftest import POLICY_DEFAULTS
        from website.setup import site_setup

        policy = policy_page_create(
            actor=None,
            library=site_setup()["library"],
            title=f"普惠政策（{self.side}）",
            slug=f"security-{self.side}",
            **POLICY_DEFAULTS,
        )
        policy_push_publish(revision_id=policy.latest_revision_id)
        return PushTarget.objects.get(policy=policy, enterprise=self.enterprise)
