"""WeCom group robots (企业微信群机器人): one HTTP POST of a markdown message to the webhook.

No SDK: the standard library's urllib with a timeout is all the webhook needs.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5
# WeCom accepts at most 4096 bytes of markdown content; keep a margin.
MAX_CONTENT_BYTES = 4000


class WeComError(Exception):
    """The robot did not accept the message (retryable)."""


class WeComConfigError(WeComError):
    """The webhook itself is unusable; retrying cannot help."""


def truncate_utf8(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"


def post_markdown(url: str, content: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Post `content` as a markdown message; raise WeComError unless WeCom answers errcode 0."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise WeComConfigError(f"not an http(s) webhook: {urlsplit(url).scheme!r}")
    payload = {"msgtype": "markdown", "markdown": {"content": truncate_utf8(content)}}
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (400, 401, 403, 404):
            raise WeComConfigError(f"HTTP {exc.code}") from exc
        raise WeComError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WeComError(str(exc)) from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise WeComError("the webhook did not answer JSON") from exc
    errcode = answer.get("errcode", 0)
    if errcode == 93000:  # invalid webhook key
        raise WeComConfigError(f"errcode {errcode}: {answer.get('errmsg', '')}")
    if errcode != 0:
        raise WeComError(f"errcode {errcode}: {answer.get('errmsg', '')}")
