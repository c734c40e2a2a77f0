"""Load the years chinesecalendar knows and the default business hours, so that every database
(production, tests) has a working calendar right after `migrate`. `manage.py seed_calendar` adds
years a newer package knows later on."""

from django.db import migrations
from django.utils import timezone

SYSTEM_USERNAME = "system"


def _system_user(apps):
    User = apps.get_model("accounts", "User")
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"display_name": "系统", "is_active": False, "password": "!"},
    )
    return user


def seed(apps, schema_editor):
    from workcalendar.chinese import package_days, package_version

    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarDay = apps.get_model("workcalendar", "CalendarDay")
    BusinessHours = apps.get_model("workcalendar", "BusinessHours")
    HistoricalYear = apps.get_model("workcalendar", "HistoricalCalendarYear")
    HistoricalDay = apps.get_model("workcalendar", "HistoricalCalendarDay")
    HistoricalHours = apps.get_model("workcalendar", "HistoricalBusinessHours")
    user = _system_user(apps)
    now = timezone.now()
    reason = f"chinesecalendar {package_version()}"
    history = {
        "history_date": now,
        "history_type": "+",
        "history_user": user,
        "history_change_reason": reason,
    }

    known = set(CalendarYear.objects.values_list("year", flat=True))
    taken = set(CalendarDay.objects.values_list("date", flat=True))
    days = [d for d in package_days() if d.date.year not in known and d.date not in taken]
    years = sorted({d.date.year for d in days})
    created_years = CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="chinesecalendar", note=reason) for y in years]
    )
    created_days = CalendarDay.objects.bulk_create(
        [CalendarDay(date=d.date, kind=d.kind, name=d.name, source="chinesecalendar") for d in days]
    )
    # bulk_create does not return ids on every backend; read the rows back for their history.
    for y in CalendarYear.objects.filter(year__in=[c.year for c in created_years]):
        HistoricalYear.objects.create(
            id=y.id, year=y.year, source=y.source, note=y.note, created_at=y.created_at,
            updated_at=y.updated_at, **history,
        )
    HistoricalDay.objects.bulk_create(
        [
            HistoricalDay(
                id=d.id, date=d.date, kind=d.kind, name=d.name, source=d.source,
                created_at=d.created_at, updated_at=d.updated_at, **history,
            )
            for d in CalendarDay.objects.filter(date__in=[c.date for c in created_days])
        ]
    )
    if not BusinessHours.objects.exists():
        hours = BusinessHours.objects.create(id=1)
        HistoricalHours.objects.create(
            id=hours.id, day_start=hours.day_start, day_end=hours.day_end,
            time_zone=hours.time_zone, updated_at=hours.updated_at, **history,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("workcalendar", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
