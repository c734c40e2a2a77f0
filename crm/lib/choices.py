"""Model choices read as columns: the list filters' selects (units, categories, regions,
officers — a few hundred options on every list page) built from `values_list` rows instead of
model instances, which cost most of a filter form's time."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue


class ColumnChoiceIterator(ModelChoiceIterator):
    """The field's choices from `field.choice_columns` = (columns, label): one row of the
    queryset's `columns` per option, labelled by `label(*row)`."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns, label = self.field.choice_columns
        for pk, *row in self.queryset.values_list("pk", *columns):
            yield (ModelChoiceIteratorValue(pk, None), label(*row))


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
    field.widget.choices = field.choices
