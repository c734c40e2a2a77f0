"""Model choices read as columns: the list filters' selects (units, categories, regions,
officers — a few hundred options on every list page) built from `values_list` rows instead of
model instances, which cost most of a filter form's time, and written straight from those rows
instead of through Django's per-option dicts, which cost most of the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe

from crm.lib.form_renderer import SELECT_END, option, select_start


class ColumnChoiceIterator(ModelChoiceIterator):
    """The field's choices from `field.choice_columns` = (columns, label): one row of the
    queryset's `columns` per option, labelled by `label(*row)`."""

    def __iter__(self):
        for pk, label in self.options():
            yield (ModelChoiceIteratorValue(pk, None) if pk != "" else "", label)

    def options(self):
        """(value, label) of each option: the empty label's "" first, then each row's pk."""
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns, label = self.field.choice_columns
        for pk, *row in self.queryset.values_list("pk", *columns):
            yield (pk, label(*row))


SELECTED, NO_ATTRS = {"selected": True}, {}


class ColumnSelect(forms.Select):
    """A Select written from its choices in one pass: the HTML of crm.lib.form_renderer (that
    is, of Django's select templates) without building Django's dict per option (`optgroups`,
    `create_option`), which took longer than the rest of the form. No groups: its choices come
    from a ColumnChoiceIterator, one option per row."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        out = [select_start(name, self.build_attrs(self.attrs, attrs))]
        found = False  # as Django's Select, only the first option with the value is selected
        for value, label in self.choices.options():
            text = str(value)
            selected = not found and text in chosen
            found |= selected
            out.append(option(text, label, SELECTED if selected else NO_ATTRS))
        out.append(SELECT_END)
        return mark_safe("".join(out))  # noqa: S308 - every part escaped by form_renderer


def choices_as_columns(
    field, columns: Sequence[str] | None = None, label: Callable[..., str] | None = None
) -> None:
    """Make the ModelChoiceField `field` read its options as `columns` labelled by `label`
    (which must give the same text as the field's label for the instance). By default the
    model's own: its `NAME_COLUMNS` and `name_of`, from which its __str__ is made too."""
    model = field.queryset.model
    columns = columns if columns is not None else model.NAME_COLUMNS
    field.choice_columns = (tuple(columns), label or model.name_of)
    field.iterator = ColumnChoiceIterator
    widget = ColumnSelect(attrs=field.widget.attrs, choices=field.choices)
    widget.is_required, widget.is_localized = field.widget.is_required, field.widget.is_localized
    field.widget = widget


def choice_label(instance, field_name: str):
    """What `instance.get_<field_name>_display()` gives, for a field with flat choices, at a
    fraction of its cost: Django builds a dict of all the field's choices on every call and
    translates each label to hash it (a list page paid that for every row); this compares the
    values and translates only the label it returns."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    for choice, label in field.flatchoices:
        if choice == value:
            return force_str(label, strings_only=True)
    return force_str(value, strings_only=True)
