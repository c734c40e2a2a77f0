"""Plain `pytest` runs the suite in test mode: no `DJANGO_ENV=test` needed on the command line."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_suite_runs_in_test_mode():
    assert settings.DJANGO_ENV == "test"
    assert settings.TESTING is True
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_plain_pytest_without_django_env_picks_the_test_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and test file
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).relative_to(ROOT)}::test_the_suite_runs_in_test_mode",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
