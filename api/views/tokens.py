"""A person's own API tokens: list, issue (the key is shown once), revoke."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.errors import invalid
from api.models import ApiToken
from api.serializers import IssuedTokenSerializer, TokenCreateSerializer, TokenSerializer
from api.tokens import token_issue, token_list_for, token_revoke
from api.views.base import ApiViewSet


class TokenViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()
    pagination_class = None
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return token_list_for(user=self.request.user)

    @extend_schema(request=TokenCreateSerializer, responses={201: IssuedTokenSerializer})
    def create(self, request):
        """Issue a token for yourself. The key is in this answer only: store it now."""
        serializer = TokenCreateSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid({k: [str(m) for m in v] for k, v in serializer.errors.items()})
        issued = token_issue(
            actor=request.user, user=request.user, name=serializer.validated_data["name"]
        )
        data = {**TokenSerializer(issued.token).data, "key": issued.key}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Revoke one of your tokens: it stops working at once (the record stays)."""
        token = get_object_or_404(token_list_for(user=request.user), pk=pk)
        token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
