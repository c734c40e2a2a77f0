"""Administration: integration accounts (12345 …) with "issue a token" (the key is shown once),
tokens (revoke), and the received work orders (read-only). Callback deliveries are in the
notification outbox's admin (channel "外部系统回调"), with its resend button."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.admin import SimpleHistoryAdmin

from api.models import ApiToken, Integration, WorkOrder
from api.tokens import token_issue, token_revoke


@admin.register(Integration)
class IntegrationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "account", "region", "webhook_url", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("account", "region")
    autocomplete_fields = ("account",)
    actions = ["issue_token"]

    @admin.action(description=_lazy("为所选对接系统签发新令牌"))
    def issue_token(self, request, queryset):
        for integration in queryset:
            issued = token_issue(
                actor=request.user, user=integration.account, name=integration.code
            )
            messages.warning(
                request,
                _("“%(name)s”的新令牌（只显示这一次，请立即保存）：%(key)s")
                % {"name": integration, "key": issued.key},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued by the person (API) or by the integration's action

    @admin.action(description=_lazy("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(actor=request.user, token=token)
        messages.success(request, _("已吊销 %(n)s 个令牌。") % {"n": queryset.count()})


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("order_no", "integration", "issue", "caller", "required_by", "received_at")
    list_filter = ("integration",)
    search_fields = ("order_no", "caller")
    list_select_related = ("integration", "issue")
    readonly_fields = [f.name for f in WorkOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
