"""The "change history" tab (DESIGN §8): simple-history rows as readable field changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Lazy: this table is built at import time, the language is chosen per request.
HISTORY_TYPES = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
HIDDEN_FIELDS = {"updated_at", "created_at", "password", "last_login"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _display(record, field_name: str, value) -> str:
    field = record.instance_type._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return str(getattr(record, field_name, value) or value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def history_entries(obj, *, limit: int = 100) -> list[HistoryEntry]:
    """The newest `limit` history records of `obj`, each with its field-level changes.

    Two queries (records + their users), whatever the number of records.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    entries = []
    for i, record in enumerate(records):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                label = str(record.instance_type._meta.get_field(change.field).verbose_name)
                if isinstance(change.old, list) or isinstance(change.new, list):
                    old, new = _m2m_text(change.old), _m2m_text(change.new)
                else:
                    old = _display(previous, change.field, change.old)
                    new = _display(record, change.field, change.new)
                changes.append(FieldChange(label, old, new))
        entries.append(
            HistoryEntry(
                at=record.history_date,
                who=str(record.history_user) if record.history_user else _("系统"),
                kind=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _m2m_text(rows) -> str:
    return f"{len(rows or [])} " + _("项")
