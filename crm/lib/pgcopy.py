"""Bulk writes with PostgreSQL's COPY (text format): millions of rows where INSERT would take
minutes (the cockpit's fact rebuild, the benchmarks' data sets)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write `rows` (values in the order of `columns`) into `table` with one COPY."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_text(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN WITH (FORMAT text)",
            buffer,
        )


def copy_text(value: object) -> str:
    """`value` as a field of COPY's text format (tabs and newlines in text become spaces)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())} seconds"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
