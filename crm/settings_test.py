"""The test suite's settings module (pyproject: `DJANGO_SETTINGS_MODULE`), so that plain `pytest`
runs in test mode without `DJANGO_ENV=test`. An explicit `DJANGO_ENV` still wins: tests that start
a production process set it (and `DJANGO_SETTINGS_MODULE=crm.settings`) for that process."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from crm.settings import *  # noqa: F403
