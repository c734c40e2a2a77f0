"""The facts' window indexes (migration 0005) rebuilt as SP-GiST indexes (PostgreSQL only).

Which windows (lo, hi] hold an instant is a two-sided question on the two bounds
(lo < instant <= hi). SP-GiST keeps ranges in a quad tree over (lower, upper), which answers
it by visiting only the quadrants that can hold the instant; the GiST index read most of
itself for it (at city scale: 19 ms warm, 54 ms cold, for the 25,000 facts that hold an
instant; SP-GiST: 6 ms, and a smaller index).

- ACK and RESOLVE facts: the window (w_lo, w_hi] itself, asked for the period's start.
- SPAN, DISPATCH and REVISIT facts: (t, w_hi]. Their window never opens before the fact
  (t <= w_lo), so the facts of [s, e) whose window holds e are those whose (t, w_hi] holds e
  and lies after s — one question on the index, which reads only the period's facts and not
  those of the issues registered before it, about half of the issues in flight at its end
  (`cockpit.metrics.window_holds_end`) — and whose w_lo is before e.

Carrying the corrections' columns in the index for index-only scans was tried: four times the
size for no measurable gain, since reading the tuples is the cost. Built CONCURRENTLY, the
facts stay writable meanwhile (hence atomic = False); the old indexes are dropped after the new
ones exist."""

from django.db import migrations

OLD = {
    "cockpit_fact_window_end": ("gist", "w_lo", "1, 2, 5"),
    "cockpit_fact_window_start": ("gist", "w_lo", "3, 4"),
}
NEW = {
    "cockpit_fact_holds_end": ("spgist", "t", "1, 2, 5"),
    "cockpit_fact_holds_start": ("spgist", "w_lo", "3, 4"),
}


def _create(schema_editor, indexes):
    for name, (method, lower, kinds) in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cockpit_fact "
            f"USING {method} (tstzrange({lower}, w_hi, '(]')) "
            f"WHERE w_lo IS NOT NULL AND kind IN ({kinds})"
        )


def _drop(schema_editor, indexes):
    for name in indexes:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _create(schema_editor, NEW)
    _drop(schema_editor, OLD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _create(schema_editor, OLD)
    _drop(schema_editor, NEW)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cockpit", "0005_fact_window_index")]

    operations = [migrations.RunPython(forward, backward)]
