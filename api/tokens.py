"""Issuing, checking and revoking API tokens.

A key is `qq_` + 43 random URL-safe characters (256 bits). Only its SHA-256 is stored: a key
that random needs no slow hash, and the lookup by digest is one indexed query. The plain key
is returned once, to the caller of `token_issue`, and never again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken

KEY_PREFIX = "qq_"
# How often `last_used_at` is written at most: a busy token must not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once


@transaction.atomic
def token_issue(*, actor: User | None, user: User, name: str) -> IssuedToken:
    """Issue a new token for `user` (a person, or an integration's account)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip()[:100] or "API",
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=digest(key),
        created_by=actor,
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent): it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The active token with this key, its user joined (one query), or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=digest(key), user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def token_list_for(*, user: User):
    """A person's own tokens (active first, newest first); never anyone else's."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")
