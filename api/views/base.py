"""What every API view shares: a list runs the app's own FilterSet through the app's own
selector (invalid filters answer 400, never a silently unfiltered list), and input is validated
by the pages' own Django forms."""

from __future__ import annotations

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from api.errors import invalid


class SelectorFilterBackend(DjangoFilterBackend):
    """Documents the view's FilterSet in the schema. The filtering itself is done in the
    view by the app's selector (which binds the FilterSet to the viewer), so this is a no-op."""

    def get_filterset_class(self, view, queryset=None):
        return getattr(view, "filterset_class", None)

    def filter_queryset(self, request, queryset, view):
        return queryset


def checked(filterset):
    """The FilterSet if its input is valid, else a 400 listing the bad filters."""
    if filterset.is_bound and not filterset.is_valid():
        raise invalid(
            {k: [str(m) for m in v] for k, v in filterset.errors.items()},
            _("筛选条件有误。"),
        )
    return filterset


def form_data(request, *, prefix: str = "", base: dict | None = None) -> MultiValueDict:
    """The request's fields (JSON or multipart) as form data, optionally over `base` (the
    current values, for PATCH) and with the form's `prefix`."""
    data = MultiValueDict()
    for key, value in (base or {}).items():
        data.setlist(key, value if isinstance(value, list) else [value])
    incoming = request.data
    pairs = incoming.lists() if hasattr(incoming, "lists") else incoming.items()
    for key, value in pairs:
        if key in request.FILES:
            continue
        if isinstance(value, list):
            data.setlist(key, [_scalar(v) for v in value])
        else:
            data.setlist(key, [_scalar(value)])
    if prefix:
        prefixed = MultiValueDict()
        for key, values in data.lists():
            prefixed.setlist(f"{prefix}-{key}", values)
        return prefixed
    return data


# Ids beyond a 64-bit integer cannot name anything; passed on, some lookups overflow.
_INT_LIMIT = 2**63 - 1


def _scalar(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, int) and abs(value) > _INT_LIMIT:
        return "out-of-range"  # no field accepts it: an "invalid" error, not a crash
    if isinstance(value, dict | list):
        return ""  # a nested value where a form field expects a scalar: invalid, not a crash
    return value


def form_files(request, *, prefix: str = "") -> MultiValueDict:
    files = MultiValueDict()
    for key, values in request.FILES.lists():
        files.setlist(f"{prefix}-{key}" if prefix else key, values)
    return files


class ApiViewSet(viewsets.GenericViewSet):
    filter_backends = [SelectorFilterBackend]
