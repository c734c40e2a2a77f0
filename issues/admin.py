"""Administration: the catalogue (categories with their routing rules) is edited here; issues,
their timeline and improvement actions are shown read-only — they change only through the
workflow services, never by editing rows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from issues.models import Category, ImprovementAction, Issue, IssueEvent, RoutingRule


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["region", "lead_unit", "supporting_units"]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "code",
        "requires_review",
        "ack_limit",
        "ack_unit",
        "resolve_limit",
        "resolve_unit",
        "revisit_limit",
        "is_active",
    ]
    list_filter = ["is_active", "requires_review", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    inlines = [RoutingRuleInline]
    fieldsets = (
        (None, {"fields": ("parent", "name", "code", "description", "sort_order", "is_active")}),
        (
            "时限与审核",
            {
                "fields": (
                    ("ack_limit", "ack_unit"),
                    ("resolve_limit", "resolve_unit"),
                    ("revisit_limit", "revisit_unit"),
                    "warning_band",
                    "requires_review",
                )
            },
        ),
    )


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "enterprise", "category", "state", "lead_unit"]
    list_filter = ["state", "source", "priority", "supervision_level"]
    search_fields = ["title", "enterprise__name", "external_ref"]
    list_select_related = ["enterprise", "category__parent", "lead_unit"]
    date_hierarchy = "registered_at"


@admin.register(IssueEvent)
class IssueEventAdmin(admin.ModelAdmin):
    list_display = ["issue", "kind", "actor", "at", "from_state", "to_state", "is_public"]
    list_filter = ["kind", "is_public"]
    list_select_related = ["issue", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "region", "owner_unit", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
