"""A stand-in for any page whose action notifies someone (used by test_broker)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from accounts.models import User
from notifications.models import Kind
from notifications.services import notify


@require_POST
@login_required
def dispatch_something(request):
    with transaction.atomic():
        handler = User.objects.get(username="handler1")
        notify(
            recipients=[handler],
            kind=Kind.ISSUE_DISPATCHED,
            title="新派单：招工难",
            body="请及时签收。",
            actor=request.user,
        )
    return HttpResponse("派单成功")


urlpatterns = [
    path("event/", dispatch_something),
    path("notifications/", include("notifications.urls")),
]
