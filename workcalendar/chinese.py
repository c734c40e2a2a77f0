"""What the `chinesecalendar` package knows, as plain (date, kind, name) rows.

Kept free of models so that the data migration and the sync service share it.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"

# The package names its holidays in English; the calendar shows them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class PackageDay(NamedTuple):
    date: date
    kind: str
    name: str


def _name(holiday) -> str:
    english = getattr(holiday, "value", holiday)
    return HOLIDAY_NAMES.get(str(english), str(english))


def package_days() -> list[PackageDay]:
    """Every holiday (weekend days inside a holiday period included, as the package lists them)
    and every make-up working day the package knows, sorted by date."""
    from chinese_calendar import constants

    days = [PackageDay(d, HOLIDAY, _name(h)) for d, h in constants.holidays.items()]
    days += [
        PackageDay(d, MAKEUP_WORKDAY, f"{_name(h)}调休") for d, h in constants.workdays.items()
    ]
    return sorted(days)


def package_years() -> set[int]:
    """The years the package has data for."""
    return {day.date.year for day in package_days()}


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - the package is a hard dependency
        return "?"
