"""The cockpit's tables as .xlsx: every table of the page, one sheet each (also the bulletin)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cockpit import metrics
from cockpit.selectors import DIMENSION_LABELS, Cockpit
from crm.lib.xlsx import safe_cell

RATE_COLUMNS = ("done_rate", "solve_rate", "ack_rate", "on_time_rate", "satisfaction_rate")


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(60, len(header) * 2 + 4))


def _pct(value) -> str:
    return "" if value is None else f"{value}%"


def figure_rows(cockpit: Cockpit) -> list[list]:
    f = cockpit.figures
    rows = [[_("受理量"), f["accepted"], "", "", "", str(metrics.ACCEPTED_DEFINITION)]]
    for rate in metrics.RATES:
        rows.append(
            [
                str(rate.label),
                _pct(f.rates[rate.key]),
                f[rate.num_key],
                f[rate.den_key],
                f"{f[rate.num_key]} / {f[rate.den_key]}",
                str(rate.definition),
            ]
        )
    rows.append(
        [
            _("平均签收用时（工作小时）"),
            f.ack_hours,
            "",
            f["ack_timed"],
            "",
            str(metrics.ACK_TIME_DEFINITION),
        ]
    )
    rows.append(
        [
            _("平均办理用时（工作日）"),
            f.resolve_days,
            "",
            f["resolve_timed"],
            "",
            str(metrics.RESOLVE_TIME_DEFINITION),
        ]
    )
    v = cockpit.visits
    rows.append([_("走访次数"), v["total"], "", "", "", _("本期完成的走访次数")])
    rows.append([_("走访企业数"), v["enterprises"], "", "", "", _("本期有完成走访的企业家数")])
    rows.append(
        [
            _("走访覆盖率"),
            _pct(v["coverage_rate"]),
            v["covered"],
            v["assigned"],
            f"{v['covered']} / {v['assigned']}",
            _("本期走访过的包联企业 ÷ 有联络员的企业"),
        ]
    )
    rows.append(
        [_("走访超期企业"), v["overdue"], "", "", "", _("按走访频次已到期未走访的企业（当前）")]
    )
    imp = cockpit.improvements
    rows.append([_("新提出优化提升事项"), imp["opened"], "", "", "", ""])
    rows.append([_("完成优化提升事项"), imp["done"], "", "", "", ""])
    rows.append([_("其中简化流程"), imp["simplified"], "", "", "", ""])
    return rows


FIGURE_HEADERS = ("指标", "数值", "分子", "分母", "分子 / 分母", "口径")


def breakdown_headers(dim: str) -> list[str]:
    return [
        str(DIMENSION_LABELS[dim]),
        _("受理量"),
        _("办结"),
        _("已解决"),
        *[str(metrics.RATE_BY_KEY[k].label) for k in RATE_COLUMNS],
        _("重办率"),
        _("退单率"),
    ]


def breakdown_rows(rows) -> list[list]:
    return [
        [
            r.label,
            r.figures["accepted"],
            r.figures["done"],
            r.figures["outcome_solved"],
            *[_pct(r.figures.rates[k]) for k in RATE_COLUMNS],
            _pct(r.figures.rates["rework_rate"]),
            _pct(r.figures.rates["return_rate"]),
        ]
        for r in rows
    ]


LIST_HEADERS = ("编号", "标题", "企业", "分类", "主办单位", "状态", "督办级别", "重办次数")
LIST_TITLES = {"overdue": "超期诉求", "escalated": "提级诉求", "reworked": "重办诉求"}


def _issue_row(issue) -> list:
    return [
        issue.number,
        issue.title,
        issue.enterprise.name,
        str(issue.category),
        str(issue.lead_unit or ""),
        issue.get_state_display(),
        issue.supervision_level,
        issue.rework_count,
    ]


def workbook(cockpit: Cockpit, *, tables: Sequence[str] = ()) -> bytes:
    """The whole cockpit, or the given `tables` (figures, trend, ranking, a dimension, a
    list), one sheet each."""
    wb = Workbook()
    wb.remove(wb.active)
    wanted = set(tables) or None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    if want("figures"):
        _sheet(wb, _("指标"), [_("概述")], [[cockpit.sentence]])
        ws = wb[_("指标")]
        ws.append([])
        ws.append([safe_cell(h) for h in FIGURE_HEADERS])
        for row in figure_rows(cockpit):
            ws.append([safe_cell(v) for v in row])
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["F"].width = 80
    if want("trend"):
        _sheet(
            wb,
            _("趋势"),
            [_("周期"), _("受理量"), _("办结率"), _("按时办结率"), _("满意率")],
            [
                [
                    p["label"],
                    p["figures"]["accepted"],
                    _pct(p["figures"].rates["done_rate"]),
                    _pct(p["figures"].rates["on_time_rate"]),
                    _pct(p["figures"].rates["satisfaction_rate"]),
                ]
                for p in cockpit.trend_points
            ],
        )
    if want("ranking"):
        rows = []
        for block in cockpit.rankings:
            for side, label in (("red", _("红榜")), ("black", _("黑榜"))):
                for n, r in enumerate(block[side], start=1):
                    den = r.figures[block["rate"].den_key]
                    num = r.figures[block["rate"].num_key]
                    rate = r.figures.rates[block["rate"].key]
                    rows.append([str(block["rate"].label), label, n, r.label, _pct(rate), num, den])
        _sheet(
            wb,
            _("红黑榜"),
            [_("指标"), _("榜单"), _("名次"), _("单位"), _("比率"), _("分子"), _("分母")],
            rows,
        )
    for dim in metrics.DIMENSIONS:
        if want(dim):
            title = _("按%(dim)s") % {"dim": DIMENSION_LABELS[dim]}
            _sheet(wb, title, breakdown_headers(dim), breakdown_rows(cockpit.breakdowns[dim]))
    for key, title in LIST_TITLES.items():
        if want(key):
            rows = [_issue_row(i) for i in cockpit.full_list(key)]
            _sheet(wb, _(title), LIST_HEADERS, rows)
    if not wb.sheetnames:
        raise ValueError(tables)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


TABLES = ("figures", "trend", "ranking", *metrics.DIMENSIONS, *LIST_TITLES)
