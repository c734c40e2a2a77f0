"""The facts' windows, indexed for the question `cockpit.grains` asks of them (PostgreSQL only):
which facts have a window (w_lo, w_hi] holding a period's end (SPAN, DISPATCH, REVISIT) or its
start (ACK, RESOLVE)? A GiST index over the range answers with those few facts, where a B-tree
on either bound would read every fact on one side of it. `cockpit.metrics.window_holds` writes
the same expression and the same conditions, so that PostgreSQL recognises them. SQLite has no
such index; there the facts are filtered by the two bounds. Built CONCURRENTLY: the facts stay
writable meanwhile (hence atomic = False)."""

from django.db import migrations

INDEXES = {
    "cockpit_fact_window_end": "1, 2, 5",
    "cockpit_fact_window_start": "3, 4",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, kinds in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cockpit_fact "
            f"USING gist (tstzrange(w_lo, w_hi, '(]')) "
            f"WHERE w_lo IS NOT NULL AND kind IN ({kinds})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cockpit", "0004_grains")]

    operations = [migrations.RunPython(create, drop)]
