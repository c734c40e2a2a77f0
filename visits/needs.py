"""The needs recorded during a visit (one-step capture): a formset on the visit log form, each
row becoming one issue registered with source "visit" when the visit is saved."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from visits.forms import style_widgets
from visits.services import Need

MAX_NEEDS = 10


def _categories():
    from issues.models import Category

    return (
        Category.objects.active()
        .leaves()
        .select_related("parent")
        .order_by("parent__sort_order", "parent__name", "sort_order", "name")
    )


class NeedForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("诉求分类"), queryset=None, empty_label=_("请选择分类")
    )
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("企业遇到的问题或需要的帮助，越具体越好")}
        ),
    )
    photo = forms.FileField(
        label=_("照片（选填）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = _categories()
        field.label_from_instance = lambda c: f"{c.parent.name} / {c.name}" if c.parent else c.name
        style_widgets(self)


class BaseNeedFormSet(forms.BaseFormSet):
    def needs(self) -> list[Need]:
        """The rows filled in and not removed, as `Need`s for `visits.services.visit_log`."""
        found = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("category"):
                continue
            found.append(
                Need(
                    category=data["category"],
                    description=data["description"],
                    photo=data.get("photo"),
                )
            )
        return found


NeedFormSet = forms.formset_factory(
    NeedForm,
    formset=BaseNeedFormSet,
    extra=1,
    max_num=MAX_NEEDS,
    validate_max=True,
    can_delete=True,
)
