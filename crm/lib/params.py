"""Parsing numbers out of request parameters without trusting their size.

Python refuses to convert strings of more than 4,300 digits (ValueError) and the databases refuse
integers beyond 64 bits (OverflowError / DataError): an id typed or crafted as 100,000 digits
must read as "not an id", never as a 500.
"""

from __future__ import annotations

import django_filters
from django import forms

# A database id fits in a signed 64-bit integer: at most 19 digits, and below 2**63.
MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(text: object) -> int | None:
    """The positive id written in `text` (ASCII digits only), or None if it is not one."""
    if isinstance(text, int) and not isinstance(text, bool):  # from a URL's <int:…>
        return text if 0 < text <= MAX_ID else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > _MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdField(forms.IntegerField):
    """A form field for an id in a filter: whole, positive and within 64 bits, else invalid
    (the filter is then left out) — never a 500 from a crafted number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """`NumberFilter` for ids, on `IdField` (a NumberFilter's Decimal overflows SQLite)."""

    field_class = IdField
