"""The WeCom webhook client: what counts as retryable and what does not."""

import urllib.error
from unittest import mock

import pytest

from notifications.wecom import WeComConfigError, WeComError, post_markdown, truncate_utf8

URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"


def test_it_refuses_a_webhook_that_is_not_http():
    with pytest.raises(WeComConfigError):
        post_markdown("file:///etc/passwd", "x")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (urllib.error.HTTPError(URL, 404, "Not Found", {}, None), WeComConfigError),
        (urllib.error.HTTPError(URL, 502, "Bad Gateway", {}, None), WeComError),
        (urllib.error.URLError("timed out"), WeComError),
        (TimeoutError("timed out"), WeComError),
    ],
)
def test_network_errors_are_classified(error, expected):
    with (
        mock.patch("notifications.wecom.urllib.request.urlopen", side_effect=error),
        pytest.raises(expected) as caught,
    ):
        post_markdown(URL, "x")
    assert type(caught.value) is expected


def test_an_answer_that_is_not_json_is_retryable(wecom):
    wecom.answer = b"<html>502 Bad Gateway</html>"
    with pytest.raises(WeComError):
        post_markdown(URL, "x")


def test_long_content_is_cut_to_wecoms_limit_without_breaking_a_character(wecom):
    post_markdown(URL, "诉" * 3000)
    content = wecom.posts[0]["json"]["markdown"]["content"]
    assert len(content.encode()) <= 4000
    assert content.endswith("…")
    assert truncate_utf8("短") == "短"
