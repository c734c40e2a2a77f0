"""A generated fuzz over the whole URL conf: every URL pattern, as every role of the world and
anonymously, with hostile values in the path, the query string and the form fields.

It asserts two things of every answer:
- never a 500 (an exception in the test client counts as one);
- a refusal (4xx, a form with errors, an error message) writes nothing (tests/security/state.py).

Which parameters to send is discovered, not listed: each page is fetched once as the role, and
the names of its form fields and link parameters are fuzzed on the URL each form posts to, plus
a few names every list understands. The values are a plain table (HOSTILE) rotated over
parameters and dealt over the roles that get into each page, so that each parameter meets
every value while the whole run stays within the CI budget (2 minutes, asserted).
"""

from __future__ import annotations

import time
import traceback
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import Resolver404, resolve

from tests.people import NEAR_PEOPLE
from tests.security import registry
from tests.security.scene import Scene
from tests.security.state import WriteLog
from tests.security.urlwalk import routes

HOSTILE: list = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "9" * 100_000,
    "99999999999999999999999999",
    "-1",
    "-99999999999999999999",
    "1e308",
    "NaN",
    "0x1F",
    "1.5",
    "",
    "\u202e\ufeff𝕏🙂e\u0301\uffff\u3000",
    "'\"><script>alert(1)</script>",
    "[]",
    '{"a": 1}',
    "9999-12-31",
    "2025-02-30",
    "0001-01-01T00:00",
    ["1", "\x00", "x" * 1000],  # a list where one value is expected
]
# The values that break parsing of a number, a date or a choice: each parameter fuzzed alone
# meets these (every value of HOSTILE reaches every parameter in the combined requests).
SHARP: list = [
    "9" * 100_000,
    "99999999999999999999999999",
    "-99999999999999999999",
    "NaN",
    "\x00",
    "2025-02-30",
    ["1", "\x00", "x" * 1000],
]
HOSTILE_PATH_INT = ["0", "9" * 25, "9" * 5000]
HOSTILE_PATH_SLUG = ["x" * 5000, "a-b_c"]
COMMON_QUERY = ["q", "page"]
COMMON_POST = ["id", "pk", "next"]
MAX_ALONE = 4  # query parameters per URL fuzzed one at a time
OUTSIDERS = 2  # roles kept out of a URL that probe it (dealt in turn over those kept out)

ROLES = [None, *NEAR_PEOPLE]  # None: anonymous
ROUTES = routes()


class _FormFields(HTMLParser):
    """Names of form fields (by form action and method) and of link query parameters."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []
        self.links: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                ((attrs.get("action") or ""), (attrs.get("method") or "get").lower(), set())
            )
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if self.forms and attrs.get("type") not in ("file",):
                self.forms[-1][2].add(attrs["name"])
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            href = attrs["href"]
            self.links.append((href, {k for k, _ in parse_qsl(urlsplit(href).query)}))
        for attr in ("hx-get", "hx-post"):
            if attrs.get(attr):
                method = "get" if attr == "hx-get" else "post"
                self.forms.append((attrs[attr], method, set()))


def _route_name(url: str, page_path: str) -> str | None:
    path = urlsplit(url).path or page_path
    if path.startswith("http") or not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _discover(client, paths: dict[str, str]) -> tuple[dict, dict, set]:
    """Field names per URL name, for GET and for POST, from every page the client can open;
    and the URL names the client gets into."""
    query: dict[str, set[str]] = {}
    post: dict[str, set[str]] = {}
    reached: set[str] = set()
    for name, path in paths.items():
        response = client.get(path)
        if response.status_code in (200, 405):  # 405: a POST-only endpoint
            reached.add(name)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _FormFields()
        parser.feed(response.content.decode(errors="replace"))
        for action, method, names in parser.forms:
            target = _route_name(action, path)
            if target:
                (post if method == "post" else query).setdefault(target, set()).update(names)
        for href, names in parser.links:
            target = _route_name(href, path)
            if target:
                query.setdefault(target, set()).update(names)
    return query, post, reached


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and value.errors:
                return True
    return any(m.level >= message_levels.ERROR for m in get_messages(response.wsgi_request))


def _payload(names: list[str], shift: int) -> dict:
    return {name: HOSTILE[(i + shift) % len(HOSTILE)] for i, name in enumerate(sorted(names))}


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:40] + f"…({len(text)} chars)"


class _Probe:
    def __init__(self, client, writes: WriteLog, user):
        self.client = client
        self.user = user
        self.label = user.username if user else "anonymous"
        self.writes = writes
        self.failures: list[str] = []
        self.count = 0

    def send(self, method: str, path: str, data: dict, route) -> int | None:
        """Send one request and check it; its status code (None where it raised)."""
        label = f"{self.label} {route.name}"
        self.count += 1
        self.writes.take()
        # Messages left by an earlier request (an API answer never shows them) would read as
        # this request's refusal: only this request's own messages count.
        self.client.cookies.pop(CookieStorage.cookie_name, None)
        try:
            response = getattr(self.client, method)(path, data)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.failures.append(
                f"500 {label} {method.upper()} {_short(path)} "
                f"{ {k: _short(v) for k, v in data.items()} }: {type(exc).__name__}: "
                f"{str(exc)[:200]} at {where.filename}:{where.lineno}"
            )
            return None
        written = self.writes.take()  # before any re-login below, which writes itself
        user = getattr(response.wsgi_request, "user", None)  # absent if refused early
        if self.user and user is not None and not user.is_authenticated:
            self.client.force_login(self.user)  # the logout URL was probed: log back in
            self.writes.take()
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {label} {method.upper()} {_short(path)}")
        elif written and _refused(response):
            self.failures.append(f"refused but wrote {written}: {label} {method.upper()} {path}")
        return response.status_code


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_hostile_input_never_answers_500_and_refusals_write_nothing(world):
    started = time.process_time()  # CPU time, printed: what the fuzz costs, whatever the neighbours
    scene = Scene(world, "own")
    try:
        paths = {route.name: route.path(registry.fill(route, scene)) for route in ROUTES}
    except registry.UnregisteredParameter as exc:
        pytest.fail(str(exc))
    writes = WriteLog()
    probes, query_names, post_names, reachers = {}, {}, {}, {}
    for role in ROLES:
        client = Client()
        user = getattr(world, role) if role else None
        if user:
            client.force_login(user)
        probes[role] = _Probe(client, writes, user)
        queries, posts, reached = _discover(client, paths)
        for target, names in queries.items():
            query_names.setdefault(target, set()).update(names)
        for target, names in posts.items():
            post_names.setdefault(target, set()).update(names)
        for name in reached:
            reachers.setdefault(name, []).append(role)
    discovered = time.process_time() - started
    with connection.execute_wrapper(writes):
        for index, route in enumerate(ROUTES):
            _fuzz_route(route, index, scene, probes, query_names, post_names, reachers)
    elapsed = time.process_time() - started
    failures = [f for probe in probes.values() for f in probe.failures]
    count = sum(probe.count for probe in probes.values())
    print(f"fuzz: {count} requests, {elapsed:.0f}s CPU ({discovered:.0f}s discovering the forms)")
    assert not failures, f"{len(failures)} of {count} requests:\n" + "\n".join(failures)


def _fuzz_route(route, index, scene, probes, query_names, post_names, reachers):
    """Where some roles get in, every query parameter meets every value (together, in turn) and
    the first few also meet the SHARP values on their own (one bad parameter must not mask
    another by failing first); the form meets every value in every field. The work is dealt
    round-robin over the roles that get in. Two of the roles kept out, in turn from one URL to
    the next, get one request of each kind (the refusal path must hold too)."""
    inside = reachers.get(route.name, [])
    queries = sorted(query_names.get(route.name, set()) | set(COMMON_QUERY))
    posts = sorted(post_names.get(route.name, set()) | set(COMMON_POST))
    deal = 0
    if inside:
        # The search box and pagination, and the first discovered filters, also meet the SHARP
        # values alone (every parameter meets every value together, in turn: the CI budget).
        alone = [n for n in COMMON_QUERY if n in queries]
        alone += [n for n in queries if n not in alone][: MAX_ALONE - len(alone)]
        # A method the URL does not allow (405) is refused before the data is read: one
        # request of it is enough.
        for n in range(len(HOSTILE)):
            role = inside[n % len(inside)]
            if probes[role].send("get", _path(route, scene, n), _payload(queries, n), route) == 405:
                break
        else:
            for name in alone:
                for value in SHARP:
                    role = inside[deal % len(inside)]
                    deal += 1
                    probes[role].send("get", _path(route, scene, deal), {name: value}, route)
        for n in range(len(HOSTILE)):
            role = inside[n % len(inside)]
            if probes[role].send("post", _path(route, scene, n), _payload(posts, n), route) == 405:
                break
    outside = [role for role in probes if role not in inside]
    for n in range(min(OUTSIDERS, len(outside))):
        probe = probes[outside[(index + n) % len(outside)]]
        probe.send("get", _path(route, scene, index), _payload(queries, index), route)
        probe.send("post", _path(route, scene, index), _payload(posts, index), route)
    someone = probes[inside[0] if inside else None]
    for param in route.params:
        values = HOSTILE_PATH_INT if param.converter == "int" else HOSTILE_PATH_SLUG
        for value in values:
            path = route.path(registry.fill(route, scene) | {param.name: value})
            someone.send("get", path, {}, route)
            someone.send("post", path, {}, route)


def _path(route, scene, choice: int) -> str:
    return route.path(registry.fill(route, scene, choice_index=choice))
