"""Forms of the enterprise pages. Error messages are in Chinese (the primary language)."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role, User
from accounts.scope import scope_for
from accounts.selectors import region_list_for
from crm.lib.masking import mask_phone
from enterprises.models import Contact, Enterprise, Industry, LiaisonAssignment
from enterprises.validators import validate_credit_code

PHONE_RE = re.compile(r"^[0-9+\-() ]{5,30}$")


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}" if obj.parent_id is None else f"　{obj.code} {obj.name}"


class EnterpriseForm(BootstrapMixin, forms.ModelForm):
    """Create / edit. A liaison edits the profile only: the credit code and the region (which
    decide who sees the enterprise) are left out for them (`full=False`)."""

    industry = IndustryChoiceField(
        label=_("行业"), queryset=Industry.objects.order_by("code"), required=False
    )

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "legal_representative",
            "established_on",
            "registered_capital",
            "address",
            "region",
            "industry",
            "scale",
            "tags",
            "status",
            "visit_frequency_days",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "credit_code": {"unique": _("该统一社会信用代码已登记，请勿重复录入。")},
        }

    def __init__(self, *args, user: User, full: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if full:
            self.fields["region"].queryset = region_list_for(user=user).filter(
                pk__in=self._managed_region_ids(user)
            )
            self.fields["credit_code"].validators = [validate_credit_code]
        else:
            del self.fields["credit_code"]
            del self.fields["region"]
        self._style()

    @staticmethod
    def _managed_region_ids(user):
        return Region.objects.filter(
            scope_for(user).region_q("", Role.ADMIN, Role.DISPATCHER)
        ).values("pk")

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def profile_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("tags", None)
        return data


class ContactForm(BootstrapMixin, forms.ModelForm):
    """A contact. Someone who may edit but not see phone numbers (DESIGN §3) never gets the
    stored number back, not even in the field's value: the field starts empty with the masked
    number as a hint, and left empty it keeps the stored number."""

    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]

    def __init__(self, *args, reveal_phone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.reveal_phone = reveal_phone
        stored = self.instance.phone if self.instance.pk else ""
        if not reveal_phone and stored:
            self.initial["phone"] = ""
            field = self.fields["phone"]
            field.widget.attrs["placeholder"] = mask_phone(stored)
            field.help_text = _("已登记 %(masked)s；留空则保持不变，填写则替换为新号码。") % {
                "masked": mask_phone(stored)
            }
        self._style()

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("请输入有效的电话号码（数字，可含 - 和空格）。"))
        if not phone and not self.reveal_phone and self.instance.pk:
            return self.instance.phone
        return phone


def officers():
    """People who may hold an assignment: active liaisons and responsible leaders."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=[Role.LIAISON, Role.RESPONSIBLE_LEADER],
        )
        .distinct()
        .order_by("display_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.staff_no})" if obj.staff_no else str(obj)


class AssignForm(BootstrapMixin, forms.Form):
    """Assign or hand over the liaison or the responsible leader of one enterprise."""

    kind = forms.ChoiceField(label=_("职责"), choices=LiaisonAssignment.Kind.choices)
    person = PersonChoiceField(label=_("接任人员"), queryset=User.objects.none())
    on = forms.DateField(
        label=_("交接日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    handover_note = forms.CharField(
        label=_("交接说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = officers()
        self._style()


class HandoverForm(BootstrapMixin, forms.Form):
    """Hand all of an officer's enterprises over at once (the officer leaves or changes post)."""

    kind = forms.ChoiceField(label=_("职责"), choices=LiaisonAssignment.Kind.choices)
    from_person = PersonChoiceField(label=_("移交人"), queryset=User.objects.none())
    to_person = PersonChoiceField(label=_("接任人"), queryset=User.objects.none())
    on = forms.DateField(
        label=_("交接日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    handover_note = forms.CharField(
        label=_("交接说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # people with current assignments on enterprises the actor manages
        managed = scope_for(user).region_q(
            "liaison_assignments__enterprise__region", Role.ADMIN, Role.DISPATCHER
        )
        self.fields["from_person"].queryset = (
            User.objects.filter(managed, liaison_assignments__ended_on__isnull=True)
            .distinct()
            .order_by("display_name", "username")
        )
        self.fields["to_person"].queryset = officers()
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("from_person") and data.get("from_person") == data.get("to_person"):
            raise forms.ValidationError(_("移交人与接任人不能是同一人。"))
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": _("请选择要导入的文件。")},
    )
