"""Request-level guards shared by every view."""

from __future__ import annotations

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

# No search box or filter needs more; SQLite refuses LIKE patterns over 50,000 bytes (a 500).
MAX_QUERY_VALUE = 2000


def _too_long(query_dict) -> bool:
    return any(len(v) > MAX_QUERY_VALUE for _, values in query_dict.lists() for v in values)


def _has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists()
    )


class RejectNulMiddleware:
    """Refuse any request whose query string or form fields contain a NUL character, or whose
    query string carries a value longer than any search or filter needs.

    No text a person types contains NUL, PostgreSQL cannot store it ("A string literal cannot
    contain NUL"), and passing it on turned every search box into a 500. One check here covers
    every filter, search and form, present and future, instead of one per view. The answer is a
    400 with a Chinese message; the view never runs, so nothing is written. (Form fields keep
    their own length limits, with messages next to the field.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return HttpResponseBadRequest(
                _("请求中包含非法字符（NUL），已拒绝。请检查输入后重试。"),
                content_type="text/plain; charset=utf-8",
            )
        if _too_long(request.GET):
            return HttpResponseBadRequest(
                _("查询条件过长（每项不超过 %(n)s 个字符），已拒绝。") % {"n": MAX_QUERY_VALUE},
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# --- Content-Security-Policy ---------------------------------------------------------------
# django-csp's middleware, with one scoped relaxation. Everywhere the strict policy of
# `settings.CONTENT_SECURITY_POLICY` applies. Under `settings.CMS_URL_PREFIX` (the Wagtail admin,
# used by policy editors and administrators only) the directives in
# `CMS_CONTENT_SECURITY_POLICY_OVERRIDES` replace the strict ones: Wagtail's admin uses inline
# styles and scripts and previews pages in a same-origin iframe. Nothing is loaded from another
# origin anywhere.


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.CMS_URL_PREFIX):
            overrides = settings.CMS_CONTENT_SECURITY_POLICY_OVERRIDES
            parts.replace = {**(parts.replace or {}), **overrides}
        return parts
