"""Attachments and ledger uploads on S3-compatible storage (moto's server on 127.0.0.1): stored
privately in the bucket, downloaded only through the permission-checked views."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.lib.files import private_storage
from crm.lib.storage_url import storages_from_url
from enterprises.models import ImportJob
from tests.enterprises.conftest import csv_bytes, ledger_row, upload
from tests.issues.conftest import PDF, pdf_upload


def _keys(client, bucket):
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_issue_attachment_goes_to_the_bucket_and_back_through_the_view(
    client, world, make_issue, s3_media
):
    s3, bucket = s3_media
    issue = make_issue("in_progress")
    client.force_login(world.handler)
    client.post(
        reverse("issues:action", args=[issue.pk, "attach"]),
        {"attach-file": pdf_upload(), "attach-is_public": "on"},
    )
    attachment = issue.attachments.get()

    keys = _keys(s3, bucket)
    assert keys == [f"qinqing/private/{attachment.file.name}"]
    grants = s3.get_object_acl(Bucket=bucket, Key=keys[0])["Grants"]
    assert all("AllUsers" not in str(g.get("Grantee", {})) for g in grants)

    url = reverse("issues:attachment", args=[issue.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")

    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_the_private_storage_has_no_public_url_on_s3_either(s3_media):
    name = private_storage().save("probe/x.txt", SimpleUploadedFile("x.txt", b"hello"))
    url = private_storage().url(name)
    # A URL is only ever a short-lived signed one (no anonymous access to the object).
    assert "Signature" in url or "X-Amz-Signature" in url


def test_a_ledger_upload_is_stored_in_the_bucket(client, world, s3_media):
    s3, bucket = s3_media
    client.force_login(world.dispatcher)
    client.post(
        reverse("enterprises:import"), {"file": upload(csv_bytes([ledger_row(1)]), name="台账.csv")}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.UPLOADED, job.errors
    assert f"qinqing/media/{job.file.name}" in _keys(s3, bucket)


@pytest.mark.parametrize(
    "url",
    ["ftp://bucket", "s3://", "s3://bucket?password=x"],
)
def test_a_malformed_media_storage_url_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        storages_from_url(url)


def test_no_media_storage_url_means_the_local_disk():
    conf = storages_from_url("")
    assert conf["private"]["BACKEND"] == "crm.lib.files.PrivateStorage"
    assert conf["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
