"""The home page's tests stand on the issues fixtures (`make_issue` drives the real services)."""

from tests.issues.conftest import cats, make_issue, private_media  # noqa: F401
