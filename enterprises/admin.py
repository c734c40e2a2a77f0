from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseMembership,
    ImportJob,
    Industry,
    LiaisonAssignment,
    Tag,
)
from enterprises.services import enterprise_issues_follow_region


@admin.register(Industry)
class IndustryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "parent", "sector"]
    list_filter = ["sector", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = LiaisonAssignment
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "region", "industry", "scale", "status"]
    list_filter = ["status", "scale", "industry__sector", "tags"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region", "industry"]
    filter_horizontal = ["tags"]
    list_select_related = ["region", "industry"]
    inlines = [ContactInline, AssignmentInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "region" in form.changed_data:
            enterprise_issues_follow_region(enterprise_ids=[obj.pk])


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "enterprise", "title", "is_primary"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["enterprise"]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "kind", "person", "started_on", "ended_on"]
    list_filter = ["kind", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["enterprise__name", "person__display_name", "person__username"]
    autocomplete_fields = ["enterprise", "person"]
    list_select_related = ["enterprise", "person"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "enterprise", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__username", "user__display_name", "enterprise__name"]
    autocomplete_fields = ["user", "enterprise"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "created_by", "created_at", "status", "total"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
