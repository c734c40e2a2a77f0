"""12345 work orders: `POST /api/v1/work-orders/` by an integration account's token."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import invalid
from api.intake import work_order_receive
from api.models import Integration
from api.serializers import WorkOrderInputSerializer, WorkOrderResultSerializer


def _integration_of(user) -> Integration:
    integration = Integration.objects.filter(account_id=user.pk, is_active=True).first()
    if integration is None:
        raise PermissionDenied(_("仅对接系统的接口账号可以提交工单。"))
    return integration


class WorkOrderView(APIView):
    @extend_schema(
        request=WorkOrderInputSerializer,
        responses={201: WorkOrderResultSerializer, 200: WorkOrderResultSerializer},
        operation_id="work_orders_create",
    )
    def post(self, request):
        """File a 12345 work order as an issue. Idempotent by 工单编号: sending the same order
        again answers 200 with the same issue instead of creating a second one."""
        integration = _integration_of(request.user)
        serializer = WorkOrderInputSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid({k: [str(m) for m in v] for k, v in serializer.errors.items()})
        received = work_order_receive(integration=integration, data=serializer.validated_data)
        issue = received.order.issue
        body = {
            "work_order_no": received.order.order_no,
            "issue_id": issue.pk,
            "issue_number": issue.number,
            "state": issue.state,
            "created": received.created,
        }
        return Response(body, status=status.HTTP_201_CREATED if received.created else 200)
