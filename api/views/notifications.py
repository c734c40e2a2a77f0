"""The caller's own notifications (never anyone else's) and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers import NotificationSerializer
from api.views.base import ApiViewSet, checked
from notifications.filters import NotificationFilter
from notifications.models import Notification
from notifications.selectors import notification_get_for_user, notification_list
from notifications.services import notification_mark_all_read, notification_mark_read


class NotificationViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        user = self.request.user
        checked(NotificationFilter(self.request.GET, queryset=Notification.objects.none()))
        return notification_list(user=user, filters=self.request.GET)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        notification = notification_get_for_user(user=request.user, pk=pk)
        notification = notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_mark_all_read(actor=request.user)})
