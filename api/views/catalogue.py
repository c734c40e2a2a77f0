"""Read-only reference data: categories, the units and regions the caller may see."""

from __future__ import annotations

from rest_framework import mixins

from accounts.models import Region, Unit
from accounts.selectors import region_list_for, unit_list_for
from api.serializers import CategorySerializer, RegionSerializer, UnitSerializer
from api.views.base import ApiViewSet
from issues.models import Category
from issues.selectors import category_choices


class CategoryViewSet(mixins.ListModelMixin, ApiViewSet):
    """Active categories an issue can be filed under, in catalogue order."""

    serializer_class = CategorySerializer
    queryset = Category.objects.none()
    pagination_class = None

    def get_queryset(self):
        return category_choices()


class UnitViewSet(mixins.ListModelMixin, ApiViewSet):
    """Units the caller may see: those in their region subtrees, plus their own units."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.none()
    pagination_class = None

    def get_queryset(self):
        return unit_list_for(user=self.request.user)


class RegionViewSet(mixins.ListModelMixin, ApiViewSet):
    """Regions inside the caller's jurisdiction (the subtrees where they hold a region role)."""

    serializer_class = RegionSerializer
    queryset = Region.objects.none()
    pagination_class = None

    def get_queryset(self):
        return region_list_for(user=self.request.user)
