from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts.models import Region, RoleMembership, Unit, User


class MembershipInline(admin.TabularInline):
    model = RoleMembership
    extra = 0
    autocomplete_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("亲清", {"fields": ("display_name", "phone", "staff_no")}),
    )
    list_display = ["username", "display_name", "staff_no", "phone", "is_active"]
    search_fields = ["username", "display_name", "staff_no", "phone"]
    inlines = [MembershipInline]


@admin.register(Region)
class RegionAdmin(TreeAdmin):
    form = movenodeform_factory(Region)
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["region"]


@admin.register(RoleMembership)
class RoleMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "region", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user", "region", "unit"]
