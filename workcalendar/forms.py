"""The administrator's form for a newly announced year's holiday arrangement."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from workcalendar.models import CalendarDay, CalendarYear

_RANGE_SEPARATORS = re.compile(r"\s*(?:~|～|至|到)\s*")
MAX_HOLIDAY_SPAN = 15  # the longest statutory holiday period is about 9 days

HOLIDAYS_HELP = _lazy(
    "每行一个假期：名称 日期 或 名称 起始日期~结束日期，例如“春节 2027-02-06~2027-02-13”。"
    "假期内的周末可一并列入。"
)
MAKEUP_HELP = _lazy("每行一个调休上班日（周六或周日）：名称 日期，例如“春节调休 2027-02-14”。")


def _parse_date(text: str, line_no: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise forms.ValidationError(
            _("第 %(n)s 行：无法识别日期“%(text)s”，请使用 2027-02-06 这样的格式。")
            % {"n": line_no, "text": text}
        ) from None


def _lines(text: str):
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            yield n, line


def _split(line: str, line_no: int) -> tuple[str, str]:
    parts = line.split(None, 1)
    if len(parts) != 2:
        raise forms.ValidationError(
            _("第 %(n)s 行：请写成“名称 日期”，例如“国庆节 2027-10-01~2027-10-07”。")
            % {"n": line_no}
        )
    return parts[0], parts[1]


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_lazy("年度"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_lazy("放假日期"), widget=forms.Textarea(attrs={"rows": 9}), help_text=HOLIDAYS_HELP
    )
    makeup_days = forms.CharField(
        label=_lazy("调休上班日期"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=MAKEUP_HELP,
    )
    note = forms.CharField(
        label=_lazy("依据"),
        max_length=200,
        required=False,
        help_text=_lazy("例如“国办发明电〔2026〕×号”"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year + 1

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if CalendarYear.objects.filter(year=year).exists():
            raise forms.ValidationError(
                _("%(year)s 年的安排已在日历中，请在列表中逐日修改。") % {"year": year}
            )
        return year

    def clean_holidays(self) -> list[tuple[date, str]]:
        days: list[tuple[date, str]] = []
        for n, line in _lines(self.cleaned_data["holidays"]):
            name, spec = _split(line, n)
            bounds = _RANGE_SEPARATORS.split(spec)
            if len(bounds) > 2:
                raise forms.ValidationError(
                    _("第 %(n)s 行：日期范围只能有起止两个日期。") % {"n": n}
                )
            first = _parse_date(bounds[0], n)
            last = _parse_date(bounds[-1], n)
            if last < first or (last - first).days >= MAX_HOLIDAY_SPAN:
                raise forms.ValidationError(
                    _("第 %(n)s 行：日期范围不合理（结束早于开始或超过 %(max)s 天）。")
                    % {"n": n, "max": MAX_HOLIDAY_SPAN}
                )
            days += [(first + timedelta(days=i), name) for i in range((last - first).days + 1)]
        return days

    def clean_makeup_days(self) -> list[tuple[date, str]]:
        days = []
        for n, line in _lines(self.cleaned_data.get("makeup_days", "")):
            name, spec = _split(line, n)
            day = _parse_date(spec, n)
            if day.weekday() < 5:
                raise forms.ValidationError(
                    _("第 %(n)s 行：%(date)s 是工作日，调休上班日应为周六或周日。")
                    % {"n": n, "date": day}
                )
            days.append((day, name))
        return days

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        holidays = cleaned.get("holidays") or []
        makeup = cleaned.get("makeup_days") or []
        if year is None or self.errors:
            return cleaned
        seen: set[date] = set()
        for day, _name in [*holidays, *makeup]:
            if day.year != year:
                raise forms.ValidationError(
                    _("%(date)s 不在 %(year)s 年内；其他年度的日期请在列表中逐日修改。")
                    % {"date": day, "year": year}
                )
            if day in seen:
                raise forms.ValidationError(_("%(date)s 重复出现。") % {"date": day})
            seen.add(day)
        return cleaned

    def days(self) -> list[tuple[date, str, str]]:
        """(date, kind, name) triples for `calendar_year_add`."""
        holidays = [(d, CalendarDay.Kind.HOLIDAY, n) for d, n in self.cleaned_data["holidays"]]
        makeup = [
            (d, CalendarDay.Kind.MAKEUP_WORKDAY, n) for d, n in self.cleaned_data["makeup_days"]
        ]
        return sorted(holidays + makeup)
