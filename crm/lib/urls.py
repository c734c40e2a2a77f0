"""The URLs of many objects of one kind at the cost of one reverse: a list page links each of
its rows, and Django's `reverse` took ~30 µs a row (this project's URLconf holds Wagtail's).
And the URLs without arguments that every page links (the navigation), reversed once."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

# A pk no row has: reversed in the pk's place once, then replaced by each row's own pk.
_MARK = 987_654_321_987_654_321
# Per resolver (Django makes a new one when the URLconf changes, e.g. in tests): per URL name
# and script prefix, the URL before and after the pk.
_AROUND_PK: WeakKeyDictionary = WeakKeyDictionary()
# Per resolver: per URL name and script prefix, the URL.
_PLAIN: WeakKeyDictionary = WeakKeyDictionary()


def pk_url(name: str, pk) -> str:
    """`reverse(name, kwargs={"pk": pk})` for a URL whose pk is an `<int:pk>`."""
    if not isinstance(pk, int):  # unsaved, or not an int: reverse says what is wrong
        return reverse(name, kwargs={"pk": pk})
    around = _AROUND_PK.setdefault(get_resolver(get_urlconf()), {})
    key = (name, get_script_prefix())
    if key not in around:
        around[key] = reverse(name, kwargs={"pk": _MARK}).rsplit(str(_MARK), 1)
    head, tail = around[key]
    return f"{head}{pk}{tail}"


def plain_url(name: str) -> str:
    """`reverse(name)` for a URL that takes no arguments (no URL here has a language prefix)."""
    urls = _PLAIN.setdefault(get_resolver(get_urlconf()), {})
    key = (name, get_script_prefix())
    if key not in urls:
        urls[key] = reverse(name)
    return urls[key]
