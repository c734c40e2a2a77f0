"""Fixtures for the operations tests: the issue fixtures, and a real S3-compatible endpoint
(moto's server) on 127.0.0.1."""

import socket

import boto3
import pytest

from crm.lib.storage_url import storages_from_url
from tests.issues.conftest import cats, make_issue, private_media  # noqa: F401  (fixtures)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    """Media on a fresh bucket of the local S3 server, as MEDIA_STORAGE_URL would configure it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "qinqing-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "qinqing-test-secret")
    bucket = f"qq-{_free_port()}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="qinqing-test",
        aws_secret_access_key="qinqing-test-secret",
    )
    client.create_bucket(Bucket=bucket)
    url = f"s3://{bucket}/qinqing?endpoint_url={s3_endpoint}&region=us-east-1&addressing=path"
    settings.STORAGES = {**settings.STORAGES, **storages_from_url(url)}
    return client, bucket
