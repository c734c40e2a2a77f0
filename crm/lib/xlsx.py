"""Excel export shared by every list: one header row, typed cells, formulas neutralised."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV/formula
# injection); such text is prefixed with an apostrophe so it is shown, never evaluated.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value safe to put in a cell: text that looks like a formula becomes plain text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, Decimal, date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_workbook(
    target,
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] = (),
) -> int:
    """Write an .xlsx with a bold, frozen header row to `target` (a path or a binary file).

    openpyxl's write-only mode: each row goes to disk as it comes, so memory stays flat whatever
    the number of rows (pass an iterator, e.g. a queryset's `.iterator()`). Returns the number of
    data rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, header in enumerate(headers, start=1):
        width = widths[i - 1] if i <= len(widths) else max(10, min(40, len(str(header)) * 2 + 4))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        count += 1
    wb.save(target)
    return count


def build_workbook(
    *, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()
) -> bytes:
    """A small .xlsx as bytes (see `write_workbook`)."""
    buffer = BytesIO()
    write_workbook(buffer, title=title, headers=headers, rows=rows, widths=widths)
    return buffer.getvalue()


def _attachment(filename: str) -> str:
    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"


def xlsx_stream_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] = (),
) -> FileResponse:
    """A list export of any length: written in write-only mode to a temporary file (flat memory,
    no row cap), then streamed to the client in blocks; the file goes away when the response is
    closed."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        write_workbook(file, title=title, headers=headers, rows=rows, widths=widths)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = FileResponse(file, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """Serve an .xlsx as a download; the Chinese file name survives (RFC 5987)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
