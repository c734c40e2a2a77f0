"""Period presets of the cockpit and the bulletins (dates are Asia/Shanghai calendar days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cockpit.facts import local_midnight, month_start, next_month, week_start

PRESETS = (
    ("week", gettext_lazy("本周")),
    ("month", gettext_lazy("本月")),
    ("quarter", gettext_lazy("本季度")),
    ("year", gettext_lazy("本年")),
    ("custom", gettext_lazy("自定义")),
)


@dataclass(frozen=True)
class Period:
    """The calendar days [first, last], both included; `start` / `end` are the instants
    [start, end) the figures count."""

    first: date
    last: date
    preset: str = "custom"

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1))

    @property
    def name(self) -> str:
        """How the summary sentence opens: 本月 / 本周 …, or the dates."""
        names = {"week": _("本周"), "month": _("本月"), "quarter": _("本季度"), "year": _("本年")}
        if self.preset in names:
            return names[self.preset]
        return _("%(a)s至%(b)s") % {
            "a": f"{self.first.year}年{self.first.month}月{self.first.day}日",
            "b": f"{self.last.year}年{self.last.month}月{self.last.day}日",
        }

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m-%d} ~ {self.last:%Y-%m-%d}"


def trend_buckets(period: Period, bucket: str, count: int = 12) -> list[tuple[date, date]]:
    """The last `count` weeks or months (`bucket`) up to the period's last day, each as its
    first day and the first day of the next; the last one is counted up to the period's end."""
    last_day = period.last
    if bucket == "week":
        first = week_start(last_day) - timedelta(weeks=count - 1)
    else:
        first = month_start(last_day)
        for _i in range(count - 1):
            first = month_start(first - timedelta(days=1))
    result, day = [], first
    while day <= last_day:
        following = day + timedelta(days=7) if bucket == "week" else next_month(day)
        result.append((day, following))
        day = following
    return result


def bucket_bounds(period: Period, day: date, following: date) -> tuple[datetime, datetime]:
    """The instants a trend bucket counts: its own, up to the period's end at the latest."""
    return local_midnight(day), min(local_midnight(following), period.end)


def preset_period(preset: str, today: date) -> Period:
    if preset == "week":
        first = week_start(today)
        return Period(first, first + timedelta(days=6), preset)
    if preset == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = next_month(next_month(next_month(first))) - timedelta(days=1)
        return Period(first, last, preset)
    if preset == "year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), preset)
    first = month_start(today)
    return Period(first, next_month(first) - timedelta(days=1), "month")


# --- Bulletin periods: the last complete one before `today` ------------------------------------


def last_week(today: date) -> Period:
    first = week_start(today) - timedelta(days=7)
    return Period(first, first + timedelta(days=6))


def last_half_month(today: date) -> Period:
    if today.day > 15:
        return Period(today.replace(day=1), today.replace(day=15))
    prev_last = today.replace(day=1) - timedelta(days=1)
    return Period(prev_last.replace(day=16), prev_last)


def last_month(today: date) -> Period:
    prev_last = today.replace(day=1) - timedelta(days=1)
    return Period(prev_last.replace(day=1), prev_last)
