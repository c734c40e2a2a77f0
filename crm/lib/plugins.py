"""Resolve the dotted paths of the settings that say how the apps plug into each other
(`QINQING_ENTERPRISE_PAGE_SECTIONS` …), once per value of the setting."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _resolve(paths: tuple[str, ...]) -> tuple[Callable, ...]:
    return tuple(import_string(path) for path in paths)


def plugins(setting: str) -> tuple[Callable, ...]:
    """The callables a `QINQING_…` setting lists, in order."""
    return _resolve(tuple(getattr(settings, setting, ())))
