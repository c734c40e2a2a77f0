"""The enterprise list's filters, shared by the page, the export and (later) the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role
from accounts.selectors import people_with_role, region_list_for
from crm.lib.choices import choices_as_columns
from crm.lib.filtersets import FilterSet
from enterprises.models import Enterprise, Industry, LiaisonAssignment, Sector, Tag


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class EnterpriseFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("名称或信用代码"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("名称或信用代码")}
        ),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=Region.objects.none(),
        method="filter_region",
        widget=_select(),
        empty_label=_("全部辖区"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("行业大类"),
        choices=Sector.choices,
        field_name="industry__sector",
        widget=_select(),
        empty_label=_("全部统计行业"),
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("行业门类"),
        queryset=Industry.objects.filter(parent=None),
        method="filter_industry",
        widget=_select(),
        empty_label=_("全部门类"),
    )
    scale = django_filters.ChoiceFilter(
        label=_("规模"),
        choices=Enterprise.Scale.choices,
        widget=_select(),
        empty_label=_("全部规模"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=Enterprise.Status.choices,
        widget=_select(),
        empty_label=_("全部状态"),
    )
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("标签"),
        queryset=Tag.objects.all(),
        conjoined=True,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    liaison = django_filters.ModelChoiceFilter(
        label=_("联络员"),
        queryset=people_with_role(role=Role.LIAISON),
        method="filter_liaison",
        widget=_select(),
        empty_label=_("全部联络员"),
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("包保领导"),
        queryset=people_with_role(role=Role.RESPONSIBLE_LEADER),
        method="filter_leader",
        widget=_select(),
        empty_label=_("全部包保领导"),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "region", "sector", "industry", "scale", "status", "tags"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = region_list_for(user=user) if user is not None else Region.objects.none()
        self.filters["region"].queryset = regions
        fields = self.form.fields
        fields["region"].queryset = regions
        # Read as the columns the labels show, not as model instances (a city's 400 liaisons).
        choices_as_columns(fields["region"], ("name",), str)
        for name in ("industry", "liaison", "leader"):
            choices_as_columns(fields[name])

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(Q(industry=value) | Q(industry__parent=value))

    def _assigned(self, queryset, kind, person):
        return queryset.filter(
            Exists(
                LiaisonAssignment.objects.active().filter(
                    enterprise=OuterRef("pk"), kind=kind, person=person
                )
            )
        )

    def filter_liaison(self, queryset, name, value):
        return self._assigned(queryset, LiaisonAssignment.Kind.LIAISON, value)

    def filter_leader(self, queryset, name, value):
        return self._assigned(queryset, LiaisonAssignment.Kind.LEADER, value)
