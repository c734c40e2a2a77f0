"""Downloading issue attachments (always as a file, never rendered inline)."""

from __future__ import annotations

from django.http import FileResponse

from crm.lib.files import safe_download_response
from issues.models import IssueAttachment


def issue_attachment_response(attachment: IssueAttachment) -> FileResponse:
    """A download response for an attachment the caller has already authorised (use
    `issues.selectors.issue_attachment_get_for_user`): Content-Disposition attachment with the
    original name, nosniff, a sandboxing CSP and a content type from the extension allow-list."""
    return safe_download_response(fieldfile=attachment.file, filename=attachment.original_name)
