"""The database a benchmark runs on: a fresh one, never the developer's own.

SQLite (no DATABASE_URL): a new file in a temporary folder. PostgreSQL: the server DATABASE_URL
names, with a database of the benchmark's own (BENCH_DB, or the script's default) dropped and
created anew."""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit


def recreate_database(url: str, name: str) -> str:
    """Drop and create database `name` on the PostgreSQL server of `url`; its URL."""
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_database_url(default_name: str) -> str:
    url = os.environ.get("DATABASE_URL", "sqlite:///")
    if url.startswith("sqlite"):
        return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return recreate_database(url, os.environ.get("BENCH_DB", default_name))


def start_django(database_url: str, **environ: str) -> None:
    """Set Django up on `database_url` as a benchmark runs it: production-like (no debug), a
    throwaway media folder, warnings only in the log; `environ` adds or overrides settings."""
    from django.conf import settings

    if settings.configured:  # they would name another database, perhaps the developer's own
        raise RuntimeError("Django's settings were read before the benchmark chose its database")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp()
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.update(environ)
    import django

    django.setup()


def city_database_url(default_name: str) -> str:
    """The PostgreSQL database of a city-scale benchmark: recreated, or with BENCH_REUSE=1 the
    one already there (BENCH_DB, else `default_name`)."""
    import sys

    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not url.startswith("postgres"):
        sys.exit("the city data set is for PostgreSQL: set DATABASE_URL=postgres://…")
    name = os.environ.get("BENCH_DB", default_name)
    if os.environ.get("BENCH_REUSE") == "1":
        return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    return recreate_database(url, name)
