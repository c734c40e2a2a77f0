"""Forms of the visit pages. They validate input; `visits.services` acts."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Contact, Enterprise
from visits.models import Visit
from visits.permissions import officer_candidates_for

MAX_FILES = 10


# The visit fields the log form collects and `visit_log` takes (files come separately).
LOG_FIELDS = (
    "kind",
    "happened_at",
    "lead",
    "officers",
    "attendees",
    "summary",
    "place",
    "latitude",
    "longitude",
    "confidentiality",
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the content checks happen in the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES})
        return files


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on every widget (templates stay free of per-field markup)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class _PeopleMixin(forms.Form):
    """The lead (default: me) and fellow officers, chosen among colleagues."""

    lead = forms.ModelChoiceField(label=_("带队人员"), queryset=None, empty_label=None)
    officers = forms.ModelMultipleChoiceField(
        label=_("同行人员"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("可多选；带队人员无需重复选择。"),
    )

    def _set_people(self, user):
        people = officer_candidates_for(user)
        self.fields["lead"].queryset = people
        self.fields["officers"].queryset = people
        self.fields["lead"].initial = user.pk

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead")
        cleaned["officers"] = [p for p in cleaned.get("officers") or [] if p != lead]
        return cleaned


class VisitPlanForm(_PeopleMixin):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    kind = forms.ChoiceField(label=_("走访方式"), choices=Visit.Kind.choices)
    planned_on = forms.DateField(
        label=_("计划日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("走访事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("准备了解或宣讲的内容（选填）。"),
    )

    field_order = ["enterprise", "kind", "planned_on", "lead", "officers", "place", "summary"]

    def __init__(self, *args, user, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["planned_on"].initial = timezone.localdate() + timedelta(days=1)
        self.fields["kind"].initial = Visit.Kind.ON_SITE
        self._set_people(user)
        style_widgets(self)

    def clean_planned_on(self):
        day = self.cleaned_data["planned_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("计划日期不能早于今天。"))
        return day


class VisitLogForm(_PeopleMixin):
    kind = forms.ChoiceField(
        label=_("走访方式"), choices=Visit.Kind.choices, initial=Visit.Kind.ON_SITE
    )
    happened_at = forms.DateTimeField(
        label=_("走访时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("企业参加人员"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("走访情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("企业生产经营情况、反映的意见建议、宣讲的政策等。"),
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    latitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    confidentiality = forms.ChoiceField(
        label=_("可见范围"),
        choices=Visit.Confidentiality.choices,
        initial=Visit.Confidentiality.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("“企业可见”的走访记录会展示给该企业的用户。"),
    )
    photos = MultipleFileField(
        label=_("现场照片"),
        required=False,
        widget=MultipleFileInput(
            attrs={
                "accept": "image/*",
                "capture": "environment",
                "class": "visually-hidden",
                "data-show-names": "",
            }
        ),
    )
    documents = MultipleFileField(
        label=_("其他附件"),
        required=False,
        help_text=_("PDF、Word、Excel 等，单个文件不超过 20 MB。"),
    )

    field_order = [*LOG_FIELDS, "photos", "documents"]

    def __init__(self, *args, user, enterprise: Enterprise, planned: Visit | None = None, **kw):
        super().__init__(*args, **kw)
        self._set_people(user)
        contacts = enterprise.contacts.all()
        self.fields["attendees"].queryset = contacts
        self.fields["happened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if not self.is_bound:
            self.initial.setdefault("attendees", [c.pk for c in contacts if c.is_primary][:1])
        if planned is not None:
            self.fields["kind"].initial = planned.kind
            self.fields["place"].initial = planned.place
            lead = next((o.user for o in planned.officer_list if o.is_lead), None)
            if lead is not None:
                self.fields["lead"].initial = lead.pk
            self.fields["officers"].initial = [
                o.user_id for o in planned.officer_list if not o.is_lead
            ]
        style_widgets(self)

    def clean_happened_at(self):
        moment = self.cleaned_data["happened_at"]
        if moment > timezone.now() + timedelta(minutes=10):
            raise forms.ValidationError(_("走访时间不能晚于现在。"))
        return moment


class VisitCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("如：企业负责人临时出差"), "class": "form-control"}
        ),
    )


class VisitAttachForm(forms.Form):
    files = MultipleFileField(
        label=_("添加照片或附件"),
        widget=MultipleFileInput(attrs={"class": "form-control"}),
    )
