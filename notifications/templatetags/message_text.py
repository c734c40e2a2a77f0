"""Filters that make user-written text inert in messages leaving the product.

WeCom robots render Markdown (links, headings, quotes, <font>), and SMS gateways read 【…】 as
the sender's signature. An issue title or body is written by whoever files it, so it must not be
able to add a link to a unit's group chat or pose as another sender.
"""

import re

from django import template

register = template.Library()

# Markdown syntax WeCom understands → the full-width look-alike, which renders as itself.
_MARKDOWN = str.maketrans(
    {
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "#": "＃",
        ">": "＞",
        "<": "＜",
        "~": "～",
        "|": "｜",
        "!": "！",
        "\\": "＼",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@register.filter
def md_text(value) -> str:
    """Text for WeCom Markdown: no syntax, no line breaks (one line stays one line)."""
    text = _CONTROL.sub("", str(value or "")).replace("\r", " ").replace("\n", " ")
    return text.translate(_MARKDOWN)


@register.filter
def sms_text(value) -> str:
    """Text for an SMS: one line, no control characters, no 【】 signature look-alikes."""
    text = _CONTROL.sub("", str(value or "")).replace("\r", " ").replace("\n", " ")
    return text.replace("【", "〔").replace("】", "〕")
