"""Writes the ledger test corpus next to this script: one small file per hostile case and a few
layouts seen in real government sheets. Run `python tests/enterprises/ledgers/make_corpus.py`
after changing it; the files are committed so that the tests read exactly these bytes.

Hand-built .xlsx parts (a cell at ZZZZZZZZ2, a lying <dimension>) cannot come from openpyxl,
which refuses them; those are zipped here from minimal XML. The .ods is hand-built the same
way (OpenDocument is zipped XML too).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment  # noqa: E402

from enterprises.validators import credit_code_check_char  # noqa: E402

HERE = Path(__file__).resolve().parent
TEMPLATE = [
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "成立日期",
    "注册资本（万元）",
    "地址",
    "所属辖区",
    "行业门类",
    "规模",
    "联系人",
    "联系人电话",
]
REGION = "420102001"  # 城关街道 in the tests' world


def code(n: int) -> str:
    first17 = f"91420102{700000 + n:09d}"
    return first17 + credit_code_check_char(first17)


def row(n: int) -> list:
    return [
        code(n),
        f"台账样本{n}有限公司",
        "王五",
        date(2018, 6, n % 28 + 1),
        500 + n,
        f"城关街道解放路{n}号",
        REGION,
        "C",
        "小型",
        f"联系人{n}",
        f"1391234{n:04d}",
    ]


def save(wb: Workbook, name: str) -> None:
    buffer = io.BytesIO()
    wb.save(buffer)
    (HERE / name).write_bytes(buffer.getvalue())


# --- realistic layouts --------------------------------------------------------------------


def title_row():
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["江南区重点企业包联台账（2025年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE))
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(TEMPLATE)
    for n in (1, 2):
        ws.append(row(n))
    save(wb, "title_row.xlsx")


def group_headers():
    """Two header rows: 企业基本信息 over three columns, 联系人 over 姓名 / 电话, and 备注 merged
    down over both rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["企业基本信息", None, None, "联系人", None, "备注"])
    ws.append(["统一社会信用代码", "企业名称", "所属辖区", "姓名", "电话", None])
    ws.merge_cells("A1:C1")
    ws.merge_cells("D1:E1")
    ws.merge_cells("F1:F2")
    for n in (3, 4):
        full = row(n)
        ws.append([full[0], full[1], full[6], full[9], full[10], "重点跟踪"])
    save(wb, "group_headers.xlsx")


def spanning_contact():
    """One header, 联系人, merged over the name and the phone columns."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "所属辖区", "联系人", None])
    ws.merge_cells("D1:E1")
    full = row(5)
    ws.append([full[0], full[1], full[6], full[9], full[10]])
    save(wb, "spanning_contact.xlsx")


def realistic():
    """An instructions sheet first; the ledger on the second sheet under a title row, with group
    headers, a 备注 column and a hidden helper column."""
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 统一社会信用代码为18位。"])
    notes.append(["2. 所属辖区填写区划代码。"])
    ws = wb.create_sheet("重点企业台账")
    ws.append(["江南区重点企业包联台账（2025年）"])
    ws.merge_cells("A1:I1")
    ws.append(["内部序号", "基本信息", None, None, None, "联系人", None, "包保", "备注"])
    ws.append(["内部序号", "统一社会信用代码", "企业名称", "所属辖区", "规模", "姓名", "电话",
               "联络员", "备注"])  # fmt: skip
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:E2")
    ws.merge_cells("F2:G2")
    ws.merge_cells("I2:I3")
    ws.column_dimensions["A"].hidden = True
    for n in (6, 7, 8):
        full = row(n)
        ws.append([n, full[0], full[1], full[6], "中型", full[9], full[10], "", "已走访"])
    save(wb, "realistic.xlsx")


# --- cells that are not what they seem ----------------------------------------------------------


def error_cells():
    wb = Workbook()
    ws = wb.active
    ws.append(TEMPLATE)
    bad = row(9)
    bad[5] = "#N/A"  # 地址 from a failed VLOOKUP
    bad[4] = "#REF!"
    ws.append(bad)
    save(wb, "error_cells.xlsx")


def date_overflow():
    wb = Workbook()
    ws = wb.active
    ws.append(TEMPLATE)
    bad = row(10)
    bad[3] = 1e308
    ws.append(bad)
    ws["D2"].number_format = "yyyy-mm-dd"
    save(wb, "date_overflow.xlsx")


def long_cell():
    wb = Workbook()
    ws = wb.active
    ws.append(TEMPLATE)
    bad = row(11)
    bad[5] = "长" * 5000
    ws.append(bad)
    save(wb, "long_cell.xlsx")


# --- crafted spreadsheets ---------------------------------------------------------------------

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""  # noqa: E501
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""  # noqa: E501


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def crafted_xlsx(name: str, rows_xml: str, dimension: str = "A1:C2") -> None:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    (HERE / name).write_bytes(buffer.getvalue())


HEADERS3 = ["统一社会信用代码", "企业名称", "所属辖区"]
HEADER_XML = '<row r="1">{}</row>'.format(
    "".join(_inline(f"{c}1", h) for c, h in zip("ABC", HEADERS3, strict=True))
)


def huge_reference():
    """One cell at ZZZZZZZZ2: the old reader sized a list from it (MemoryError)."""
    crafted_xlsx(
        "huge_reference.xlsx", HEADER_XML + f'<row r="2">{_inline("ZZZZZZZZ2", "x")}</row>'
    )


def far_columns():
    """50 cells at column ZZZZZ in a 2 KB file: the old reader spent 89 s and 359 MB on it."""
    cells = "".join(f'<row r="{r}">{_inline(f"ZZZZZ{r}", "x")}</row>' for r in range(2, 52))
    crafted_xlsx("far_columns.xlsx", HEADER_XML + cells)


def declared_dimension():
    """A sheet that declares all of Excel's 1,048,576 × 16,384 cells."""
    crafted_xlsx("declared_dimension.xlsx", HEADER_XML, dimension="A1:XFD1048576")


# --- CSV ------------------------------------------------------------------------------------


def _csv(rows: list[list]) -> str:
    return "\r\n".join(",".join(str(v) for v in r) for r in rows) + "\r\n"


def csv_files():
    rows = [TEMPLATE] + [row(n) for n in (12, 13)]
    rows[1][1] = "鑫垚（江城）科技有限公司"  # characters GBK has
    text = _csv(rows)
    (HERE / "utf8.csv").write_bytes(text.encode("utf-8"))
    (HERE / "utf8_bom.csv").write_bytes(text.encode("utf-8-sig"))
    (HERE / "gbk.csv").write_bytes(text.encode("gbk"))
    rows18030 = [r[:] for r in rows]
    rows18030[2][1] = "㐀䶵鿋科技有限公司"  # CJK Extension A: GB18030, not GBK
    (HERE / "gb18030.csv").write_bytes(_csv(rows18030).encode("gb18030"))
    long_row = row(14)
    long_row[5] = "长" * 140_000
    (HERE / "long_field.csv").write_bytes(_csv([TEMPLATE, long_row]).encode("utf-8"))
    nul = [TEMPLATE] + [row(n) for n in range(15, 75)]
    nul[-1][5] = "解放路\x00号"
    data = _csv(nul).encode("utf-8")
    assert data.index(b"\x00") > 4096
    (HERE / "nul_late.csv").write_bytes(data)


# --- OpenDocument ---------------------------------------------------------------------------


def ods():
    def cell(v):
        return (
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        )

    header = ["统一社会信用代码", "企业名称", "所属辖区", "联系人", "联系人电话"]
    full = row(16)
    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in r)}</table:table-row>"
        for r in [header, [full[0], full[1], full[6], full[9], full[10]]]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    (HERE / "ledger.ods").write_bytes(buffer.getvalue())


def main():
    for make in (
        title_row,
        group_headers,
        spanning_contact,
        realistic,
        error_cells,
        date_overflow,
        long_cell,
        huge_reference,
        far_columns,
        declared_dimension,
        csv_files,
        ods,
    ):
        make()
    print(f"corpus written to {HERE}")


if __name__ == "__main__":
    main()
