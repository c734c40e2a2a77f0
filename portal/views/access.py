"""Who may use the portal pages: a signed-in person with at least one active binding."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.selectors import portal_enterprise_ids


def enterprise_user_required(view):
    """Signed in (else the login page) and bound to an enterprise (else 403 with an
    explanation). Checked on every request, so a deactivated binding loses access at once."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not portal_enterprise_ids(user=request.user):
            return render(request, "portal/not_enterprise.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
