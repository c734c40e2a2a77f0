"""Reading an uploaded ledger (.xlsx, or .csv in UTF-8 with or without BOM, or GBK) into rows.

Everything that can go wrong with the file as a whole raises `LedgerFileError` with a message
in Chinese; row-level problems are the validator's job.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from enterprises.ledger.columns import BY_KEY, COLUMNS, HEADER_TO_KEY, normalise_header
from enterprises.ledger.xlsx_fast import read_rows

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


class LedgerFileError(Exception):
    pass


@dataclass
class Table:
    keys: list[str | None]  # column index -> column key (None for columns we do not know)
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {key: raw value})


def read_table(content: bytes, filename: str) -> Table:
    if not content:
        raise LedgerFileError(_("文件为空。"))
    if len(content) > MAX_BYTES:
        raise LedgerFileError(
            _("文件过大（超过 %(mb)d MB），请拆分后分批导入。") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(content)
    elif name.endswith(".xls"):
        raise LedgerFileError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传。"))
    else:
        raise LedgerFileError(_("只能导入 .xlsx 或 .csv 文件。"))
    return _table(raw_rows)


def _xlsx_rows(content: bytes):
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise LedgerFileError(_("文件不是有效的 Excel 电子表格（.xlsx）。"))
    try:
        yield from read_rows(io.BytesIO(content))
    except (ValueError, IndexError) as exc:
        raise LedgerFileError(_("文件不是有效的 Excel 电子表格（.xlsx）。")) from exc


def _csv_rows(content: bytes):
    if b"\x00" in content[:4096]:
        raise LedgerFileError(_("文件不是有效的 CSV 文本文件。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerFileError(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)


def cell_text(value) -> str:
    """A cell as text: 13800000004.0 (Excel's number) → "13800000004", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _table(raw_rows) -> Table:
    header = None
    rows: list[tuple[int, dict]] = []
    for number, raw in raw_rows:
        if header is None:
            if not any(cell_text(v) for v in raw):
                continue  # blank lines above the header
            header = [HEADER_TO_KEY.get(normalise_header(v)) for v in raw]
            missing = [c.header for c in COLUMNS if c.required and c.key not in header]
            if missing:
                raise LedgerFileError(
                    _("缺少必填列：%(cols)s。请使用下载的导入模板。") % {"cols": "、".join(missing)}
                )
            continue
        values = {}
        for key, value in zip(header, raw, strict=False):
            if key is not None and key not in values:
                values[key] = cell_text(value)
        if not any(values.values()):
            continue  # blank line
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise LedgerFileError(
                _("行数过多（超过 %(max)d 行），请拆分后分批导入。") % {"max": MAX_ROWS}
            )
    if header is None:
        raise LedgerFileError(_("文件为空。"))
    if not rows:
        raise LedgerFileError(_("文件中没有数据行（只有表头）。"))
    return Table(keys=header, rows=rows)


__all__ = ["BY_KEY", "LedgerFileError", "Table", "cell_text", "read_table"]
