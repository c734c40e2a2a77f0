"""Reading an uploaded ledger into rows: .xlsx / .xls / .xlsb / .ods through python-calamine
(the binding to Rust's calamine), .csv in UTF-8 (with or without BOM), GBK or GB18030.

Bounded before anything is allocated (DESIGN §12: bad input gets a clear message):
- the file size (`MAX_BYTES`);
- for .xlsx, the sheet's XML is scanned first (streamed, at most `MAX_XML_BYTES`): the declared
  `<dimension>` and every cell reference must lie within `MAX_COLUMNS` × `MAX_SHEET_ROWS`, so
  calamine never sizes a grid from a crafted reference such as `ZZZZZ2`; error cells (`t="e"`,
  #N/A, #REF! …) are collected on the way, because calamine reads them as empty;
- every sheet calamine returns is checked against the same limits before it is turned into rows;
- cells longer than `MAX_CELL_CHARS`, NUL characters and error cells become row errors naming
  the cell; CSV fields over the csv module's limit become a file error naming the line;
- the whole read runs against `TIME_BUDGET_SECONDS`.

Real sheets are forgiving: the header row is looked for in the first `HEADER_SEARCH_ROWS` rows
(title rows above it are skipped), merged header cells are understood (a group header over
sub-headers such as 联系人 over 姓名 / 电话, and one header spanning two columns such as 联系人
over the name and the phone), unknown columns (备注, hidden helper columns) are ignored, and the
first visible sheet with a recognisable header is read (an instructions sheet before it is
skipped).

Everything wrong with the file as a whole raises `LedgerFileError` with a message in Chinese;
cell problems go to `Table.errors`; the rest of the row checks are the validator's job.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

import python_calamine
from django.utils.translation import gettext as _

from enterprises.ledger.columns import BY_KEY, COLUMNS, HEADER_TO_KEY, SPANNING, normalise_header

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # data rows
MAX_SHEET_ROWS = MAX_ROWS + 1_000  # rows a sheet may span (title rows, blank lines)
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
MAX_XML_BYTES = 300 * 1024 * 1024  # one worksheet's XML, uncompressed
HEADER_SEARCH_ROWS = 10
TIME_BUDGET_SECONDS = 20.0
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,10})([0-9]{1,10})"([^>]*)>')
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)')
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]+([0-9]+)"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Z0-9:$]+)"')
_ERROR_VALUE = re.compile(rb"<v>([^<]{1,20})</v>")
_REF = re.compile(r"([A-Z]+)([0-9]+)")


class LedgerFileError(Exception):
    pass


@dataclass
class Table:
    keys: list[str | None]  # column index -> column key (None for columns we do not know)
    rows: list[tuple[int, dict]]  # (spreadsheet row number, {key: raw value})
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}


class _Clock:
    def __init__(self):
        self.deadline = time.monotonic() + TIME_BUDGET_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LedgerFileError(
                _("文件读取超时（超过 %(s)d 秒），请检查文件或拆分后分批导入。")
                % {"s": TIME_BUDGET_SECONDS}
            )


def read_table(content: bytes, filename: str) -> Table:
    if not content:
        raise LedgerFileError(_("文件为空。"))
    if len(content) > MAX_BYTES:
        raise LedgerFileError(
            _("文件过大（超过 %(mb)d MB），请拆分后分批导入。") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    name = (filename or "").lower()
    clock = _Clock()
    if name.endswith(".csv"):
        return _table([_csv_rows(content, clock)], {}, [[]], clock)
    if name.endswith(SPREADSHEETS):
        return _spreadsheet(content, name, clock)
    raise LedgerFileError(_("只能导入 .xlsx、.xls、.xlsb、.ods 或 .csv 文件。"))


# --- Spreadsheets ---------------------------------------------------------------------------


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _too_big() -> LedgerFileError:
    return LedgerFileError(
        _("表格范围过大（超过 %(cols)d 列或 %(rows)d 行），请删除多余的行列，或拆分后分批导入。")
        % {"cols": MAX_COLUMNS, "rows": MAX_SHEET_ROWS}
    )


def _check_ref(letters: str, digits: str) -> None:
    if len(letters) > 3 or _column_index(letters) >= MAX_COLUMNS:
        raise _too_big()
    if len(digits) > 7 or int(digits) > MAX_SHEET_ROWS:
        raise _too_big()


def _scan_xlsx_sheets(content: bytes, clock: _Clock) -> list[dict]:
    """For each worksheet XML of an .xlsx (in file order): its error cells {(row, col): value}.
    Raises before calamine sees a sheet whose declared or actual extent is over the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise LedgerFileError(_("文件不是有效的 Excel 电子表格（.xlsx）。")) from exc
    sheets = sorted(
        (i for i in archive.infolist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", i.filename)),
        key=lambda i: int(re.search(r"\d+", i.filename.rsplit("/", 1)[1]).group()),
    )
    if not sheets:
        raise LedgerFileError(_("文件不是有效的 Excel 电子表格（.xlsx）。"))
    found = []
    for info in sheets:
        if info.file_size > MAX_XML_BYTES:
            raise _too_big()
        errors: dict[tuple[int, int], str] = {}
        tail = b""
        read = 0
        with archive.open(info) as fh:
            while chunk := fh.read(1 << 20):
                read += len(chunk)
                if read > MAX_XML_BYTES:  # the declared size lied
                    raise _too_big()
                clock.check()
                text = tail + chunk
                cut = text.rfind(b"<c ")
                cut = cut if cut > 0 else len(text)
                head, tail = text[:cut], text[cut:]
                if len(tail) > 4096:  # no cell tag is that long: scan it all
                    head, tail = text, b""
                _scan_chunk(head, errors)
        _scan_chunk(tail, errors)
        found.append(errors)
    return found


def _scan_chunk(data: bytes, errors: dict) -> None:
    if dim := _DIMENSION.search(data):
        for ref in dim.group(1).decode().replace("$", "").split(":"):
            if m := _REF.fullmatch(ref):
                _check_ref(m.group(1), m.group(2))
    # Distinct column letters are few, and the largest row number is enough: check those.
    for letters in set(_CELL_COLUMN.findall(data)):
        _check_ref(letters.decode(), "1")
    if rows := _CELL_ROW.findall(data):
        _check_ref("A", max(rows, key=lambda d: (len(d), d)).decode())
    if b't="e"' in data:
        for match in _CELL_REF.finditer(data):
            if b't="e"' in match.group(3):
                letters, digits = match.group(1).decode(), match.group(2).decode()
                value = _ERROR_VALUE.match(data, match.end())
                errors[(int(digits) - 1, _column_index(letters))] = (
                    value.group(1).decode(errors="replace") if value else "#ERROR"
                )


def _spreadsheet(content: bytes, name: str, clock: _Clock) -> Table:
    xlsx_errors = _scan_xlsx_sheets(content, clock) if name.endswith((".xlsx", ".xlsm")) else None
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:
        raise LedgerFileError(
            _("文件不是有效的电子表格，或已加密。请在 Excel / WPS 中另存为 .xlsx 后上传。")
        ) from exc
    grids, merges, errors = [], [], []
    for index, meta in enumerate(workbook.sheets_metadata):
        if (
            str(meta.visible).rsplit(".", 1)[-1].lower() != "visible"
            or "work" not in str(meta.typ).lower()
        ):
            continue
        try:
            sheet = workbook.get_sheet_by_index(index)
        except Exception:  # noqa: S112 - a sheet calamine cannot read is skipped
            continue
        if sheet.total_width > MAX_COLUMNS or sheet.total_height > MAX_SHEET_ROWS:
            raise _too_big()
        clock.check()
        start = sheet.start or (0, 0)
        grid = _offset(sheet.to_python(skip_empty_area=False), start)
        grids.append(grid)
        merges.append(_merged(sheet, start))
        errors.append(xlsx_errors[index] if xlsx_errors and index < len(xlsx_errors) else {})
    if not grids:
        raise LedgerFileError(_("文件中没有可读取的工作表。"))
    return _table(grids, merges, errors, clock)


def _offset(rows: list[list], start: tuple[int, int]) -> list[list]:
    """calamine starts the grid at the first used cell; put it back at A1 coordinates."""
    top, left = start
    if left:
        rows = [[""] * left + list(r) for r in rows]
    return [[] for _ in range(top)] + [list(r) for r in rows]


def _merged(sheet, start) -> dict:
    """(row, col) of every cell inside a merged range → its (origin, width)."""
    cells = {}
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:
        ranges = []
    for (r0, c0), (r1, c1) in ranges:
        if r1 - r0 > HEADER_SEARCH_ROWS or c1 - c0 > MAX_COLUMNS:
            continue  # only header merges matter
        for r in range(r0, min(r1, HEADER_SEARCH_ROWS + 1) + 1):
            for c in range(c0, c1 + 1):
                cells[(r, c)] = ((r0, c0), c1 - c0 + 1)
    return cells


# --- CSV ------------------------------------------------------------------------------------


def _csv_rows(content: bytes, clock: _Clock) -> list[list]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)  # Excel's "Unicode text"
    else:
        encodings = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerFileError(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LedgerFileError(
            _("文件第 %(line)d 行含有空字符（NUL），不是有效的 CSV 文本文件。") % {"line": line}
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(row) > MAX_COLUMNS or len(rows) > MAX_SHEET_ROWS:
                raise _too_big()
            if len(rows) % 1000 == 0:
                clock.check()
    except csv.Error as exc:
        raise LedgerFileError(
            _("文件第 %(line)d 行无法读取（字段过长或引号不成对）。") % {"line": reader.line_num}
        ) from exc
    return rows


# --- Header and rows --------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: 13800000004.0 (Excel's number) → "13800000004", dates as YYYY-MM-DD."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value) if abs(value) >= 1e16 else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dtime | timedelta):
        return str(value)
    return str(value).strip()


def _header_text(grid, merges, r: int, c: int) -> tuple[str, int]:
    """The text shown at (r, c) — a merged cell shows its origin's — and the merge's width."""
    origin, width = merges.get((r, c), ((r, c), 1))
    row = grid[origin[0]] if origin[0] < len(grid) else []
    value = row[origin[1]] if origin[1] < len(row) else ""
    return normalise_header(cell_text(value)), width if origin[1] == c else -1


def _header_keys(grid, merges, r: int) -> list[str | None]:
    """Column keys if row r is the header: each column's own text, else its group header (the
    row above) joined to it, and a header spanning several columns split per `SPANNING`."""
    width = max((len(grid[i]) for i in range(max(0, r - 1), min(len(grid), r + 1))), default=0)
    keys: list[str | None] = []
    for c in range(width):
        text, span = _header_text(grid, merges, r, c)
        above = _header_text(grid, merges, r - 1, c)[0] if r > 0 else ""
        key = None
        if span == -1:  # inside a horizontal merge, not its first column
            first = next(i for i in range(c, -1, -1) if _header_text(grid, merges, r, i)[1] != -1)
            base = HEADER_TO_KEY.get(text) or HEADER_TO_KEY.get(above + text)
            spread = SPANNING.get(base, ())
            key = spread[c - first] if c - first < len(spread) else None
        elif text:
            key = HEADER_TO_KEY.get(above + text) or HEADER_TO_KEY.get(text)
        elif above:
            key = HEADER_TO_KEY.get(above)
        keys.append(key if key not in keys else None)
    return keys


def _find_header(grid, merges) -> tuple[int, list[str | None]] | None:
    best = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        keys = _header_keys(grid, merges, r)
        found = sum(1 for c in COLUMNS if c.required and c.key in keys)
        if best is None or found > best[0]:
            best = (found, r, keys)
        if found == sum(1 for c in COLUMNS if c.required):
            # a header merged down into the next row (企业名称 over two rows, next to group
            # headers with their sub-headers): the header is the lower row
            below = [merges.get((r + 1, c)) for c in range(len(keys))]
            if any(m and m[0][0] <= r for m in below) and r + 1 < len(grid):
                return r + 1, _header_keys(grid, merges, r + 1)
            return r, keys
    return None if best is None or best[0] == 0 else (-1 - best[1], best[2])


def _table(grids, merges, errors, clock: _Clock) -> Table:
    partial = None
    for grid, merged, cell_errors in zip(grids, merges or [{}] * len(grids), errors, strict=True):
        found = _find_header(grid, merged)
        if found is None:
            continue
        r, keys = found
        if r < 0:
            partial = partial or keys
            continue
        return _rows(grid, r, keys, cell_errors, clock)
    if partial is None and not any(any(cell_text(v) for v in row) for g in grids for row in g):
        raise LedgerFileError(_("文件为空。"))
    missing = [c.header for c in COLUMNS if c.required and c.key not in (partial or [])]
    raise LedgerFileError(
        _("缺少必填列：%(cols)s（在前 %(n)d 行中未找到表头）。请使用下载的导入模板。")
        % {"cols": "、".join(missing), "n": HEADER_SEARCH_ROWS}
    )


def _rows(grid, header_row: int, keys, cell_errors: dict, clock: _Clock) -> Table:
    rows: list[tuple[int, dict]] = []
    problems: list[dict] = []
    for r in range(header_row + 1, len(grid)):
        raw = grid[r]
        number = r + 1
        values: dict[str, str] = {}
        row_problems = []
        for c, key in enumerate(keys):
            if key is None:
                continue
            column = BY_KEY[key].header
            ref = _LazyRef(c, number)
            if (r, c) in cell_errors:
                row_problems.append(
                    _problem(
                        number,
                        column,
                        _("单元格 %(ref)s 是错误值 %(value)s，请改为实际内容。"),
                        ref=ref,
                        value=cell_errors[(r, c)],
                    )
                )
                values[key] = ""
                continue
            text = cell_text(raw[c]) if c < len(raw) else ""
            if "\x00" in text:
                row_problems.append(
                    _problem(number, column, _("单元格 %(ref)s 含有空字符（NUL）。"), ref=ref)
                )
                text = text.replace("\x00", "")
            if len(text) > MAX_CELL_CHARS:
                row_problems.append(
                    _problem(
                        number,
                        column,
                        _("单元格 %(ref)s 内容过长（超过 %(n)d 个字符）。"),
                        ref=ref,
                        n=MAX_CELL_CHARS,
                    )
                )
                text = text[:MAX_CELL_CHARS]
            values[key] = text
        if not any(values.values()) and not row_problems:
            continue  # blank line
        rows.append((number, values))
        problems += row_problems
        if len(rows) > MAX_ROWS:
            raise LedgerFileError(
                _("行数过多（超过 %(max)d 行），请拆分后分批导入。") % {"max": MAX_ROWS}
            )
        if len(rows) % 1000 == 0:
            clock.check()
    if not rows:
        raise LedgerFileError(_("文件中没有数据行（只有表头）。"))
    return Table(keys=keys, rows=rows, errors=problems)


class _LazyRef:
    """A cell reference (F2) spelled out only when a message needs it."""

    __slots__ = ("column", "row")

    def __init__(self, column: int, row: int):
        self.column, self.row = column, row

    def __str__(self) -> str:
        return f"{column_letters(self.column)}{self.row}"


def _problem(row: int, column: str, message: str, **params) -> dict:
    return {"row": row, "column": column, "message": message % params}


__all__ = ["BY_KEY", "LedgerFileError", "Table", "cell_text", "column_letters", "read_table"]
