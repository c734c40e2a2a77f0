"""Output shapes of the API (and the documented input shapes). Input is validated by the same
Django forms the pages use (see api.views), so these serializers only describe it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Region, Unit, User
from api.models import ApiToken
from crm.lib.masking import mask_phone
from enterprises.models import Contact, Enterprise, LiaisonAssignment, Tag
from issues.models import Category, Issue, IssueAttachment, IssueComment, IssueEvent
from issues.workflow import Outcome, Satisfaction, State
from notifications.models import Notification
from visits.models import Visit


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]

    def get_name(self, obj) -> str:
        return str(obj)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "code", "kind", "depth"]


class UnitSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "region_id", "region", "is_active"]


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "parent_id",
            "parent",
            "requires_review",
            "ack_limit",
            "ack_unit",
            "resolve_limit",
            "resolve_unit",
        ]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.CharField(
        source="industry.name", default=None, read_only=True, allow_null=True
    )
    tags = TagSerializer(many=True, read_only=True)
    liaison_id = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    liaison_name = serializers.CharField(read_only=True, allow_null=True, default=None)
    leader_id = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    leader_name = serializers.CharField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "legal_representative",
            "established_on",
            "registered_capital",
            "address",
            "region_id",
            "region",
            "industry_id",
            "industry",
            "scale",
            "status",
            "visit_frequency_days",
            "tags",
            "liaison_id",
            "liaison_name",
            "leader_id",
            "leader_name",
            "updated_at",
        ]


class ContactSerializer(serializers.ModelSerializer):
    """`phone` is masked (138****5678) unless the viewer is the enterprise's liaison, its
    responsible leader or an administrator covering it (DESIGN §3); `context["reveal"]`."""

    phone = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone", "email", "is_primary"]

    def get_phone(self, obj) -> str:
        return obj.phone if self.context.get("reveal") else mask_phone(obj.phone)


class EnterpriseDetailSerializer(EnterpriseSerializer):
    contacts = serializers.SerializerMethodField()

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "contacts"]

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, obj):
        return ContactSerializer(self.context["contacts"], many=True, context=self.context).data


class EnterpriseInputSerializer(serializers.Serializer):
    """The enterprise form's fields (`enterprises.forms.EnterpriseForm`). A liaison may change
    the profile but not the credit code or the region."""

    credit_code = serializers.CharField(max_length=18, required=False)
    name = serializers.CharField(max_length=200, required=False)
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True)
    established_on = serializers.DateField(required=False, allow_null=True)
    registered_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    region = serializers.IntegerField(required=False)
    industry = serializers.IntegerField(required=False, allow_null=True)
    scale = serializers.ChoiceField(choices=Enterprise.Scale.choices, required=False)
    status = serializers.ChoiceField(choices=Enterprise.Status.choices, required=False)
    visit_frequency_days = serializers.IntegerField(required=False)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False)


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class AssignmentSerializer(serializers.ModelSerializer):
    person = PersonSerializer(read_only=True)

    class Meta:
        model = LiaisonAssignment
        fields = ["id", "kind", "person", "started_on", "ended_on", "handover_note"]


class AssignmentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LiaisonAssignment.Kind.choices)
    person = serializers.IntegerField()
    on = serializers.DateField()
    handover_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class VisitSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officers = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise_id",
            "enterprise_name",
            "kind",
            "status",
            "planned_on",
            "happened_at",
            "summary",
            "place",
            "confidentiality",
            "officers",
        ]

    @extend_schema_field(PersonSerializer(many=True))
    def get_officers(self, obj):
        return [{"id": o.user_id, "name": str(o.user)} for o in obj.officer_list]


class VisitIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Issue
        fields = ["id", "number", "title", "state"]


class VisitDetailSerializer(VisitSerializer):
    issues = serializers.SerializerMethodField()

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "latitude", "longitude", "issues"]

    @extend_schema_field(VisitIssueSerializer(many=True))
    def get_issues(self, obj):
        return VisitIssueSerializer(self.context.get("issues", []), many=True).data


class NeedInputSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text=_("诉求分类 id（二级分类）"))
    description = serializers.CharField(max_length=2000)


class VisitLogInputSerializer(serializers.Serializer):
    """One-step capture (DESIGN §4): the visit and the needs raised on the spot; each need
    becomes an issue in the same transaction."""

    enterprise = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Visit.Kind.choices)
    happened_at = serializers.DateTimeField()
    lead = serializers.IntegerField()
    officers = serializers.ListField(child=serializers.IntegerField(), required=False)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)
    summary = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    confidentiality = serializers.ChoiceField(choices=Visit.Confidentiality.choices)
    needs = NeedInputSerializer(many=True, required=False)


class IssueSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    lead_unit_name = serializers.CharField(
        source="lead_unit.name", default=None, read_only=True, allow_null=True
    )
    state = serializers.ChoiceField(choices=State.choices, read_only=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "number",
            "title",
            "state",
            "phase",
            "source",
            "priority",
            "enterprise_id",
            "enterprise_name",
            "category_id",
            "category_name",
            "lead_unit_id",
            "lead_unit_name",
            "supervision_level",
            "registered_at",
            "last_activity_at",
            "ack_deadline",
            "resolve_deadline",
            "external_ref",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = IssueEvent
        fields = ["id", "kind", "label", "actor", "at", "from_state", "to_state", "data"]

    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class IssueDetailSerializer(IssueSerializer):
    """Staff see everything; the enterprise side sees the public timeline only."""

    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True, allow_blank=True)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, read_only=True, allow_blank=True
    )
    timeline = serializers.SerializerMethodField()

    class Meta(IssueSerializer.Meta):
        fields = [
            *IssueSerializer.Meta.fields,
            "description",
            "visit_id",
            "outcome",
            "reply",
            "satisfaction",
            "resolved_at",
            "closed_at",
            "timeline",
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj):
        return EventSerializer(self.context["timeline"], many=True).data


class IssueRegisterInputSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    category = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    priority = serializers.ChoiceField(choices=Issue.Priority.choices)
    source = serializers.ChoiceField(choices=Issue.Source.choices)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = IssueComment
        fields = ["id", "author", "text", "visibility", "created_at"]

    def get_author(self, obj) -> str | None:
        return str(obj.author) if obj.author_id else None


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    visibility = serializers.ChoiceField(
        choices=[("internal", _("内部")), ("public", _("公开"))],
        required=False,
        help_text=_("企业用户的留言总是公开的。"),
    )


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = IssueAttachment
        fields = [
            "id",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "is_public",
            "download",
        ]

    def get_download(self, obj) -> str:
        return f"/api/v1/issues/{obj.issue_id}/attachments/{obj.pk}/download/"


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    is_public = serializers.BooleanField(required=False)


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())
    optional = serializers.ListField(child=serializers.CharField())


class ActionInputSerializer(serializers.Serializer):
    """The action's input (see GET …/actions/ for what each action requires): e.g.
    dispatch {"lead_unit": 3, "supporting_units": [5]}, resolve {"outcome": "solved",
    "reply": "…"}, revisit {"satisfaction": "satisfied"}."""

    lead_unit = serializers.IntegerField(required=False)
    supporting_units = serializers.ListField(child=serializers.IntegerField(), required=False)
    note = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)
    ruling = serializers.ChoiceField(choices=["redispatch", "reject"], required=False)
    question = serializers.CharField(required=False)
    text = serializers.CharField(required=False)
    visibility = serializers.ChoiceField(choices=["internal", "public"], required=False)
    days = serializers.IntegerField(required=False)
    decision = serializers.ChoiceField(
        choices=["approve", "deny", "pass", "reject"], required=False
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    reply = serializers.CharField(required=False)
    outcome_reason = serializers.CharField(required=False)
    policy_basis = serializers.CharField(required=False)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False)
    comment = serializers.CharField(required=False)
    into = serializers.IntegerField(required=False)
    handler = serializers.IntegerField(required=False)


class NotificationSerializer(serializers.ModelSerializer):
    link = serializers.CharField(source="target_url", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "issue_id", "created_at", "read_at"]


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class IssuedTokenSerializer(TokenSerializer):
    key = serializers.CharField(help_text=_("令牌密钥，只显示这一次，请妥善保存。"))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]


class WorkOrderInputSerializer(serializers.Serializer):
    """A 12345 work order. Chinese keys are those of the hotline system."""

    工单编号 = serializers.CharField(max_length=50)
    来电人 = serializers.CharField(max_length=50, required=False, allow_blank=True)
    诉求内容 = serializers.CharField(max_length=5000)
    要求办结时间 = serializers.DateTimeField(required=False, allow_null=True)
    企业统一社会信用代码 = serializers.CharField(max_length=18)
    标题 = serializers.CharField(max_length=120, required=False, allow_blank=True)
    分类编码 = serializers.CharField(max_length=30, required=False, allow_blank=True)


class WorkOrderResultSerializer(serializers.Serializer):
    work_order_no = serializers.CharField()
    issue_id = serializers.IntegerField()
    issue_number = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    created = serializers.BooleanField()


__all__ = [name for name in dir() if name.endswith("Serializer")] + ["OpenApiTypes"]
