"""Writes of the enterprise portal: invitations, bindings, and the enterprise's requests.

Every function is keyword-only with an explicit actor and runs in one transaction. Requests go
through the issue engine only: `issues.services.issue_register` to file one and
`issues.services.issue_transition` for every later action — the portal never touches an issue's
state or timeline itself.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import update_change_reason

from accounts.models import Role, User
from accounts.scope import scope_for
from enterprises.models import Enterprise, EnterpriseMembership, LiaisonAssignment
from issues.models import Category, Issue
from issues.services import issue_register, issue_transition
from portal.models import INVITATION_LIFETIME, Invitation, token_digest

MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


class PortalError(ValidationError):
    """A portal action that is not possible; the message is for the person. Nothing changed."""


# --- Who may manage an enterprise's portal accounts -----------------------------------------


def may_manage_accounts(*, user, enterprise: Enterprise) -> bool:
    """The enterprise's active liaison, an administrator of its region, or a superuser."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    if scope.is_superuser or scope.covers_region(enterprise.region, Role.ADMIN):
        return True
    return (
        LiaisonAssignment.objects.active()
        .filter(enterprise=enterprise, person_id=scope.user_id, kind=LiaisonAssignment.Kind.LIAISON)
        .exists()
    )


def _require_manager(actor, enterprise: Enterprise) -> None:
    if not may_manage_accounts(user=actor, enterprise=enterprise):
        raise PermissionDenied(_("只有该企业的联络员或管理员可以管理企业账号。"))


def normalize_phone(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE.match(phone):
        raise PortalError(_("请填写 11 位手机号码。"))
    return phone


# --- Invitations ----------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    from django.urls import reverse

    base = getattr(settings, "QINQING_SITE_URL", "").rstrip("/")
    return base + reverse("portal:invitation_accept", kwargs={"token": token})


def _sms_text(invitation: Invitation, url: str) -> str:
    return _(
        "【亲清】%(name)s您好，%(inviter)s邀请您以%(enterprise)s的名义使用亲清企业服务门户"
        "（在线提交和跟踪诉求）。请在7天内打开链接设置密码：%(url)s"
    ) % {
        "name": invitation.name,
        "inviter": invitation.invited_by,
        "enterprise": invitation.enterprise.name,
        "url": url,
    }


def _queue_sms(invitation: Invitation, url: str) -> None:
    """The SMS goes through the notification outbox (and so the pluggable SMS backend, with
    retries): a Delivery row in this transaction, published after commit."""
    from notifications.models import Channel, Delivery
    from notifications.outbox import publish_on_commit

    delivery = Delivery.objects.create(
        channel=Channel.SMS, address=invitation.phone, body=_sms_text(invitation, url)
    )
    invitation.sms_sent_at = timezone.now()
    publish_on_commit([delivery.pk])


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str,
    phone: str,
    send_sms: bool = False,
    user: User | None = None,
) -> tuple[Invitation, str]:
    """Invite a contact person of `enterprise` to the portal; returns the invitation and the
    raw token (shown once, as a link and a QR code — the database keeps only its digest).

    `user` re-invites the account of an existing binding (account recovery): accepting resets
    that account's password and re-activates the binding. Earlier pending invitations of the
    same phone number for this enterprise are revoked, so only the newest link works."""
    _require_manager(actor, enterprise)
    name = (name or "").strip()
    if not name:
        raise PortalError(_("请填写联系人姓名。"))
    if len(name) > 50:
        raise PortalError(_("联系人姓名不能超过 50 字。"))
    phone = normalize_phone(phone)
    now = timezone.now()
    for old in Invitation.objects.select_for_update().filter(
        enterprise=enterprise, phone=phone, used_at=None, revoked_at=None
    ):
        _revoke(old, actor=actor, now=now, reason=_("已重新邀请"))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        enterprise=enterprise,
        name=name,
        phone=phone,
        user=user,
        token_hash=token_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    if send_sms:
        _queue_sms(invitation, invitation_url(token))
    invitation._history_user = actor
    invitation.save()
    return invitation, token


@transaction.atomic
def invitation_reinvite(
    *, actor: User, membership_id: int, send_sms: bool = False
) -> tuple[Invitation, str]:
    """A new one-time link for the person of an existing binding (active or not): it resets
    their password and re-activates the binding (account recovery)."""
    membership = (
        EnterpriseMembership.objects.select_related("user", "enterprise__region")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise PortalError(_("企业账号不存在。"))
    person = membership.user
    if not person.phone:
        raise PortalError(_("该账号没有登记手机号，无法重新邀请。"))
    return invitation_create(
        actor=actor,
        enterprise=membership.enterprise,
        name=person.display_name or person.username,
        phone=person.phone,
        send_sms=send_sms,
        user=person,
    )


def _revoke(invitation: Invitation, *, actor, now, reason: str) -> None:
    invitation.revoked_at = now
    invitation._history_user = actor
    invitation.save(update_fields=["revoked_at"])
    update_change_reason(invitation, reason)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("enterprise__region")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise PortalError(_("邀请不存在。"))
    _require_manager(actor, invitation.enterprise)
    if invitation.status != Invitation.Status.PENDING:
        raise PortalError(_("该邀请已不能作废（已使用、已过期或已作废）。"))
    _revoke(invitation, actor=actor, now=timezone.now(), reason=_("作废邀请"))
    return invitation


REFUSALS = {
    Invitation.Status.USED: _(
        "该邀请链接已经使用过，每个链接只能使用一次。请直接登录，或联系联络员重新邀请。"
    ),
    Invitation.Status.EXPIRED: gettext_lazy(
        "该邀请链接已过期（有效期 7 天）。请联系您的联络员重新发送邀请。"
    ),
    Invitation.Status.REVOKED: gettext_lazy(
        "该邀请链接已作废。请使用最新收到的邀请链接，或联系您的联络员。"
    ),
}
UNKNOWN_LINK = gettext_lazy("邀请链接无效，请检查链接是否完整，或联系您的联络员。")


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The pending invitation of `token`, else a PortalError saying why the link is refused."""
    qs = Invitation.objects.select_related("enterprise", "user", "invited_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=token_digest(token or "")).first()
    if invitation is None:
        raise PortalError(UNKNOWN_LINK, code="unknown")
    status = invitation.status
    if status != Invitation.Status.PENDING:
        raise PortalError(REFUSALS[status], code=status)
    return invitation


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise PortalError(exc.messages) from None


def _bind(*, user: User, enterprise: Enterprise, reason: str) -> EnterpriseMembership:
    membership = EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).first()
    if membership is None:
        membership = EnterpriseMembership(user=user, enterprise=enterprise)
    membership.is_active = True
    membership._history_user = user
    membership.save()
    update_change_reason(membership, reason)
    return membership


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    current_user: User | None = None,
    username: str = "",
    display_name: str = "",
    password: str = "",
) -> User:
    """Use a one-time link (under a row lock, so it works once even when opened twice at the
    same moment) and return the person now bound to the enterprise:

    - a re-invitation (account recovery): the invited account gets the new `password`;
    - otherwise, someone signed in (`current_user`): their account is bound (one person, several
      enterprises);
    - otherwise: a new account (`username`, default the phone number) with `password`. A phone
      number that already has an account must sign in first (one account per person).
    """
    invitation = invitation_for_token(token, lock=True)
    enterprise = invitation.enterprise
    if invitation.user_id is not None:
        user = invitation.user
        _check_password(password, user)
        user.set_password(password)
        user.is_active = True
        user._history_user = user
        user.save()
        update_change_reason(user, _("通过邀请链接重设密码"))
    elif current_user is not None and current_user.is_authenticated:
        user = current_user
    else:
        user = _new_account(invitation, username=username, display_name=display_name)
        _check_password(password, user)
        user.set_password(password)
        user.save()
    _bind(user=user, enterprise=enterprise, reason=_("接受门户邀请"))
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation._history_user = user
    invitation.save(update_fields=["used_at", "used_by"])
    return user


def _new_account(invitation: Invitation, *, username: str, display_name: str) -> User:
    phone = invitation.phone
    if User.objects.filter(phone=phone, is_active=True).exists():
        raise PortalError(
            _("手机号 %(phone)s 已有账号。请先用该账号登录，再打开此邀请链接完成绑定。")
            % {"phone": phone},
            code="phone_taken",
        )
    username = (username or "").strip() or phone
    if not USERNAME.match(username):
        raise PortalError(_("登录名只能包含字母、数字和 _ . @ + -，长度 3 到 150 位。"))
    if User.objects.filter(username__iexact=username).exists():
        raise PortalError(_("登录名「%(name)s」已被使用，请换一个。") % {"name": username})
    user = User(
        username=username,
        display_name=(display_name or "").strip()[:50] or invitation.name,
        phone=phone,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise PortalError(exc.messages) from None
    user._history_user = invitation.invited_by
    user.save()
    update_change_reason(user, _("接受门户邀请创建账号"))
    return user


@transaction.atomic
def membership_deactivate(*, actor: User, membership_id: int, reason: str = "") -> None:
    """End a person's binding to an enterprise: they lose access to its requests at once (every
    portal read checks the active binding). Pending invitations for the person are revoked.
    The binding row and its history stay; a re-invitation brings it back."""
    membership = (
        EnterpriseMembership.objects.select_for_update(of=("self",))
        .select_related("enterprise__region", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise PortalError(_("企业账号不存在。"))
    _require_manager(actor, membership.enterprise)
    if not membership.is_active:
        raise PortalError(_("该账号已停用。"))
    now = timezone.now()
    membership.is_active = False
    membership._history_user = actor
    membership.save(update_fields=["is_active"])
    update_change_reason(membership, (reason or "").strip()[:100] or _("停用企业账号"))
    pending = Invitation.objects.filter(
        enterprise=membership.enterprise, used_at=None, revoked_at=None, expires_at__gt=now
    ).filter(user=membership.user)
    for invitation in pending:
        _revoke(invitation, actor=actor, now=now, reason=_("账号已停用"))


# --- Requests -------------------------------------------------------------------------------


def _title_from(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[:40] + ("…" if len(first) > 40 else "")


def portal_request_file(
    *,
    actor: User,
    enterprise: Enterprise,
    category: Category,
    description: str,
    title: str = "",
    attachments: Iterable = (),
    bancheng: bool = False,
) -> Issue:
    """File a request from the portal through `issue_register`: source 企业网上提交 (or the
    办不成事 window, which goes to the dispatcher at supervision level 1 and is never
    auto-dispatched), via the portal. The routing rules apply as for any registration."""
    description = (description or "").strip()
    if not description:
        raise PortalError(_("请写明您遇到的问题或需要的帮助。"))
    return issue_register(
        actor=actor,
        enterprise=enterprise,
        source=Issue.Source.BANCHENG if bancheng else Issue.Source.PORTAL,
        category=category,
        title=(title or "").strip()[:120] or _title_from(description),
        description=description,
        attachments=attachments,
        registered_via=Issue.Via.PORTAL,
    )


@transaction.atomic
def portal_act_with_files(
    *, actor: User, issue_id: int, action: str, data: dict, files: Sequence = ()
) -> Issue:
    """One workflow action from the portal (answer a question, a public comment …) and then
    one `attach` per file — each through `issue_transition`, all in one transaction, so a
    refused file leaves the question unanswered and nothing half-done."""
    issue = issue_transition(actor=actor, issue_id=issue_id, action=action, **data)
    for upload in files:
        issue = issue_transition(actor=actor, issue_id=issue_id, action="attach", file=upload)
    return issue
