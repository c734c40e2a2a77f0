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
