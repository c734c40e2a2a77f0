"""An index to lay the facts out by (the month of w_hi, t), which the rebuild CLUSTERs the
table on (PostgreSQL only; `cockpit.facts.rebuild_all`).

The facts holding a past period's end (`cockpit.metrics.window_holds_end`) are the period's
facts whose window closes after it: laid out by the issue they belong to, as they are written,
they lie one or two to a page across the whole table (at city scale 13,000 facts on 6,400
pages); laid out by when their window closes and then by t, they lie in a few runs of adjacent
pages (900 pages), and the lookup reads a seventh of the pages. Facts without a window (w_hi
NULL) come last, by t, as a period's scan of them wants. The facts a refresh rewrites between
two rebuilds are appended together, recent with recent.

Built CONCURRENTLY (hence atomic = False). The layout itself comes with the next rebuild
(`cockpit_rebuild`, or the nightly beat)."""

from django.db import migrations

NAME = "cockpit_fact_layout"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON cockpit_fact "
        "((date_trunc('month', w_hi AT TIME ZONE 'UTC')), t)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cockpit", "0006_fact_window_spgist")]

    operations = [migrations.RunPython(create, drop)]
