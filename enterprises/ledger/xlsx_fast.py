"""A streaming reader for the first worksheet of an .xlsx file, values only.

openpyxl (even read-only) builds an object per cell and needs ~8 s for a 10,000-row ledger on our
servers, which alone would break the import's 10-second budget; this reader parses the sheet XML
with the standard library's C parser (iterparse) and needs well under a second. It understands
what spreadsheet programs write: shared and inline strings, numbers, booleans, formula results and
dates (numbers in a date format). Anything it cannot read raises `ValueError`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse as _iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")
MAX_XML_BYTES = 200 * 1024 * 1024  # a "zip bomb" guard on the uncompressed sheet


def _no_doctype(zf: zipfile.ZipFile, name: str):
    """Open a part after checking it has no DTD. A spreadsheet part never needs one, and without
    one there is no entity to expand (expat never fetches external entities): this is what
    defusedxml would refuse, without the extra dependency."""
    info = zf.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise ValueError("part too large")
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise ValueError("DTD not allowed")
            tail = chunk[-16:]
    return zf.open(name)


def iterparse(source, events=("end",)):
    return _iterparse(source, events)  # noqa: S314 - DTDs are refused by _no_doctype


def _first_sheet(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    try:
        rid = None
        for _event, el in iterparse(_no_doctype(zf, "xl/workbook.xml")):
            if el.tag == f"{NS}sheet":
                rid = el.get(f"{REL_NS}id")
                break
        for _event, el in iterparse(_no_doctype(zf, "xl/_rels/workbook.xml.rels")):
            if el.tag == f"{PKG_REL_NS}Relationship" and el.get("Id") == rid:
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                path = posixpath.normpath(path)
                if path in names:
                    return path
    except KeyError:
        pass
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    raise ValueError("no worksheet")


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    strings: list[str] = []
    for _event, el in iterparse(_no_doctype(zf, "xl/sharedStrings.xml")):
        if el.tag == f"{NS}si":
            strings.append(_text(el))
            el.clear()
    return strings


def _text(el) -> str:
    """The text of a string item, without phonetic runs (rPh)."""
    parts = []
    for child in el:
        if child.tag == f"{NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{NS}r":
            parts.extend(t.text or "" for t in child.iter(f"{NS}t"))
    return "".join(parts)


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (cellXfs) that show numbers as dates."""
    if "xl/styles.xml" not in zf.namelist():
        return set()
    custom: dict[int, str] = {}
    dates: set[int] = set()
    index = 0
    in_xfs = False
    for event, el in iterparse(_no_doctype(zf, "xl/styles.xml"), events=("start", "end")):
        if el.tag == f"{NS}numFmt" and event == "end":
            custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
        elif el.tag == f"{NS}cellXfs":
            in_xfs = event == "start"
        elif el.tag == f"{NS}xf" and in_xfs and event == "end":
            fmt_id = int(el.get("numFmtId", "0"))
            code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
            if is_date_format(code) or 27 <= fmt_id <= 36 or 50 <= fmt_id <= 58:
                dates.add(index)  # 27–36, 50–58: the CJK built-in date formats
            index += 1
    return dates


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_rows(fileobj) -> Iterator[tuple[int, list]]:
    """(row number, [cell values]) for each non-empty row of the first worksheet."""
    try:
        zf = zipfile.ZipFile(fileobj)
        sheet = _first_sheet(zf)
        strings = _shared_strings(zf)
        date_styles = _date_styles(zf)
        source = _no_doctype(zf, sheet)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError("not an xlsx") from exc
    yield from _rows(source, strings, date_styles)


def _rows(source, strings, date_styles) -> Iterator[tuple[int, list]]:
    row_tag, cell_tag = f"{NS}row", f"{NS}c"
    v_tag, is_tag = f"{NS}v", f"{NS}is"
    values: list = []
    last_row = 0
    try:
        for _event, el in iterparse(source):
            if el.tag == cell_tag:
                ref = el.get("r")
                col = len(values)
                if ref:
                    match = _REF.match(ref)
                    if match:
                        col = _column(match.group(1))
                value = _cell(el, el.get("t", "n"), strings, date_styles, v_tag, is_tag)
                if col >= len(values):
                    values.extend([None] * (col - len(values) + 1))
                values[col] = value
                el.clear()
            elif el.tag == row_tag:
                number = int(el.get("r") or last_row + 1)
                last_row = number
                if any(v not in (None, "") for v in values):
                    yield number, values
                values = []
                el.clear()
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        raise ValueError("broken sheet XML") from exc


def _cell(el, kind, strings, date_styles, v_tag, is_tag):
    if kind == "inlineStr":
        node = el.find(is_tag)
        return _text(node) if node is not None else ""
    node = el.find(v_tag)
    raw = node.text if node is not None else None
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind in ("str", "e", "d"):
        return raw
    if kind == "b":
        return raw == "1"
    number = float(raw)
    if int(el.get("s", "0")) in date_styles:
        return from_excel(number)
    return int(number) if number.is_integer() and "E" not in raw.upper() else number
