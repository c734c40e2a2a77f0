"""Enterprises, their contacts and liaison assignments — the pages' rules, as JSON.

Visibility and rights come from the enterprises app (`enterprises.views.access`,
`enterprises.permissions`, `enterprises.selectors`); input is validated by its forms; writes go
through its services. People without a staff role get 404, as on the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.errors import form_errors, invalid
from api.serializers import (
    AssignmentInputSerializer,
    AssignmentSerializer,
    ContactInputSerializer,
    ContactSerializer,
    EnterpriseDetailSerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
)
from api.views.base import ApiViewSet, checked, form_data
from enterprises import permissions, services
from enterprises.filters import EnterpriseFilter
from enterprises.forms import AssignForm, ContactForm, EnterpriseForm
from enterprises.models import Enterprise
from enterprises.selectors import (
    assignment_list,
    contact_get_for_user,
    contact_list_for_display,
    enterprise_list,
    with_list_columns,
)
from enterprises.views.access import (
    enterprise_for_edit,
    enterprise_for_reassign,
    enterprise_for_view,
    require_manager,
    require_staff,
)

FORM_FIELDS = EnterpriseForm.Meta.fields


def _contact_rows(user, enterprise) -> list[dict]:
    return [
        {**ContactSerializer(row.contact, context={"reveal": True}).data, "phone": row.phone}
        for row in contact_list_for_display(user=user, enterprise=enterprise)
    ]


def _with_columns(pk: int) -> Enterprise:
    return with_list_columns(Enterprise.objects.filter(pk=pk)).prefetch_related("tags").get()


class EnterpriseViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    queryset = Enterprise.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        require_staff(self.request.user)
        filterset = checked(enterprise_list(user=self.request.user, filters=self.request.GET))
        return with_list_columns(filterset.qs).prefetch_related("tags")

    @extend_schema(responses=EnterpriseDetailSerializer)
    def retrieve(self, request, pk=None):
        enterprise = enterprise_for_view(request.user, pk)
        data = EnterpriseSerializer(_with_columns(enterprise.pk)).data
        return Response({**data, "contacts": _contact_rows(request.user, enterprise)})

    @extend_schema(request=EnterpriseInputSerializer, responses={201: EnterpriseDetailSerializer})
    def create(self, request):
        require_manager(request.user)
        form = EnterpriseForm(form_data(request), user=request.user)
        if not form.is_valid():
            raise invalid(form_errors(form))
        enterprise = services.enterprise_create(
            actor=request.user, tags=form.cleaned_data["tags"], **form.profile_fields()
        )
        data = EnterpriseSerializer(_with_columns(enterprise.pk)).data
        return Response({**data, "contacts": []}, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnterpriseInputSerializer, responses=EnterpriseDetailSerializer)
    def partial_update(self, request, pk=None):
        """Change the fields given; the others keep their values. A liaison may not change the
        credit code or the region (only administrators and dispatchers covering it may)."""
        enterprise = enterprise_for_edit(request.user, pk)
        full = permissions.can_manage(request.user, enterprise)
        current = model_to_dict(enterprise, fields=FORM_FIELDS)
        current["tags"] = [t.pk for t in enterprise.tags.all()]
        current = {k: ("" if v is None else v) for k, v in current.items()}
        form = EnterpriseForm(
            form_data(request, base=current), instance=enterprise, user=request.user, full=full
        )
        if not form.is_valid():
            raise invalid(form_errors(form))
        enterprise.refresh_from_db()  # the form wrote into the instance; the service decides
        services.enterprise_update(
            actor=request.user,
            enterprise=enterprise,
            tags=form.cleaned_data["tags"],
            **form.profile_fields(),
        )
        data = EnterpriseSerializer(_with_columns(enterprise.pk)).data
        return Response({**data, "contacts": _contact_rows(request.user, enterprise)})

    @extend_schema(responses=ContactSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="contacts", pagination_class=None)
    def contacts(self, request, pk=None):
        """The contacts; phones masked (138****5678) for all but the enterprise's liaison, its
        responsible leader and administrators (DESIGN §3)."""
        enterprise = enterprise_for_view(request.user, pk)
        return Response(_contact_rows(request.user, enterprise))

    @extend_schema(request=ContactInputSerializer, responses={201: ContactSerializer})
    @contacts.mapping.post
    def contact_add(self, request, pk=None):
        enterprise = enterprise_for_edit(request.user, pk)
        form = ContactForm(form_data(request))
        if not form.is_valid():
            raise invalid(form_errors(form))
        data = {k: form.cleaned_data[k] for k in ("name", "title", "phone", "email", "is_primary")}
        contact = services.contact_add(actor=request.user, enterprise=enterprise, **data)
        reveal = permissions.can_see_phones(request.user, enterprise)
        return Response(ContactSerializer(contact, context={"reveal": reveal}).data, status=201)

    @extend_schema(request=ContactInputSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["patch"], url_path=r"contacts/(?P<contact_pk>[0-9]{1,18})")
    def contact_update(self, request, pk=None, contact_pk=None):
        enterprise = enterprise_for_edit(request.user, pk)
        contact = contact_get_for_user(user=request.user, enterprise=enterprise, pk=contact_pk)
        base = model_to_dict(contact, fields=["name", "title", "phone", "email", "is_primary"])
        form = ContactForm(form_data(request, base=base), instance=contact)
        if not form.is_valid():
            raise invalid(form_errors(form))
        contact.refresh_from_db()
        data = {k: form.cleaned_data[k] for k in ("name", "title", "phone", "email", "is_primary")}
        contact = services.contact_update(actor=request.user, contact=contact, **data)
        reveal = permissions.can_see_phones(request.user, enterprise)
        return Response(ContactSerializer(contact, context={"reveal": reveal}).data)

    @extend_schema(responses=AssignmentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="assignments", pagination_class=None)
    def assignments(self, request, pk=None):
        """Liaison and responsible-leader assignments, active first, then the history."""
        enterprise = enterprise_for_view(request.user, pk)
        return Response(
            AssignmentSerializer(assignment_list(enterprise=enterprise), many=True).data
        )

    @extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer})
    @assignments.mapping.post
    def assign(self, request, pk=None):
        """Assign or hand over the liaison or the responsible leader (the old assignment is
        closed with the handover note and stays in the history)."""
        enterprise = enterprise_for_reassign(request.user, pk)
        form = AssignForm(form_data(request))
        if not form.is_valid():
            raise invalid(form_errors(form))
        try:
            assignment = services.liaison_assign(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except ValidationError as exc:
            raise invalid({"__all__": exc.messages}, "；".join(exc.messages)) from None
        return Response(AssignmentSerializer(assignment).data, status=201)


__all__ = ["EnterpriseViewSet", "PermissionDenied"]
