"""Indexes on the large tables are built without blocking writes on PostgreSQL
(crm.lib.migrations), and plainly on SQLite."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)  # SQLite writes no schema SQL inside a transaction
def test_the_issue_list_indexes_are_built_concurrently_on_postgresql():
    out = StringIO()

    call_command("sqlmigrate", "issues", "0010", stdout=out)

    sql = out.getvalue()
    concurrently = connection.vendor == "postgresql"
    assert ("CREATE INDEX CONCURRENTLY" in sql) is concurrently
    assert ("DROP INDEX CONCURRENTLY" in sql) is concurrently
    assert '"issue_registered_cover"' in sql
