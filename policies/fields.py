"""A list of choices stored as ",a,b," in a CharField, so that "contains a" is the portable
`LIKE '%,a,%'` on SQLite and PostgreSQL alike (JSON containment is not available on SQLite)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return [str(v) for v in value if v]


class ChoiceListField(models.CharField):
    description = _("多选")

    def from_db_value(self, value, expression, connection):
        return _as_list(value)

    def to_python(self, value):
        return _as_list(value)

    def get_prep_value(self, value):
        items = _as_list(value)
        return f",{','.join(items)}," if items else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        allowed = {str(k) for k, _label in self.choices or ()}
        bad = [v for v in _as_list(value) if v not in allowed]
        if bad:
            raise ValidationError(_("无效的选项：%(v)s") % {"v": "、".join(bad)})
        if not self.blank and not _as_list(value):
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def deconstruct(self):
        return super().deconstruct()
