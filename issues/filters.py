"""The issue list's filters, shared by the web pages, exports and the API (DESIGN §11)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Unit
from issues.models import Category, Issue
from issues.models.issue import unit_q
from issues.workflow import Phase, State, states_in_phase


class IssueFilter(django_filters.FilterSet):
    """Pass `user=` so the unit / region / category choices are limited to what the person may
    pick; the queryset itself must already be `Issue.objects.visible_to(user)`."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=State.choices)
    phase = django_filters.ChoiceFilter(
        label=_("阶段"), choices=Phase.choices, method="filter_phase"
    )
    category = django_filters.ModelChoiceFilter(
        label=_("分类"), queryset=Category.objects.none(), method="filter_category"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("承办单位"), queryset=Unit.objects.none(), method="filter_unit"
    )
    region = django_filters.ModelChoiceFilter(
        label=_("辖区"), queryset=Region.objects.none(), method="filter_region"
    )
    industry = django_filters.NumberFilter(
        label=_("行业"), method="filter_industry", widget=forms.HiddenInput
    )
    liaison = django_filters.NumberFilter(
        label=_("联络员"), field_name="liaison_id", widget=forms.HiddenInput
    )
    enterprise = django_filters.NumberFilter(label=_("企业"), field_name="enterprise_id")
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Issue.Source.choices)
    priority = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Issue.Priority.choices)
    supervision_level = django_filters.NumberFilter(
        label=_("督办级别（不低于）"), field_name="supervision_level", lookup_expr="gte"
    )
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    reworked = django_filters.BooleanFilter(label=_("有重办"), method="filter_reworked")
    registered_from = django_filters.DateFilter(
        label=_("登记日期起"), field_name="registered_at", lookup_expr="date__gte"
    )
    registered_to = django_filters.DateFilter(
        label=_("登记日期止"), field_name="registered_at", lookup_expr="date__lte"
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("registered_at", "registered_at"),
            ("last_activity_at", "last_activity_at"),
            ("resolve_deadline", "resolve_deadline"),
            ("supervision_level", "supervision_level"),
        ),
        # Both directions named here: django-filter's own "(descending)" has no zh-hans text.
        field_labels={
            "registered_at": _("登记时间（从早到晚）"),
            "-registered_at": _("登记时间（从晚到早）"),
            "last_activity_at": _("最近动态（从早到晚）"),
            "-last_activity_at": _("最近动态（从晚到早）"),
            "resolve_deadline": _("办理期限（从近到远）"),
            "-resolve_deadline": _("办理期限（从远到近）"),
            "supervision_level": _("督办级别（从低到高）"),
            "-supervision_level": _("督办级别（从高到低）"),
        },
    )

    class Meta:
        model = Issue
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        from accounts.selectors import region_list_for, unit_list_for

        self.filters["category"].queryset = Category.objects.select_related("parent")
        if user is not None:
            self.filters["unit"].queryset = unit_list_for(user=user)
            self.filters["region"].queryset = region_list_for(user=user)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(title__icontains=value) | Q(enterprise__name__icontains=value) | Q(external_ref=value)
        number = value.upper()
        if number.startswith("SQ") and number[2:].isdigit() and len(number) > 6:
            q |= Q(pk=int(number[6:]))
        elif value.isdigit():
            q |= Q(pk=int(value))
        return queryset.filter(q)

    def filter_phase(self, queryset, name, value):
        return queryset.filter(state__in=states_in_phase(value)) if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_q([value.pk])) if value else queryset

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(enterprise__region__path__startswith=value.path)

    def filter_industry(self, queryset, name, value):
        """The enterprise's industry (门类 or 大类): the cockpit's drill-down by industry."""
        if value is None:
            return queryset
        return queryset.filter(
            Q(enterprise__industry_id=value) | Q(enterprise__industry__parent_id=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Issue.objects.overdue(timezone.now()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_reworked(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(rework_count__gt=0) if value else queryset.filter(rework_count=0)
