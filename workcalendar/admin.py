"""Administration of the working calendar (DESIGN §6): the days by year, a form for a newly
announced year, business hours, and a warning while the current or next year is unknown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.admin import SimpleHistoryAdmin

from workcalendar.forms import CalendarYearForm
from workcalendar.models import BusinessHours, CalendarDay, CalendarYear, Source
from workcalendar.selectors import missing_years
from workcalendar.services import calendar_year_add


def missing_years_message(years: list[int]) -> str:
    return _(
        "工作日历缺少 %(years)s 年的法定节假日安排：涉及这些年份的办理时限暂按周一至周五计算，"
        "仅扣除元旦（1月1日）、劳动节（5月1日）和国庆节（10月1日至3日）。"
        "国务院办公厅公布放假安排后，请在“节假日与调休”中点击“添加新年度安排”。"
    ) % {"years": "、".join(str(y) for y in years)}


class YearFilter(admin.SimpleListFilter):
    title = _lazy("年度")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and len(self.value()) == 4 and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "weekday", "kind", "name", "source", "updated_at")
    list_filter = (YearFilter, "kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)
    list_per_page = 100
    readonly_fields = ("source",)
    change_list_template = "admin/workcalendar/calendarday/change_list.html"

    @admin.display(description=_lazy("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return obj.weekday_label

    def save_model(self, request, obj, form, change):
        obj.source = Source.ADMIN  # whatever its origin, the row now says what an admin entered
        super().save_model(request, obj, form, change)

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path(
                "add-year/",
                self.admin_site.admin_view(self.add_year_view),
                name="workcalendar_calendarday_add_year",
            )
        ]
        return extra + urls

    def changelist_view(self, request, extra_context=None):
        years = missing_years(today=timezone.localdate())
        if years and request.method == "GET":
            messages.warning(request, missing_years_message(years))
        return super().changelist_view(request, extra_context)

    def add_year_view(self, request):
        """Enter a newly announced year's holidays and make-up days in one go."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarYearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                calendar_year_add(
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    days=form.days(),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("已添加 %(year)s 年的放假安排（%(n)s 天）。")
                    % {"year": form.cleaned_data["year"], "n": len(form.days())},
                )
                changelist = reverse("admin:workcalendar_calendarday_changelist")
                return redirect(f"{changelist}?year={form.cleaned_data['year']}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("添加新年度放假安排"),
            "form": form,
        }
        return TemplateResponse(request, "admin/workcalendar/calendarday/add_year.html", context)


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "source", "day_count", "note", "updated_at")
    list_filter = ("source",)
    readonly_fields = ("source",)

    def get_queryset(self, request):
        days = (
            CalendarDay.objects.annotate(y=ExtractYear("date"))
            .filter(y=OuterRef("year"))
            .values("y")
            .annotate(n=Count("id"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_day_count=Coalesce(Subquery(days, output_field=IntegerField()), 0))
        )

    @admin.display(description=_lazy("天数"))
    def day_count(self, obj: CalendarYear) -> int:
        return getattr(obj, "_day_count", 0)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Source.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(BusinessHours)
class BusinessHoursAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BusinessHours.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
