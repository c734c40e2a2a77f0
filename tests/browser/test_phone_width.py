"""Every staff page works on a 390 × 844 phone: the document is never wider than the screen
(issue 16). Tables scroll inside their own box or become cards; the page itself never scrolls
sideways.

The pages are enumerated from the URL conf, so a page added later is covered without touching
this file. A page whose URL takes arguments opens a demo object chosen in `OBJECTS`; a new
argument makes the test fail until its object is registered there. Pages that answer a GET with
something other than an HTML page (POST-only actions, downloads) are skipped by their answer.
Each page is opened as the first demo person who may see it. A screenshot of every page is
saved as test-artifacts/screenshots/phone-<url name>.png.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import login, shot

WIDTH, HEIGHT = 390, 844

# Not measured: the Django and Wagtail admin (their own UI), the API, the public website,
# language switching and the login / logout pages themselves. The portal is included (its
# management pages are the liaison's; the rest are opened as the demo enterprise user).
EXCLUDED_NAMESPACES = {"admin", "wagtailadmin", "api", "website", "djdt"}
EXCLUDED_NAMES = {"set_language", "accounts:login", "accounts:logout", "wagtail_serve"}
# Wagtail's own URL conf (its admin under /cms/, its documents and page-serving helpers) names
# its patterns and namespaces "wagtail…".
EXCLUDED_PREFIX = "wagtail"

# Demo people, in the order tried: the first who gets an HTML page is the one measured.
PEOPLE = ["admin", "dispatcher", "liaison", "handler", "unithead", "leader", "bbleader", "qiye"]


def _issue():
    from issues.models import Issue

    return Issue.objects.filter(state="in_progress").order_by("-pk").first() or Issue.objects.last()


def _enterprise():
    from enterprises.models import Enterprise

    return (
        Enterprise.objects.filter(name="江南精密机械有限公司").first() or Enterprise.objects.first()
    )


def _visit():
    from visits.models import Visit

    return Visit.objects.filter(status="done").order_by("-pk").first()


def _contact():
    from enterprises.models import Contact

    return Contact.objects.filter(enterprise=_enterprise()).first()


def _improvement():
    from issues.models import ImprovementAction

    return ImprovementAction.objects.first()


def _import_job():
    from enterprises.models import ImportJob

    return ImportJob.objects.first()


def _planned_visit():
    from visits.models import Visit

    return Visit.objects.filter(status="planned").order_by("-pk").first()


def _first(model_path: str, **filters):
    def get():
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()

    return get


def _portal_issue():
    from issues.models import Issue

    return (
        Issue.objects.filter(enterprise__memberships__user__username="qiye").order_by("-pk").first()
    )


def _pk(factory: Callable) -> Callable[[], int | None]:
    def get():
        obj = factory()
        return obj.pk if obj is not None else None

    return get


# Which demo object each URL argument names: by "namespace:name" and argument first, then by
# "namespace" and argument. Pages added later that take a new argument register it here.
OBJECTS: dict[tuple[str, str], Callable[[], object]] = {
    ("issues:improvement_detail", "pk"): _pk(_improvement),
    ("issues:improvement_link", "pk"): _pk(_improvement),
    ("issues", "pk"): _pk(_issue),
    ("issues", "enterprise_id"): _pk(_enterprise),
    ("issues", "action"): lambda: "acknowledge",
    ("issues", "attachment_id"): _pk(_first("issues.IssueAttachment")),
    ("issues:improvement_status", "pk"): _pk(_improvement),
    ("enterprises:import_detail", "pk"): _pk(_import_job),
    ("enterprises:import_confirm", "pk"): _pk(_import_job),
    ("enterprises", "pk"): _pk(_enterprise),
    ("enterprises", "contact_pk"): _pk(_contact),
    ("api_token_revoke", "pk"): _pk(_first("api.ApiToken")),
    ("cockpit:bulletin_download", "pk"): _pk(_first("cockpit.Bulletin")),
    ("portal:manage", "pk"): _pk(_enterprise),
    ("portal:invitation", "pk"): _pk(_first("portal.Invitation")),
    ("portal:invitation_revoke", "pk"): _pk(_first("portal.Invitation")),
    ("portal:membership_deactivate", "pk"): _pk(_first("enterprises.EnterpriseMembership")),
    ("portal:membership_reinvite", "pk"): _pk(_first("enterprises.EnterpriseMembership")),
    ("portal", "pk"): _pk(_portal_issue),
    ("portal", "action"): lambda: "answer",
    ("portal", "attachment_id"): _pk(_first("issues.IssueAttachment", is_public=True)),
    ("portal", "token"): lambda: None,  # one-time invitation tokens are not stored in clear
    ("visits:log_planned", "pk"): _pk(_planned_visit),
    ("visits:cancel", "pk"): _pk(_planned_visit),
    ("visits", "pk"): _pk(_visit),
    ("visits", "attachment"): _pk(_first("visits.VisitAttachment")),
    ("notifications", "pk"): _pk(_first("notifications.Notification", recipient__username="admin")),
    ("visits", "enterprise_pk"): _pk(_enterprise),
    ("policies", "pk"): _pk(_first("policies.PushTarget", enterprise__name="江南精密机械有限公司")),
    ("campaigns:target_update", "pk"): _pk(_first("campaigns.CampaignTarget")),
    ("campaigns", "pk"): _pk(_first("campaigns.Campaign")),
}
NO_OBJECT = object()


def staff_patterns() -> list[tuple[str, tuple[str, ...]]]:
    """(URL name, argument names) of every named page outside the excluded namespaces."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in EXCLUDED_NAMESPACES or str(p.pattern) in ("cms/", "documents/"):
                    continue
                if (p.namespace or "").startswith(EXCLUDED_PREFIX):
                    continue
                inner = p.namespace if p.namespace else namespace
                if namespace and p.namespace:
                    inner = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if name in EXCLUDED_NAMES or name.split(":")[0] in EXCLUDED_NAMESPACES:
                    continue
                if name.startswith(EXCLUDED_PREFIX):
                    continue
                found.append((name, list(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, None)
    return sorted({(n, tuple(a)) for n, a in found})


def _kwargs(name: str, args) -> dict | None:
    kwargs = {}
    for arg in args:
        factory = OBJECTS.get((name, arg)) or OBJECTS.get((name.split(":")[0], arg))
        if factory is None:
            raise LookupError(f"{name}: register a demo object for <{arg}> in OBJECTS")
        value = factory()
        if value is None:
            return None
        kwargs[arg] = value
    return kwargs


WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_every_staff_page_fits_a_390px_phone(page_factory):
    pages = {}

    def page_of(username):
        if username not in pages:
            page = page_factory(width=WIDTH, height=HEIGHT)
            login(page, username)
            pages[username] = page
        return pages[username]

    unregistered, too_wide, failed, measured, skipped = [], [], [], [], []
    for name, args in staff_patterns():
        try:
            kwargs = _kwargs(name, args)
        except LookupError as exc:
            unregistered.append(str(exc))
            continue
        if kwargs is None:
            skipped.append(f"{name} (no demo object)")
            continue
        url = reverse(name, kwargs=kwargs)
        for username in PEOPLE:
            page = page_of(username)
            try:
                response = page.goto(url)
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # an xlsx or attachment is not a page
                    break
                if "ERR_HTTP_RESPONSE_CODE_FAILURE" in str(exc):  # an empty 4xx (POST only)
                    continue
                failed.append(f"{name} as {username}: {str(exc).splitlines()[0]} ({url})")
                continue
            kind = (response.headers.get("content-type", "") if response else "").split(";")[0]
            if response is None or response.status != 200 or kind != "text/html":
                continue
            page.wait_for_load_state("networkidle")
            document, viewport = page.evaluate(WIDTH_JS)
            shot(page, f"phone-{name.replace(':', '-')}")
            measured.append(name)
            if document > viewport:
                too_wide.append(f"{name} as {username}: {document}px > {viewport}px ({url})")
            break
        else:
            skipped.append(f"{name} (no HTML page for a GET)")
    assert not unregistered + too_wide + failed, "\n".join(unregistered + too_wide + failed)
    # The pages this session knows must all have been measured (later ones add to them).
    for known in ("home", "issues:list", "issues:detail", "enterprises:detail", "visits:detail"):
        assert known in measured, (known, skipped)
