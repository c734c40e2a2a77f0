"""Media storage from one setting, `MEDIA_STORAGE_URL` (DESIGN §12, beyond one machine).

Unset (the embedded default): files live on the local disk under MEDIA_ROOT, which is enough for
one machine. Set to an S3-compatible bucket, every process (web and workers, on any machine) reads
and writes the same objects:

    MEDIA_STORAGE_URL=s3://qinqing-media?endpoint_url=http://minio.internal:9000&region=cn-north-1

Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables (read by
django-storages), never from the URL. Objects are private (ACL `private`, no public URL): users
download them only through the permission-checked views of `crm.lib.files`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
_QUERY_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing": "addressing_style",
}


def storages_from_url(url: str) -> dict[str, dict]:
    """The `default` and `private` entries of Django's STORAGES for a media storage URL.

    `private` holds attachments (issues, visits); `default` holds ledger uploads and anything
    else. Both share the bucket under different prefixes."""
    if not url:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "crm.lib.files.PrivateStorage"},
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL must look like s3://bucket?endpoint_url=…, not {url!r}"
        )
    options: dict = {
        "bucket_name": parts.netloc,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "object_parameters": {"ContentDisposition": "attachment"},
    }
    for key, values in parse_qs(parts.query).items():
        if key not in _QUERY_OPTIONS:
            raise ImproperlyConfigured(f"MEDIA_STORAGE_URL: unknown option {key!r}")
        options[_QUERY_OPTIONS[key]] = values[-1]
    prefix = parts.path.strip("/")
    base = f"{prefix}/" if prefix else ""
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": f"{base}media"}},
        "private": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": f"{base}private"}},
    }
