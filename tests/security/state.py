""" "Nothing changed": one query counting the rows of every table the product writes."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import connection

# Tables whose rows are written by refusals on purpose or by the test client itself.
IGNORED_APPS = {
    "sessions",  # a login or a message writes the session
    "axes",  # failed logins are recorded: that is the throttle working
    "contenttypes",
    "auth",  # permissions
    "admin",
}


@cache
def _tables() -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                m._meta.db_table
                for m in apps.get_models(include_auto_created=True)
                if m._meta.app_label not in IGNORED_APPS and m._meta.managed
            }
        )
    )


def row_counts() -> dict[str, int]:
    """Row count of every product table (events, history, notifications, everything)."""
    quote = connection.ops.quote_name
    tables = _tables()
    # table names come from the model registry, never from input
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


class WriteLog:
    """Tables written by the statements that ran (and were not rolled back) while active.

    An execute wrapper: costs nothing per request, unlike counting rows. Writes undone by a
    savepoint rollback (a service refusing inside `atomic`) do not count."""

    def __init__(self):
        self._stack: list[list[str]] = [[]]
        self._ignored = {
            m._meta.db_table for m in apps.get_models(include_auto_created=True)
        } - set(_tables())

    def __call__(self, execute, sql, params, many, context):
        verb = sql.lstrip()[:40].upper()
        if verb.startswith("SAVEPOINT"):
            self._stack.append([])
        elif verb.startswith("ROLLBACK TO SAVEPOINT"):
            self._stack[-1] = []
        elif verb.startswith("RELEASE SAVEPOINT") and len(self._stack) > 1:
            done = self._stack.pop()
            self._stack[-1].extend(done)
        elif verb.startswith(("INSERT", "UPDATE", "DELETE")):
            table = self._table(sql)
            if table not in self._ignored:
                self._stack[-1].append(table)
        return execute(sql, params, many, context)

    @staticmethod
    def _table(sql: str) -> str:
        words = sql.replace("INTO ", "").replace("FROM ", "").split()
        return words[1].strip('"`') if len(words) > 1 else "?"

    def take(self) -> list[str]:
        written = [t for level in self._stack for t in level]
        self._stack = [[]]
        return written
