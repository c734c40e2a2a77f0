"""Sign in with a username or a mobile number (enterprise contacts know their phone number
better than a login name). Works behind django-axes, which counts failures per the value typed
in the username field, whichever it is."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

MOBILE = re.compile(r"^1[3-9]\d{9}$")


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or username is None or password is None:
            return user
        phone = re.sub(r"[\s-]", "", username)
        if not MOBILE.match(phone):
            return None
        User = get_user_model()
        # A number shared by several active accounts signs in nobody: use the login name.
        matches = list(User.objects.filter(phone=phone, is_active=True)[:2])
        if len(matches) != 1:
            User().set_password(password)  # same work as a miss, against timing probes
            return None
        candidate = matches[0]
        if candidate.check_password(password) and self.user_can_authenticate(candidate):
            return candidate
        return None
