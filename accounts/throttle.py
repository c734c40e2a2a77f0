"""Login throttling that an attacker cannot turn against other people (DESIGN §12).

django-axes records every failed login as a row per (username, client IP). On top of those rows
three rules decide whether an attempt is refused (`ThrottleHandler.is_locked`):

1. **This username from this address** — `AXES_FAILURE_LIMIT` failures (5) within the cool-off:
   the pair is paused. Guessing one account from one place stops; the owner elsewhere, and
   everyone else at this address, are untouched.
2. **This username from several addresses** — a distributed guess: failures from at least
   `QINQING_LOGIN_USERNAME_IPS` (3) distinct addresses, `QINQING_LOGIN_USERNAME_FAILURES` (15)
   in total. Only then is the username paused everywhere; one NAT or one proxy can never do it.
3. **This address across usernames** — password spraying: failures for
   `QINQING_LOGIN_IP_USERNAMES` (20) distinct usernames within the cool-off pause the address.
   Hammering one account never reaches it, so a colleague behind the same NAT keeps logging in.

Every pause lifts by itself after `AXES_COOLOFF_TIME`.

**The client address** is `REMOTE_ADDR` unless `AXES_PROXY_COUNT` says how many reverse proxies
stand in front (`crm.lib.client_ip`). Behind one proxy (nginx) set `AXES_PROXY_COUNT=1`: the
address is then the last entry the proxy appended to X-Forwarded-For. Left at 0 behind a proxy,
every request seems to come from the proxy — rules 1 and 3 would then apply to everyone at once,
which is why the README asks for it; and with no proxy, a forged X-Forwarded-For is ignored.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Sum

from crm.lib.client_ip import client_ip


def _recent(request) -> AccessAttempt.objects:
    threshold = get_cool_off_threshold(request)
    return AccessAttempt.objects.filter(attempt_time__gte=threshold)


class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with the three rules of this module."""

    def is_locked(self, request, credentials=None) -> bool:
        ip = getattr(request, "axes_ip_address", None) or client_ip(request)
        username = get_client_username(request, credentials)
        recent = _recent(request)
        if username:
            mine = recent.filter(username=username)
            pair = mine.filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0
            if pair >= settings.AXES_FAILURE_LIMIT:
                return True
            spread = mine.aggregate(
                ips=Count("ip_address", distinct=True), n=Sum("failures_since_start")
            )
            if (
                spread["ips"] >= settings.QINQING_LOGIN_USERNAME_IPS
                and (spread["n"] or 0) >= settings.QINQING_LOGIN_USERNAME_FAILURES
            ):
                return True
        usernames = recent.filter(ip_address=ip).values("username").distinct().count()
        return usernames >= settings.QINQING_LOGIN_IP_USERNAMES
