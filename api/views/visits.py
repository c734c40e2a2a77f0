"""Visits: list, detail, and the one-step capture (a visit with the needs raised on the spot,
each becoming an issue in the same transaction) — through the visits app's selectors, forms
and `visit_log` service."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.errors import form_errors, invalid
from api.serializers import VisitDetailSerializer, VisitLogInputSerializer, VisitSerializer
from api.views.base import ApiViewSet, checked, form_data
from crm.lib.params import parse_id
from visits import services
from visits.filters import VisitFilter
from visits.forms import LOG_FIELDS, VisitLogForm
from visits.models import Visit
from visits.needs import MAX_NEEDS, NeedForm
from visits.permissions import enterprises_recordable_by
from visits.selectors import visit_filterset, visit_get_for_user, visit_issues, visit_list
from visits.services import Need


def _needs(raw) -> list[Need]:
    """The needs rows, each validated by the page's own NeedForm."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_NEEDS:
        raise invalid({"needs": [_("needs 须为不超过 %(n)s 条的列表。") % {"n": MAX_NEEDS}]})
    needs, errors = [], {}
    for i, row in enumerate(raw):
        form = NeedForm(row if isinstance(row, dict) else {})
        if not form.is_valid():
            for name, messages in form_errors(form).items():
                errors[f"needs[{i}].{name}"] = messages
            continue
        needs.append(
            Need(
                category=form.cleaned_data["category"], description=form.cleaned_data["description"]
            )
        )
    if errors:
        raise invalid(errors)
    return needs


class VisitViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    queryset = Visit.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        checked(visit_filterset(user=self.request.user, data=self.request.GET or None))
        return visit_list(user=self.request.user, filters=self.request.GET)

    @extend_schema(responses=VisitDetailSerializer)
    def retrieve(self, request, pk=None):
        visit = visit_get_for_user(user=request.user, pk=pk)
        issues = visit_issues(user=request.user, visit=visit)
        return Response(VisitDetailSerializer(visit, context={"issues": issues}).data)

    @extend_schema(request=VisitLogInputSerializer, responses={201: VisitDetailSerializer})
    def create(self, request):
        """Log a visit that happened, with its needs (one-step capture, DESIGN §4)."""
        enterprise_id = request.data.get("enterprise") if hasattr(request.data, "get") else None
        if parse_id(enterprise_id) is None:
            raise invalid({"enterprise": [_("请选择企业。")]})
        enterprise = get_object_or_404(enterprises_recordable_by(request.user), pk=enterprise_id)
        form = VisitLogForm(
            form_data(request), request.FILES or None, user=request.user, enterprise=enterprise
        )
        needs = _needs(request.data.get("needs"))
        if not form.is_valid():
            raise invalid(form_errors(form))
        data = form.cleaned_data
        try:
            visit = services.visit_log(
                actor=request.user,
                enterprise=enterprise,
                files=[*data["photos"], *data["documents"]],
                needs=needs,
                **{k: data[k] for k in LOG_FIELDS},
            )
        except ValidationError as exc:
            raise invalid({"__all__": exc.messages}, "；".join(exc.messages)) from None
        visit = visit_get_for_user(user=request.user, pk=visit.pk)
        issues = visit_issues(user=request.user, visit=visit)
        return Response(
            VisitDetailSerializer(visit, context={"issues": issues}).data,
            status=status.HTTP_201_CREATED,
        )
