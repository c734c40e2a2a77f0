"""A bulk UPDATE that stays fast for thousands of rows.

Django's `bulk_update` writes one `CASE WHEN pk = … THEN …` per row and field: for a batch of n
rows the database compares n × n times per field, and building those expressions in Python took
30 s for 5,000 enterprises. `UPDATE … FROM (VALUES …)` joins instead (PostgreSQL, and SQLite
≥ 3.33). History rows are still written by simple-history (`bulk_update_with_history` with no
fields: history only), attributed to the importer.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

BATCH = 500


def update_values(model, objs: list, fields: list[str]) -> None:
    """Write `fields` of `objs` (model instances with their pk) in one statement per batch."""
    if not objs or not fields:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    pk = meta.pk
    cols = [pk, *(meta.get_field(name) for name in fields)]
    table = qn(meta.db_table)
    assignments = ", ".join(f"{qn(f.column)} = v.column{i}" for i, f in enumerate(cols, 1) if i > 1)
    plain = "(" + ", ".join(["%s"] * len(cols)) + ")"
    if connection.vendor == "postgresql":
        # the first row's casts give the VALUES list its column types
        typed = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in cols) + ")"
    else:
        typed = plain
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            chunk = objs[start : start + BATCH]
            params = []
            for obj in chunk:
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in cols)
            values = ", ".join([typed] + [plain] * (len(chunk) - 1))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "  # noqa: S608 - names are quoted model metadata, values are parameters
                f"WHERE {table}.{qn(pk.column)} = v.column1",
                params,
            )


def update_with_history(model, objs: list, fields: list[str], *, actor, reason: str) -> None:
    update_values(model, objs, fields)
    bulk_update_with_history(
        objs, model, [], batch_size=1000, default_user=actor, default_change_reason=reason
    )


# --- inserts ---------------------------------------------------------------------------------
# Django's bulk_create (and so simple-history's bulk_create_with_history) builds a model instance
# and runs every field's conversion for each row: for the ~75,000 rows of a 10,000-enterprise
# import (enterprises, liaisons, leaders, contacts and one history row each) that was half of
# the import's time. These write the same rows with one multi-row INSERT per batch, converting
# only the columns that need it (dates, decimals). The history rows are exactly those of
# simple-history's `bulk_history_create`: every tracked field, history_date, history_type "+",
# the change reason and the acting user.

_CONVERTED = (models.DateField, models.DecimalField, models.JSONField)  # DateTimeField ⊂ Date


def _converter(field):
    # psycopg2 adapts dates, datetimes and decimals itself (Django's PostgreSQL backend passes
    # them through unchanged); SQLite needs Django's conversion.
    if isinstance(field, models.JSONField) or (
        isinstance(field, _CONVERTED) and connection.vendor != "postgresql"
    ):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _insert(table: str, columns: list[str], rows: list[list], *, returning: str | None):
    """INSERT rows (lists of adapted values) in batches; the returned column's values, in order."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch = max(1, min(BATCH * 2, 30000 // max(1, len(columns))))
    found: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"INSERT INTO {qn(table)} ({cols}) VALUES {', '.join([placeholder] * len(chunk))}"  # noqa: S608 - quoted model metadata; values are parameters
            if returning:
                sql += f" RETURNING {qn(returning)}"
            cursor.execute(sql, [v for row in chunk for v in row])
            if returning:
                found.extend(r[0] for r in cursor.fetchall())
    return found


def insert_dicts(model, rows: list[dict]) -> None:
    """Insert plain rows ({attname: value}) of `model` — for link and snapshot rows, where
    building model instances would be most of the cost. No auto fields are filled."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = [_converter(f) for f in fields]
    values = []
    for row in rows:
        values.append(
            [
                row[f.attname] if convert is None else convert(row[f.attname])
                for f, convert in zip(fields, converters, strict=True)
            ]
        )
    _insert(model._meta.db_table, [f.column for f in fields], values, returning=None)


def insert_rows(model, objs: list) -> list:
    """Insert unsaved instances of `model` (auto primary key); sets and returns their pks.
    auto_now / auto_now_add fields are filled as Django would."""
    if not objs:
        return objs
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    converters = [_converter(f) for f in fields]
    rows = []
    for obj in objs:
        row = [getattr(obj, f.attname) for f in fields]
        for i, convert in enumerate(converters):
            if convert is not None:
                row[i] = convert(row[i])
        rows.append(row)
    pk = model._meta.pk
    ids = _insert(model._meta.db_table, [f.column for f in fields], rows, returning=pk.column)
    for obj, pk_value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, pk_value)
        obj._state.adding = False
    return objs


def insert_with_history(model, objs: list, *, actor, reason: str) -> list:
    """`insert_rows`, then one "+" history row per object attributed to `actor`."""
    insert_rows(model, objs)
    if not objs:
        return objs
    history = model.history.model
    now = timezone.now()
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    fixed = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": actor.pk if actor else None,
    }
    converters = [_converter(f) for f in fields]
    rows = []
    for obj in objs:
        row = [fixed[f.attname] if f.attname in fixed else getattr(obj, f.attname) for f in fields]
        for i, convert in enumerate(converters):
            if convert is not None:
                row[i] = convert(row[i])
        rows.append(row)
    _insert(history._meta.db_table, [f.column for f in fields], rows, returning=None)
    return objs
