"""Webhooks to other systems: one HTTP POST of a JSON body with the headers the outbox row
carries (its signature among them — computed when the row was written, see api.callbacks).

No SDK: the standard library's urllib with a timeout. Any 2xx answer is success; everything
else (an HTTP error, a refused connection, a timeout) is retried by the outbox with backoff.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings


class WebhookError(Exception):
    """The receiver did not accept the message (retryable)."""


class WebhookConfigError(WebhookError):
    """The URL itself is unusable; retrying cannot help."""


def post_json(url: str, body: str, *, headers: dict[str, str], timeout: float | None = None):
    """POST `body` (a JSON text) to `url`; raise WebhookError unless the answer is 2xx."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise WebhookConfigError(f"not an http(s) URL: {urlsplit(url).scheme!r}")
    timeout = timeout or getattr(settings, "API_CALLBACK_TIMEOUT_SECONDS", 10)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(str(exc)) from exc
