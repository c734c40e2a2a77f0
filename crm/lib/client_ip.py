"""The client's address, for login throttling (django-axes' `AXES_CLIENT_IP_CALLABLE`).

The environment variable `AXES_PROXY_COUNT` (the setting `QINQING_PROXY_COUNT`) is the number of
reverse proxies in front of the web processes (0 when gunicorn faces the clients). Each proxy
appends the address it received the request from to `X-Forwarded-For`, so behind n proxies the
client is the n-th entry from the right; whatever stands further left was sent by the client
itself and is never trusted. Directly exposed, the header is ignored altogether: anyone can send
one.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "QINQING_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not the proxies we were told about: do not guess
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
