from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from visits.models import Visit, VisitAttachment, VisitOfficer


class VisitOfficerInline(admin.TabularInline):
    model = VisitOfficer
    extra = 0
    raw_id_fields = ["user"]


class VisitAttachmentInline(admin.TabularInline):
    model = VisitAttachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "kind", "status", "planned_on", "happened_at", "confidentiality"]
    list_filter = ["status", "kind", "confidentiality"]
    search_fields = ["enterprise__name", "summary"]
    raw_id_fields = ["enterprise", "created_by", "attendees"]
    inlines = [VisitOfficerInline, VisitAttachmentInline]
    # The status moves only through visits.services (plan / log / cancel).
    readonly_fields = ["status", "cancel_reason"]
