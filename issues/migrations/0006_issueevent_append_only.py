"""The timeline is append-only in the database (DESIGN §8): triggers refuse UPDATE and DELETE of
issue events, whatever the way in — the ORM with an explicit pk, querysets, `_base_manager`, raw
SQL, a database shell. Inserting stays possible.

PostgreSQL: one row trigger raising an error. SQLite: one trigger each for UPDATE and DELETE
calling RAISE(ABORT). (Emptying the whole table, as a test database flush does, is TRUNCATE on
PostgreSQL — which row triggers do not see — and, on SQLite, done by the test suite with the
trigger lifted: `tests/conftest.py`.)
"""

from django.db import migrations

TABLE = "issues_issueevent"
MESSAGE = "issue events are append-only"

POSTGRESQL_UP = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
    """,
]
POSTGRESQL_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]

SQLITE_UP = [
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE} (UPDATE refused)'); END
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE} (DELETE refused)'); END
    """,
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # no %-interpolation

    return run


class Migration(migrations.Migration):
    dependencies = [("issues", "0005_event_timing_facts")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
