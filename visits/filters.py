"""The visit list's filters, shared by the web page and (later) the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import region_list_for
from crm.lib.choices import choices_as_columns
from crm.lib.filtersets import FilterSet
from crm.lib.params import IdFilter
from visits.forms import style_widgets
from visits.models import Visit, VisitOfficer
from visits.permissions import officer_candidates_for


class VisitFilter(FilterSet):
    q = django_filters.CharFilter(label=_("企业"), method="filter_enterprise_name")
    enterprise = IdFilter(field_name="enterprise_id", widget=forms.HiddenInput)
    officer = django_filters.ModelChoiceFilter(
        label=_("走访人员"), queryset=None, method="filter_officer", empty_label=_("全部人员")
    )
    kind = django_filters.ChoiceFilter(
        label=_("走访方式"), choices=Visit.Kind.choices, empty_label=_("全部方式")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Visit.Status.choices, empty_label=_("全部状态")
    )
    start = django_filters.DateFilter(
        label=_("起始日期"),
        method="filter_start",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        label=_("截止日期"), method="filter_end", widget=forms.DateInput(attrs={"type": "date"})
    )
    region = django_filters.ModelChoiceFilter(
        label=_("辖区"), queryset=None, method="filter_region", empty_label=_("全部辖区")
    )

    class Meta:
        model = Visit
        fields = ["q", "enterprise", "officer", "kind", "status", "start", "end", "region"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["officer"].queryset = officer_candidates_for(user)
        # Read as the columns the labels show, not as model instances (hundreds of officers).
        choices_as_columns(self.filters["officer"].field)
        self.filters["region"].queryset = region_list_for(user=user)
        choices_as_columns(
            self.filters["region"].field,
            ("name", "depth"),
            lambda name, depth: "　" * (depth - 1) + name,
        )
        style_widgets(self.form)

    def filter_enterprise_name(self, queryset, name, value):
        return queryset.filter(enterprise__name__icontains=value.strip())

    def filter_officer(self, queryset, name, value):
        return queryset.filter(
            Exists(VisitOfficer.objects.filter(visit=OuterRef("pk"), user=value))
        )

    # The period is the day the visit happened, or for plans and cancellations the day planned.
    def filter_start(self, queryset, name, value):
        return queryset.filter(
            Q(happened_at__gte=_start_of_day(value))
            | Q(happened_at__isnull=True, planned_on__gte=value)
        )

    def filter_end(self, queryset, name, value):
        return queryset.filter(
            Q(happened_at__lt=_next_day(value)) | Q(happened_at__isnull=True, planned_on__lte=value)
        )

    def filter_region(self, queryset, name, value):
        return queryset.filter(enterprise__region__path__startswith=value.path)


def _start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _next_day(day):
    if day >= date.max:  # 9999-12-31 has no next day; a visit at its last moment is moot
        return _start_of_day(day)
    return _start_of_day(day + timedelta(days=1))
