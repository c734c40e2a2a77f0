"""The cockpit's filter form and the on-demand bulletin form."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role, RoleMembership, Unit, User
from cockpit.periods import PRESETS, Period, preset_period
from crm.lib.choices import choices_as_columns
from enterprises.models import Industry
from issues.models import Category

MAX_DAYS = 3 * 366  # a custom period longer than this is refused


def _paths_q(lookup: str, paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


class CockpitFilterForm(forms.Form):
    """Period and filters. Choices are limited to the leader's jurisdiction (`paths`), so a
    region, unit or liaison outside it is refused as an invalid choice."""

    period = forms.ChoiceField(label=_("统计周期"), choices=PRESETS, required=False)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ModelChoiceField(
        label=_("辖区"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("全部辖区"),
    )
    industry = forms.ModelChoiceField(
        label=_("行业"),
        queryset=Industry.objects.filter(parent__isnull=True),
        required=False,
        empty_label=_("全部行业"),
    )
    category = forms.ModelChoiceField(
        label=_("诉求分类"),
        queryset=Category.objects.filter(parent__isnull=True),
        required=False,
        empty_label=_("全部分类"),
    )
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("全部单位"),
    )
    liaison = forms.ModelChoiceField(
        label=_("联络员"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("全部联络员"),
    )

    def __init__(self, *args, paths: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = paths
        self.fields["region"].queryset = Region.objects.filter(_paths_q("path", paths)).order_by(
            "path"
        )
        self.fields["unit"].queryset = (
            Unit.objects.filter(_paths_q("region__path", paths), is_active=True)
            .only("pk", "name", "short_name")
            .order_by("region__path", "name")
        )
        liaisons = RoleMembership.objects.active().filter(
            _paths_q("region__path", paths), role=Role.LIAISON
        )
        self.fields["liaison"].queryset = (
            User.objects.filter(pk__in=liaisons.values("user_id"))
            .only("pk", "username", "display_name")
            .order_by("username")
        )
        # The selects read their options as columns (crm.lib.choices): the liaison list alone
        # is hundreds of users on every cockpit page.
        choices_as_columns(
            self.fields["region"], ("depth", "name"), lambda depth, name: "　" * (depth - 1) + name
        )
        for name in ("industry", "category", "unit", "liaison"):
            choices_as_columns(self.fields[name])
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        preset = data.get("period") or "month"
        if preset == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("自定义周期请填写起始日期和截止日期。"))
            if end < start:
                raise forms.ValidationError(_("截止日期不能早于起始日期。"))
            if end - start > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(_("统计周期不能超过三年。"))
            data["the_period"] = Period(start, end)
        else:
            data["the_period"] = preset_period(preset, timezone.localdate())
        return data


class BulletinForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label=_("辖区"), queryset=Region.objects.none())

    def __init__(self, *args, paths: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(_paths_q("path", paths)).order_by(
            "path"
        )
        self.fields["region"].label_from_instance = lambda r: "　" * (r.depth - 1) + r.name
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("截止日期不能早于起始日期。"))
            if end - start > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(_("统计周期不能超过三年。"))
            if end > timezone.localdate():
                raise forms.ValidationError(_("截止日期不能晚于今天。"))
        return data
