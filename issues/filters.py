"""The issue list's filters, shared by the web pages, exports and the API (DESIGN §11)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Unit
from crm.lib.choices import choices_as_columns
from crm.lib.filtersets import FilterSet
from crm.lib.params import IdFilter, parse_id
from issues.models import Category, Issue
from issues.models.issue import running_deadline_q, unit_q, warning_band_q
from issues.workflow import OPEN_STATES, Phase, State, states_in_phase


def end_of_today(now):
    """The end of the local day of `now` (deadlines due "today")."""
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def mine_q(value: str, user) -> Q:
    """The "与我相关" filter: the handler's queue (led by a unit where the person is a handler or
    unit head, and assigned to them or to nobody yet), the unit's unassigned issues, or the
    enterprises the person is the active liaison / responsible leader of."""
    from accounts.models import Role
    from accounts.scope import MATCH_NOTHING, scope_for
    from enterprises.models import LiaisonAssignment

    scope = scope_for(user)
    if scope.user_id is None:
        return MATCH_NOTHING
    if value == "queue":
        units = list(scope.unit_ids(Role.HANDLER))
        return Q(lead_unit_id__in=units) & (Q(handler_id=scope.user_id) | Q(handler__isnull=True))
    if value == "unassigned":
        units = list(scope.unit_ids(Role.HANDLER, Role.UNIT_HEAD))
        return Q(lead_unit_id__in=units, handler__isnull=True)
    kinds = {"liaison": LiaisonAssignment.Kind.LIAISON, "leader": LiaisonAssignment.Kind.LEADER}
    if value in kinds:
        return Q(
            Exists(
                LiaisonAssignment.objects.active().filter(
                    enterprise_id=OuterRef("enterprise_id"),
                    person_id=scope.user_id,
                    kind=kinds[value],
                )
            )
        )
    return MATCH_NOTHING


PUBLIC_ORDERING = (
    ("registered_at", "registered_at"),
    ("last_activity_at", "last_activity_at"),
    ("resolve_deadline", "resolve_deadline"),
)
PUBLIC_ORDERING_LABELS = {
    "registered_at": _("登记时间（从早到晚）"),
    "-registered_at": _("登记时间（从晚到早）"),
    "last_activity_at": _("最近动态（从早到晚）"),
    "-last_activity_at": _("最近动态（从晚到早）"),
    "resolve_deadline": _("办理期限（从近到远）"),
    "-resolve_deadline": _("办理期限（从远到近）"),
}


class IssueFilter(FilterSet):
    """Pass `user=` so the unit / region / category choices are limited to what the person may
    pick; the queryset itself must already be `Issue.objects.visible_to(user)`."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    # distinct=False: one state per issue, so the filter cannot repeat a row (django-filter's
    # default DISTINCT made PostgreSQL sort the whole visible list).
    state = django_filters.MultipleChoiceFilter(
        label=_("状态"), choices=State.choices, distinct=False
    )
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
    industry = IdFilter(label=_("行业"), method="filter_industry", widget=forms.HiddenInput)
    liaison = IdFilter(label=_("联络员"), field_name="liaison_id", widget=forms.HiddenInput)
    enterprise = IdFilter(label=_("企业"), field_name="enterprise_id")
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Issue.Source.choices)
    priority = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Issue.Priority.choices)
    supervision_level = django_filters.NumberFilter(
        label=_("督办级别（不低于）"),
        field_name="supervision_level",
        lookup_expr="gte",
        min_value=0,
        max_value=9,
    )
    open = django_filters.BooleanFilter(label=_("在办"), method="filter_open")
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    due = django_filters.ChoiceFilter(
        label=_("期限"),
        choices=[("today", _("今日到期")), ("warning", _("临近期限"))],
        method="filter_due",
    )
    mine = django_filters.ChoiceFilter(
        label=_("与我相关"),
        choices=[
            ("queue", _("我的待办（我承办的和本单位未分配的）")),
            ("unassigned", _("本单位未分配承办人")),
            ("liaison", _("我联络的企业")),
            ("leader", _("我包保的企业")),
        ],
        method="filter_mine",
    )
    reworked = django_filters.BooleanFilter(label=_("有重办"), method="filter_reworked")
    registered_from = django_filters.DateFilter(
        label=_("登记日期起"), field_name="registered_at", lookup_expr="date__gte"
    )
    registered_to = django_filters.DateFilter(
        label=_("登记日期止"), field_name="registered_at", lookup_expr="date__lte"
    )
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(*PUBLIC_ORDERING, ("supervision_level", "supervision_level")),
        # Both directions named here: django-filter's own "(descending)" has no zh-hans text.
        field_labels={
            **PUBLIC_ORDERING_LABELS,
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

        self.user = user
        # The choices are read as the columns their labels show, not as model instances (a few
        # hundred options on every list page), labelled as the models label themselves.
        self.filters["category"].queryset = Category.objects.all()
        choices_as_columns(self.filters["category"].field)
        if user is not None:
            self.filters["unit"].queryset = unit_list_for(user=user).select_related(None)
            choices_as_columns(self.filters["unit"].field)
            self.filters["region"].queryset = region_list_for(user=user)
            choices_as_columns(self.filters["region"].field, ("name",), str)
            if not user.scope.is_staff_member:
                # Supervision is internal: an enterprise may not filter or sort by 督办 level
                # or by rework (which would reveal them), only by deadline and overdue.
                del self.filters["supervision_level"], self.filters["reworked"]
                self.filters["ordering"] = django_filters.OrderingFilter(
                    label=_("排序"), fields=PUBLIC_ORDERING, field_labels=PUBLIC_ORDERING_LABELS
                )
                self.filters["ordering"].model = Issue

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(title__icontains=value) | Q(enterprise__name__icontains=value) | Q(external_ref=value)
        number = value.upper()
        if (number.startswith("SQ") and len(number) > 6 and (pk := parse_id(number[6:]))) or (
            pk := parse_id(value)
        ):
            q |= Q(pk=pk)
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
        return queryset.filter(region__in=Region.objects.filter(path__startswith=value.path))

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

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(state__in=OPEN_STATES)
            if value
            else queryset.exclude(state__in=OPEN_STATES)
        )

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "today":
            return queryset.filter(running_deadline_q(range=(now, end_of_today(now))))
        if value == "warning":
            return queryset.filter(warning_band_q(now))
        return queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(mine_q(value, self.user)) if value else queryset

    def filter_reworked(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(rework_count__gt=0) if value else queryset.filter(rework_count=0)
