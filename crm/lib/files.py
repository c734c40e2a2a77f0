"""Uploaded attachments: validation by content, private storage and safe downloads (DESIGN §12).

Every app that accepts files (issues, visits) uses these helpers, so the rules are the same
everywhere:

- `validate_upload(file)` accepts at most `MAX_UPLOAD_BYTES` and only the extensions of
  `ALLOWED_TYPES`; the first bytes must match the extension (a JPEG starts like a JPEG, an .xlsx
  like a zip …) and markup (HTML, SVG, XML, script) is refused whatever the extension says.
  It returns the canonical content type, which is what downloads send — never the type the
  browser claimed at upload time.
- `private_storage()` is a FileSystemStorage under `MEDIA_ROOT/private` without a public URL:
  files are only reachable through permission-checked views.
- `safe_download_response(...)` answers with `Content-Disposition: attachment`, `nosniff` and a
  sandboxing content-security policy, so nothing uploaded is ever rendered inline as a page.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_HEAD_BYTES = 4096

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc/.xls/.ppt)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # zip and the Office Open XML formats


def _jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _gif(head: bytes) -> bool:
    return head[:6] in (b"GIF87a", b"GIF89a")


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _heic(head: bytes) -> bool:
    brands = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
    return head[4:8] == b"ftyp" and head[8:12] in brands


def _pdf(head: bytes) -> bool:
    # Some producers put a few bytes of junk before the header; the spec allows 1024.
    return b"%PDF-" in head[:1024]


def _ole(head: bytes) -> bool:
    return head.startswith(OLE)


def _zip(head: bytes) -> bool:
    return head.startswith(ZIP)


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    # The head may cut a multi-byte character in two: ignore a short tail.
    sample = head[:-4] if len(head) >= _HEAD_BYTES else head
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: object  # Callable[[bytes], bool]


ALLOWED_TYPES: dict[str, FileType] = {
    "jpg": FileType("image/jpeg", _jpeg),
    "jpeg": FileType("image/jpeg", _jpeg),
    "png": FileType("image/png", _png),
    "gif": FileType("image/gif", _gif),
    "webp": FileType("image/webp", _webp),
    "heic": FileType("image/heic", _heic),
    "pdf": FileType("application/pdf", _pdf),
    "doc": FileType("application/msword", _ole),
    "xls": FileType("application/vnd.ms-excel", _ole),
    "ppt": FileType("application/vnd.ms-powerpoint", _ole),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _zip
    ),
    "txt": FileType("text/plain; charset=utf-8", _text),
    "zip": FileType("application/zip", _zip),
}
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp", "heic"})

# Markup a browser could render or execute. Checked in the first bytes of every file, after
# stripping a byte-order mark and whitespace, whatever the extension claims.
_MARKUP = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<meta",
    b"<a ",
    b"<img",
    b"<style",
    b"<div",
    b"<table",
    b"<form",
    b"<!--",
)


def looks_like_markup(head: bytes) -> bool:
    """Whether the start of a file is HTML / SVG / XML / script in any common encoding."""
    probe = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if probe.startswith(bom):
            probe = probe[len(bom) :]
    if probe[:1] == b"\x00" or probe[1:2] == b"\x00":  # UTF-16: drop the zero bytes
        probe = probe.replace(b"\x00", b"")
    probe = probe.lstrip().lower()
    if probe.startswith(_MARKUP):
        return True
    # Markup further in (e.g. a .txt that is really a page with a preamble).
    body = probe[:_HEAD_BYTES]
    return any(tag in body for tag in (b"<script", b"<html", b"<svg", b"<!doctype html"))


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    original_name: str


def file_extension(name: str) -> str:
    return Path(name or "").suffix.lower().lstrip(".")


def validate_upload(file) -> CheckedUpload:
    """Check an uploaded file (size, extension, content); raise ValidationError in Chinese."""
    name = os.path.basename(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    if not size:
        raise ValidationError(_("文件「%(name)s」是空的。"), params={"name": name}, code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件「%(name)s」超过 20 MB，请压缩后再上传。"), params={"name": name}, code="too_big"
        )
    ext = file_extension(name)
    kind = ALLOWED_TYPES.get(ext)
    if kind is None:
        raise ValidationError(
            _("不支持「%(name)s」的文件类型。可上传：图片、PDF、Word、Excel、PPT、文本和 zip。"),
            params={"name": name},
            code="extension",
        )
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    if isinstance(head, str):
        head = head.encode("utf-8")
    if looks_like_markup(head) or not kind.matches(head):
        raise ValidationError(
            _("文件「%(name)s」的内容与扩展名不符，已拒绝。"), params={"name": name}, code="content"
        )
    return CheckedUpload(
        extension=ext, content_type=kind.content_type, size=size, original_name=name[:200]
    )


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private with no URL: `.url()` raises, so a template can never
    link to a file directly. The location follows MEDIA_ROOT (also when tests override it)."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")

    @cached_property
    def base_url(self):
        return None


class _PrivateStorageProxy(LazyObject):
    """`storages["private"]`, resolved when first used and again after STORAGES changes: the
    local PrivateStorage by default, an S3-compatible bucket when MEDIA_STORAGE_URL is set."""

    def _setup(self):
        self._wrapped = storages["private"]


_PRIVATE = _PrivateStorageProxy()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _PRIVATE._wrapped = empty


def private_storage():
    """The storage of attachments (use as `FileField(storage=private_storage)`)."""
    return _PRIVATE


def private_upload_path(prefix: str, original_name: str) -> str:
    """A random, date-bucketed path; the uploader's file name never reaches the disk."""
    now = timezone.localtime()
    ext = file_extension(original_name)
    suffix = f".{ext}" if ext in ALLOWED_TYPES else ""
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def safe_content_type(name: str) -> str:
    """The type a download is sent with: from the extension's allow-list, else octet-stream."""
    kind = ALLOWED_TYPES.get(file_extension(name))
    return kind.content_type if kind else "application/octet-stream"


def safe_download_response(*, fieldfile, filename: str) -> FileResponse:
    """Stream a stored file as a download that no browser will render as a page."""
    response = FileResponse(
        fieldfile.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=safe_content_type(filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
