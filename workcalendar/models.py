"""The working calendar (DESIGN §6): statutory holidays, make-up working days and business hours.

The arithmetic lives in `workcalendar.worktime` (pure Python); this app stores the data it runs
on and builds the `WorkCalendar` from it (`workcalendar.selectors.get_work_calendar`).

A year counts as *known* only when it has a `CalendarYear` row: the days of a year are entered
together (seeded from the `chinesecalendar` package, or typed in by an administrator when the
State Council announces the next year's arrangement). Days of an unknown year are ignored by the
arithmetic, which falls back to "Monday to Friday are working days, except the fixed-date holidays
元旦 1 Jan, 劳动节 1 May and 国庆 1-3 Oct" for that year; the admin warns until it is entered.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class Source(models.TextChoices):
    CHINESE_CALENDAR = "chinesecalendar", _("chinesecalendar 数据包")
    ADMIN = "admin", _("管理员录入")


class CalendarYear(models.Model):
    """A year whose holiday arrangement (放假安排) is in the calendar."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["chinesecalendar", "admin"]),
                name="calendaryear_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDay(models.Model):
    """A day that departs from Monday to Friday: a holiday, or a weekend make-up workday (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        MAKEUP_WORKDAY = "makeup_workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["holiday", "makeup_workday"]), name="calendarday_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["chinesecalendar", "admin"]),
                name="calendarday_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def weekday_label(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    def clean(self) -> None:
        if self.kind == self.Kind.MAKEUP_WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("调休上班日应为周六或周日。")})


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("未知的时区：%(tz)s"), params={"tz": value}) from exc


class BusinessHours(models.Model):
    """Business hours for limits counted in working hours. A single row (id 1)."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    day_start = models.TimeField(_("上班时间"), default=time(8, 30))
    day_end = models.TimeField(_("下班时间"), default=time(17, 30))
    time_zone = models.CharField(
        _("时区"), max_length=50, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作时间")
        verbose_name_plural = _("工作时间")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="businesshours_singleton"),
            models.CheckConstraint(
                condition=Q(day_start__lt=models.F("day_end")),
                name="businesshours_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day_start:%H:%M}–{self.day_end:%H:%M} ({self.time_zone})"

    def clean(self) -> None:
        if self.day_start and self.day_end and self.day_start >= self.day_end:
            raise ValidationError({"day_end": _("下班时间应晚于上班时间。")})
