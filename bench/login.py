"""Benchmark: the server time of one login, and what the password hasher costs in it (issue 16).

    python bench/login.py            # prints one JSON line

Runs in-process against a fresh in-memory SQLite database (the Django test client calls the
whole middleware stack and view, so the time measured is the server's, without the network).
For each candidate hasher, a user is created with it and logged in BENCH_LOGINS (7) times;
the median of the POST to the login page is reported, next to the bare hasher's verify time.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_ENV", "development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

N = int(os.environ.get("BENCH_LOGINS", "7"))
PASSWORD = "Qinqing@2026"  # noqa: S105 - the documented demo password
CANDIDATES = {
    "configured": settings.PASSWORD_HASHERS,
    "pbkdf2_1000000": ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    "scrypt_django_default": ["django.contrib.auth.hashers.ScryptPasswordHasher"],
}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def measure(name: str, hashers: list[str]) -> dict:
    from accounts.models import User

    with override_settings(PASSWORD_HASHERS=hashers):
        hasher = get_hasher()
        encoded = hasher.encode(PASSWORD, hasher.salt())
        verify = []
        for _ in range(N):
            start = time.perf_counter()
            hasher.verify(PASSWORD, encoded)
            verify.append(time.perf_counter() - start)
        user = User.objects.create_user(username=f"bench_{name}", password=PASSWORD)
        login = []
        for _ in range(N):
            client = Client()
            start = time.perf_counter()
            response = client.post(
                reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
            )
            login.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
    return {
        "hasher": hasher.algorithm,
        "hasher_verify_ms": _median_ms(verify),
        "login_post_ms": _median_ms(login),
    }


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0, run_syncdb=True)
    results = {name: measure(name, hashers) for name, hashers in CANDIDATES.items()}
    print(json.dumps({"logins_per_candidate": N, "cpus": os.cpu_count(), **results}))


if __name__ == "__main__":
    main()
