"""The downloadable import template: the header row, an example row, and a sheet of notes with
the accepted values (the person's regions, the industry sections, the tags)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.selectors import region_list_for
from crm.lib.xlsx import safe_cell
from enterprises.ledger.columns import COLUMNS
from enterprises.models import Industry, Tag

REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")


def template_workbook(*, user: User) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    ws.append([c.header for c in COLUMNS])
    ws.append([safe_cell(c.example) for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="B8312F" if column.required else "000000")
        if column.required:
            cell.fill = REQUIRED_FILL
        if column.help:
            cell.comment = Comment(column.help, "亲清")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(column.header) * 2 + 4)
        # every cell is text, so codes and phone numbers keep their leading zeros and digits
        for row in range(2, 1002):
            ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 70
    lines = [
        ("必填列", "统一社会信用代码、企业名称、所属辖区（表头标红）"),
        ("更新规则", "信用代码已存在的企业将被更新；留空的单元格保持原值不变"),
        ("联络员 / 包保领导", "填写工号或手机号；与现有人员不同时自动办理交接，历史保留"),
        ("全部校验通过才会导入", "任何一行有误则整个文件都不会导入，请按提示修改后重新上传"),
        ("文件格式", ".xlsx，或 UTF-8 / GBK 编码的 .csv；不超过 10 MB、20000 行"),
        ("", ""),
        ("规模", "大型、中型、小型、微型"),
        ("状态", "存续、注销"),
        ("标签", "、".join(Tag.objects.values_list("name", flat=True))),
    ]
    for line in lines:
        notes.append([safe_cell(v) for v in line])
    notes.append([])
    notes.append(["所属辖区（代码）", "名称"])
    for region in region_list_for(user=user):
        notes.append([region.code, safe_cell(region.name)])
    notes.append([])
    notes.append(["行业门类（代码）", "名称"])
    for industry in Industry.objects.filter(parent=None).order_by("code"):
        notes.append([industry.code, safe_cell(industry.name)])
    for (cell,) in notes.iter_rows(max_col=1):
        cell.font = Font(bold=True)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
