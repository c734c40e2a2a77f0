"""The inbox (DESIGN §7): list, open, mark read (htmx), unread badge, and channel preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.pagination import paginate
from notifications.filters import NotificationFilter
from notifications.forms import PreferencesForm
from notifications.models import PERSONAL_CHANNELS
from notifications.selectors import (
    notification_get_for_user,
    notification_list,
    preference_matrix,
    unread_count,
)
from notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    preferences_save,
)

CHANGED = "notifications-changed"  # htmx event: the badge reloads itself on it


def _list_context(request) -> dict:
    filterset = NotificationFilter(request.GET or None)
    page = paginate(request, notification_list(user=request.user, filters=request.GET), per_page=20)
    return {"filter": filterset, "page_obj": page, "unread": unread_count(user=request.user)}


@require_GET
@login_required
def inbox(request):
    template = "notifications/_notification_list.html" if request.htmx else None
    return render(
        request, template or "notifications/notification_list.html", _list_context(request)
    )


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark the notification read and go to what it is about."""
    notification = notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(actor=request.user, notification=notification)
    target = notification.target_url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@login_required
def notification_read(request, pk: int):
    notification = notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(actor=request.user, notification=notification)
    if request.htmx:
        response = render(request, "notifications/_notification_item.html", {"n": notification})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:inbox")


@require_POST
@login_required
def notification_read_all(request):
    changed = notification_mark_all_read(actor=request.user)
    if request.htmx:
        response = render(request, "notifications/_notification_list.html", _list_context(request))
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": changed})
    return redirect("notifications:inbox")


@require_GET
@login_required
def badge(request):
    # Polled by every page: rendered without the request so no context processor adds queries.
    count = unread_count(user=request.user)
    return HttpResponse(render_to_string("notifications/_badge.html", {"count": count}))


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, matrix=preference_matrix(user=request.user))
    if request.method == "POST" and form.is_valid():
        preferences_save(actor=request.user, user=request.user, choices=form.choices())
        messages.success(request, _("提醒设置已保存。"))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "channels": PERSONAL_CHANNELS},
    )
