"""Every URL pattern of the URL conf, as data the generated security tests iterate over.

`routes()` flattens the resolver tree into `Route`s: a namespaced name, the literal text and the
named parameters (with their converter) in order. A route is turned into a concrete path by
`Route.path(values)`, which substitutes raw strings without the converter's checks, so that the
fuzz can send values `reverse()` would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# (prefix, why) — patterns below these are not walked.
EXCLUDED_PREFIXES = {
    "django-admin/": "Django's own admin: staff-only, Django's own permission checks and "
    "hundreds of generated model-admin patterns; none of the demo roles is staff.",
    "cms/": "Wagtail admin internals: Wagtail's own permission policies, hundreds of generated "
    "patterns; the pages our code adds to it are tested in their apps.",
    "documents/": "Wagtail's document serving: the policy library's public source documents "
    "(政策依据), under Wagtail's own collection privacy; no role-scoped product object.",
    "_util/": "Wagtail's password form for restricted pages: Wagtail's own check; the public "
    "site has no restricted pages.",
    "static/": "static files (DEBUG only).",
    "media/": "media files (DEBUG only).",
    "__debug__/": "debug toolbar (DEBUG only).",
}

# Regex patterns with groups cannot be filled in generically: give an example path for them.
# Key: the URL name; value: the concrete text that replaces the regex.
REGEX_EXAMPLES: dict[str, str] = {
    # Wagtail's page-serving catch-all: `^((?:[\w\-]+/)*)$`; the root page is the example.
    "wagtail_serve": "",
}

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")
_REGEX_META = re.compile(r"(?<!\\)[\[\](){}*+?|.^$]")


@dataclass(frozen=True)
class Param:
    name: str
    converter: str  # "int", "slug", "str", "path", "uuid" or a registered custom name


@dataclass(frozen=True)
class Route:
    name: str  # "issues:detail" (namespaces joined by ":"), "" for unnamed patterns
    parts: tuple  # str literals and Param objects, in order
    callback: object

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.parts if isinstance(p, Param))

    @property
    def template(self) -> str:
        return "/" + "".join(p if isinstance(p, str) else f"<{p.name}>" for p in self.parts)

    def path(self, values: dict[str, str]) -> str:
        return "/" + "".join(p if isinstance(p, str) else str(values[p.name]) for p in self.parts)

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'} {self.template}"


class UnwalkableRoute(Exception):
    pass


def _route_parts(pattern, name: str) -> list:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        parts: list = []
        pos = 0
        for match in _PARAM.finditer(route):
            parts.append(route[pos : match.start()])
            parts.append(Param(match["parameter"], match["converter"] or "str"))
            pos = match.end()
        parts.append(route[pos:])
        return [p for p in parts if p != ""]
    if isinstance(pattern, RegexPattern):
        regex = str(pattern._regex).removeprefix("^").removesuffix("$").removesuffix("\\Z")
        regex = regex.removesuffix("/?") + ("/" if regex.endswith("/?") else "")
        parts = []
        pos = 0
        for match in _NAMED_GROUP.finditer(regex):
            parts.append(regex[pos : match.start()])
            digits = match["body"].startswith(("[0-9]", "\\d"))
            parts.append(Param(match["name"], "int" if digits else "str"))
            pos = match.end()
        parts.append(regex[pos:])
        literal = [p for p in parts if isinstance(p, str)]
        if not any(_REGEX_META.search(p) for p in literal):
            return [re.sub(r"\\(.)", r"\1", p) if isinstance(p, str) else p for p in parts if p]
        if name in REGEX_EXAMPLES:
            return [REGEX_EXAMPLES[name]] if REGEX_EXAMPLES[name] else []
        raise UnwalkableRoute(
            f"The URL pattern {name or '(unnamed)'} r'{pattern._regex}' is a regex with groups, "
            "which the generated security tests cannot fill in. Use path() with converters, or "
            "add an example path for it to REGEX_EXAMPLES in tests/security/urlwalk.py."
        )
    raise UnwalkableRoute(f"Unknown pattern type {type(pattern).__name__} for {name}")


def _excluded(prefix: list, pattern) -> bool:
    head = "".join(p for p in prefix if isinstance(p, str)) + str(pattern).lstrip("^")
    return any(head.startswith(excluded) for excluded in EXCLUDED_PREFIXES)


def _walk(patterns, prefix: list, namespaces: list):
    for entry in patterns:
        if _excluded(prefix, entry.pattern):
            continue
        if isinstance(entry, URLResolver):
            here = prefix + _route_parts(entry.pattern, entry.namespace or "")
            ns = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, here, ns)
        elif isinstance(entry, URLPattern):
            name = ":".join([*namespaces, entry.name]) if entry.name else ""
            parts = prefix + _route_parts(entry.pattern, name)
            yield Route(name=name, parts=tuple(parts), callback=entry.callback)


def routes() -> list[Route]:
    """Every walkable URL pattern of the root URL conf, in URL-conf order."""
    return list(_walk(get_resolver().url_patterns, [], []))
