"""Administration: WeCom robots (configuration), and read-only views of the inbox and outbox
with a "retry now" action for deliveries that failed or were given up."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.admin import SimpleHistoryAdmin

from notifications.models import Delivery, Notification, NotificationPreference, WeComRobot
from notifications.outbox import publish
from notifications.wecom import WeComError, post_markdown


@admin.register(WeComRobot)
class WeComRobotAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "region", "masked_webhook", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "unit__name", "region__name")
    list_select_related = ("unit", "region")
    actions = ["send_test_message"]

    @admin.display(description=_lazy("Webhook 地址"))
    def masked_webhook(self, obj: WeComRobot) -> str:
        return obj.masked_url

    @admin.action(description=_lazy("向所选群发送测试消息"))
    def send_test_message(self, request, queryset):
        """Post a test message right away, so an administrator sees whether the webhook works."""
        for robot in queryset:
            try:
                post_markdown(robot.webhook_url, TEST_MESSAGE % {"name": robot.name})
            except WeComError as exc:
                messages.error(
                    request, _("“%(name)s”发送失败：%(error)s") % {"name": robot, "error": exc}
                )
            else:
                messages.success(request, _("“%(name)s”测试消息已发送。") % {"name": robot})


TEST_MESSAGE = "**【亲清】测试消息**\n> 群机器人“%(name)s”已接入亲清企业服务平台的消息通知。"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "recipient__username", "recipient__display_name")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "channel",
        "masked_address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "channel")
    list_select_related = ("robot",)
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    @admin.display(description=_lazy("地址"))
    def masked_address(self, obj: Delivery) -> str:
        if obj.channel == "wecom":
            return str(obj.robot or "—")
        if obj.channel == "webhook":
            return obj.address.split("?", 1)[0]
        if obj.channel == "sms":
            from crm.lib.masking import mask_phone

            return mask_phone(obj.address)
        return obj.address

    @admin.display(description=_lazy("最近错误"))
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:80]

    change_form_template = "admin/notifications/delivery/change_form.html"

    @admin.action(description=_lazy("立即重试所选投递"))
    def retry_now(self, request, queryset):
        n = requeue(queryset)
        messages.success(request, _("已重新排队 %(n)s 条投递。") % {"n": n})

    def get_urls(self):
        resend = self.admin_site.admin_view(self.resend_view)
        return [
            path("<int:pk>/resend/", resend, name="notifications_delivery_resend"),
            *super().get_urls(),
        ]

    def resend_view(self, request, pk: int):
        """The change page's "resend" button (POST): queue this one delivery again."""
        delivery = get_object_or_404(Delivery, pk=pk)
        if request.method == "POST" and self.has_view_permission(request, delivery):
            if requeue(Delivery.objects.filter(pk=pk)):
                messages.success(request, _("已重新排队该投递。"))
            else:
                messages.warning(request, _("该投递正在发送或已发送，无需重发。"))
        return redirect("admin:notifications_delivery_change", pk)


RESENDABLE = (Delivery.Status.FAILED, Delivery.Status.GAVE_UP, Delivery.Status.PENDING)


def requeue(queryset) -> int:
    """Make failed, given-up or pending deliveries due now with fresh attempts, and queue them."""
    retryable = queryset.filter(status__in=RESENDABLE)
    ids = list(retryable.values_list("id", flat=True))
    retryable.update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    publish(ids)
    return len(ids)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "email", "sms")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user",)
