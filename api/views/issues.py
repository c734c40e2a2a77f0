"""Issues: list, detail with the timeline, register, comments, attachments and the workflow
actions — through the issues app's selectors, forms and its one transition service.

`POST /issues/{id}/actions/{action}/` is the page's action endpoint as JSON: the viewer must be
offered the action now (else 409 with the engine's reason, or 404 when the issue is not
theirs), the page's action form validates the input, and `issue_transition` checks everything
again under a row lock — a crafted call changes nothing."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api.errors import ApiError, conflict, form_errors, invalid
from api.serializers import (
    ActionInputSerializer,
    ActionSerializer,
    AttachmentInputSerializer,
    AttachmentSerializer,
    CommentInputSerializer,
    CommentSerializer,
    IssueDetailSerializer,
    IssueRegisterInputSerializer,
    IssueSerializer,
)
from api.views.base import ApiViewSet, checked, form_data, form_files
from issues.attachments import issue_attachment_response
from issues.filters import IssueFilter
from issues.forms import RegisterIssueForm, action_form
from issues.models import Issue
from issues.page_selectors import (
    issue_attachment_of_issue,
    register_form_choices,
    registrable_enterprises,
)
from issues.selectors import (
    issue_attachments,
    issue_available_actions,
    issue_comments,
    issue_filterset,
    issue_get_for_user,
    issue_list,
    issue_timeline,
)
from issues.services import issue_register, issue_transition
from issues.workflow import ACTIONS, TRANSITION_ACTIONS, Party, can


def _detail(issue: Issue, user) -> dict:
    timeline = list(issue_timeline(issue=issue, user=user))
    return IssueDetailSerializer(issue, context={"timeline": timeline}).data


def apply(request, issue: Issue, name: str) -> Issue:
    """Apply action `name` to `issue` for the requester, as the issue page does."""
    user = request.user
    if name not in TRANSITION_ACTIONS:
        raise ApiError(_("未知的操作。"), code="unknown_action", status_code=404)
    offered = {a.name for a in issue_available_actions(user=user, issue=issue)}
    if name not in offered:
        _ok, reason = can(ACTIONS[name], Party(user=user, issue=issue, now=timezone.now()))
        raise conflict(str(reason), code="action_not_allowed")
    # The page's comment form starts on "internal" for staff; a JSON call may leave it out.
    base = {"visibility": "internal"} if name == "comment" else None
    form = action_form(
        name,
        user=user,
        issue=issue,
        data=form_data(request, prefix=name, base=base),
        files=form_files(request, prefix=name),
    )
    if not form.is_valid():
        errors = {k.removeprefix(f"{name}-"): v for k, v in form_errors(form).items()}
        raise invalid(errors)
    issue_transition(actor=user, issue_id=issue.pk, action=name, **form.transition_data())
    return issue_get_for_user(user=user, pk=issue.pk)


class IssueViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = IssueSerializer
    filterset_class = IssueFilter
    queryset = Issue.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        user = self.request.user
        checked(issue_filterset(user=user, filters=self.request.GET))
        return issue_list(user=user, filters=self.request.GET)

    @extend_schema(responses=IssueDetailSerializer)
    def retrieve(self, request, pk=None):
        """The issue with its timeline — only the public events for the enterprise side."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        return Response(_detail(issue, request.user))

    @extend_schema(request=IssueRegisterInputSerializer, responses={201: IssueDetailSerializer})
    def create(self, request):
        """Register an issue (登记) for an enterprise the caller may register for — its liaison
        or responsible leader, or a dispatcher covering it. Routing rules auto-dispatch it."""
        enterprises = registrable_enterprises(user=request.user)
        form = RegisterIssueForm(
            form_data(request),
            request.FILES or None,
            **register_form_choices(enterprises=enterprises),
        )
        if not form.is_valid():
            raise invalid(form_errors(form))
        data = form.cleaned_data
        issue = issue_register(
            actor=request.user,
            enterprise=data["enterprise"],
            source=data["source"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            priority=data["priority"],
            attachments=data["attachments"],
            registered_via=Issue.Via.API,
        )
        issue = issue_get_for_user(user=request.user, pk=issue.pk)
        return Response(_detail(issue, request.user), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ActionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="actions", pagination_class=None)
    def actions(self, request, pk=None):
        """What the caller may do with this issue now (the page offers exactly these)."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        return Response(
            [
                {
                    "name": a.name,
                    "label": str(a.label),
                    "requires": list(a.requires),
                    "optional": list(a.optional),
                }
                for a in issue_available_actions(user=request.user, issue=issue)
            ]
        )

    @extend_schema(
        request=ActionInputSerializer,
        responses=IssueDetailSerializer,
        parameters=[
            OpenApiParameter(
                "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TRANSITION_ACTIONS)
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"actions/(?P<action_name>[a-z_]{1,30})",
        parser_classes=[JSONParser, MultiPartParser],
    )
    def act(self, request, pk=None, action_name=None):
        """Apply one workflow action through `issue_transition`."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        issue = apply(request, issue, action_name)
        return Response(_detail(issue, request.user))

    @extend_schema(responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="comments", pagination_class=None)
    def comments(self, request, pk=None):
        """Comments in order; internal ones never reach the enterprise side."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        return Response(
            CommentSerializer(issue_comments(issue=issue, user=request.user), many=True).data
        )

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    @comments.mapping.post
    def comment_add(self, request, pk=None):
        """Comment (the workflow's "comment" action): internal by default for staff, always
        public for the enterprise side."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        apply(request, issue, "comment")
        mine = issue_comments(issue=issue, user=request.user).filter(author=request.user)
        comment = mine.order_by("-created_at", "-pk")[0]
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=AttachmentSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="attachments",
        pagination_class=None,
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request, pk=None):
        issue = issue_get_for_user(user=request.user, pk=pk)
        rows = issue_attachments(issue=issue, user=request.user)
        return Response(AttachmentSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @attachments.mapping.post
    def attachment_add(self, request, pk=None):
        """Upload a file (the workflow's "attach" action): checked by content, stored privately
        (crm.lib.files)."""
        issue = issue_get_for_user(user=request.user, pk=pk)
        apply(request, issue, "attach")
        mine = issue_attachments(issue=issue, user=request.user).filter(uploaded_by=request.user)
        attachment = mine.order_by("-pk")[0]
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]{1,18})/download",
    )
    def download(self, request, pk=None, attachment_pk=None):
        """The file, as a download that no browser renders (attachment, nosniff, sandbox)."""
        attachment = issue_attachment_of_issue(
            user=request.user, issue_id=int(pk), attachment_id=int(attachment_pk)
        )
        return issue_attachment_response(attachment)
