"""The timeline is append-only; attachments are checked by content and downloaded safely;
`state` cannot be bulk-updated (the source-code guard is tests/issues/test_state_guard.py)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.attachments import issue_attachment_response
from issues.models import ImmutableEventError, Issue, IssueAttachment, IssueEvent
from issues.models.issue import StateChangeOutsideWorkflow
from issues.services import WorkflowError, issue_register, issue_transition
from tests.issues.conftest import PDF, PNG, pdf_upload

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_edited_or_deleted(world, make_issue):
    issue = make_issue("dispatched")
    event = IssueEvent.objects.filter(issue=issue).first()
    event.data = {"forged": True}
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    with pytest.raises(ImmutableEventError):
        IssueEvent.objects.filter(issue=issue).update(is_public=False)
    with pytest.raises(ImmutableEventError):
        IssueEvent.objects.filter(issue=issue).delete()
    assert IssueEvent.objects.filter(issue=issue).count() == 2


def test_state_cannot_be_bulk_updated_around_the_workflow(world, make_issue):
    issue = make_issue("new")
    with pytest.raises(StateChangeOutsideWorkflow):
        Issue.objects.filter(pk=issue.pk).update(state="closed")
    issue.state = "closed"
    with pytest.raises(StateChangeOutsideWorkflow):
        Issue.objects.bulk_update([issue], ["state"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("照片.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("说明.txt", b"\xef\xbb\xbf  <html><body>hi</body></html>"),
        ("说明.txt", b"Dear officer,\n<script>fetch('/')</script>"),
        ("表格.xlsx", b"not a zip at all"),
        ("照片.jpg", PNG),
        ("page.html", b"<html></html>"),
        ("图.svg", b"<svg/>"),
        ("run.exe", b"MZ\x90\x00"),
        ("空.pdf", b""),
    ],
)
def test_uploads_are_checked_by_content_not_by_name(world, make_issue, name, content):
    issue = make_issue("in_progress")
    with pytest.raises(WorkflowError):
        issue_transition(
            actor=world.handler,
            issue_id=issue.pk,
            action="attach",
            file=SimpleUploadedFile(name, content),
        )
    assert not IssueAttachment.objects.exists()


def test_files_larger_than_20_mb_are_refused(world, make_issue):
    issue = make_issue("in_progress")
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(WorkflowError, match="20 MB"):
        issue_transition(actor=world.handler, issue_id=issue.pk, action="attach", file=big)


def test_a_registration_with_a_bad_attachment_changes_nothing(world, cats):
    with pytest.raises(WorkflowError):
        issue_register(
            actor=world.liaison,
            enterprise=world.ent_a,
            source="visit",
            category=cats.plain,
            title="x",
            description="y",
            attachments=[pdf_upload(), SimpleUploadedFile("a.pdf", b"<html>")],
        )
    assert not Issue.objects.exists()


def test_attachments_are_stored_privately_under_a_random_name(world, make_issue, private_media):
    issue = make_issue("in_progress")
    issue_transition(
        actor=world.enterprise_user,
        issue_id=issue.pk,
        action="attach",
        file=pdf_upload("../../营业执照.pdf"),
        is_public=False,
    )
    attachment = IssueAttachment.objects.get()
    assert attachment.is_public  # the enterprise's own files are always visible to it
    assert attachment.original_name == "营业执照.pdf"
    assert attachment.content_type == "application/pdf"
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(private_media) / "private")
    assert "营业执照" not in stored.name
    assert attachment.file.storage.base_url is None


def test_downloads_are_attachments_with_nosniff_and_a_safe_type(world, make_issue):
    issue = make_issue("in_progress")
    issue_transition(
        actor=world.handler,
        issue_id=issue.pk,
        action="attach",
        file=SimpleUploadedFile("说明.txt", "办理说明".encode(), content_type="text/html"),
    )
    response = issue_attachment_response(IssueAttachment.objects.get())
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%B4%E6%98%8E.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == "办理说明".encode()
    response.close()
