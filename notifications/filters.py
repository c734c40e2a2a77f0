"""The inbox filter: unread only, and by kind."""

import django_filters
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind, Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("仅未读")
    )
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, label=_("类型"), empty_label=_("全部类型")
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
