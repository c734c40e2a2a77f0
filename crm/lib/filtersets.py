"""The list pages' FilterSet base: django-filter's, with each request's filters and form built
without deep copies.

django-filter deep-copies the class's filters for each FilterSet (their choices, querysets and
widgets included), makes a form class from fields made for those copies alone, and Django's
Form then deep-copies those fields once more. On a list page the two deep copies cost about a
millisecond. Here each FilterSet gets shallow copies of the filters (what a request changes on
a filter it assigns, never mutates in place), and the form keeps the fields made for it."""

from __future__ import annotations

import copy

import django_filters


def _own_copy(filter_):
    """A copy of `filter_` for one FilterSet: its own attributes and `extra` (a field's
    arguments, where django-filter writes a ModelChoiceFilter's queryset), the values inside
    them shared — nothing changes those in place; a field copies its widget and choices."""
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    if getattr(filter_, "_method", None) is not None:
        # A `method=` filter filters through a FilterMethod bound to its filter (and through
        # it to that filter's FilterSet): bind a new one to the copy.
        own.method = filter_._method
    return own


class OwnFilters(dict):
    """A FilterSet class's `base_filters`, which django-filter deep-copies for each FilterSet:
    copied here filter by filter with `_own_copy`."""

    def __deepcopy__(self, memo):
        return {name: _own_copy(filter_) for name, filter_ in self.items()}


class OwnFields(dict):
    """A form class's `base_fields` whose fields belong to that class's one form: Form's
    `deepcopy(base_fields)` keeps them instead of copying them."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterSet(django_filters.FilterSet):
    @classmethod
    def get_filters(cls):
        return OwnFilters(super().get_filters())

    def get_form_class(self):
        form_class = super().get_form_class()
        # A new class per FilterSet (type(...) in django-filter), whose fields were made for
        # this FilterSet's filters: nothing else ever reads them.
        form_class.base_fields = OwnFields(form_class.base_fields)
        return form_class
