"""Invitations: the contact person's one-time link, and the staff page that manages an
enterprise's portal accounts (the liaison or an administrator)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.lib.params import parse_id
from enterprises.models import Enterprise, EnterpriseMembership
from portal import selectors
from portal.forms import AcceptForm, InviteForm
from portal.models import Invitation
from portal.services import (
    PortalError,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_reinvite,
    invitation_revoke,
    invitation_url,
    may_manage_accounts,
    membership_deactivate,
)

SESSION_KEY = "portal_invitation_links"
BACKEND = "accounts.backends.PhoneOrUsernameBackend"


# --- The contact person ---------------------------------------------------------------------


def _refused(request, exc: PortalError):
    context = {"reason": exc.messages[0]}
    return render(request, "portal/invitation_refused.html", context, status=410)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """Open a one-time link: set a password (new account or account recovery) or, signed in,
    bind this account. A used, expired, revoked or unknown link is refused with the reason."""
    try:
        invitation = invitation_for_token(token)
    except PortalError as exc:
        return _refused(request, exc)
    binds_current = invitation.user_id is None and request.user.is_authenticated
    new_account = invitation.user_id is None and not binds_current
    form = None if binds_current else AcceptForm(request.POST or None, new_account=new_account)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            user = invitation_accept(
                token=token,
                current_user=request.user if binds_current else None,
                username=data.get("username", ""),
                display_name=data.get("display_name", ""),
                password=data.get("password1", ""),
            )
        except PortalError as exc:
            if form is None:
                return _refused(request, exc)
            form.add_error(None, exc.messages)
        else:
            if request.user.pk != user.pk:
                login(request, user, backend=BACKEND)
            welcome = _("已绑定%(name)s，欢迎使用。") % {"name": invitation.enterprise.name}
            messages.success(request, welcome)
            return redirect("portal:home")
    context = {"invitation": invitation, "form": form, "new_account": new_account}
    context["binds_current"] = binds_current
    status = 400 if form is not None and form.errors else 200
    return render(request, "portal/invitation_accept.html", context, status=status)


# --- Staff: an enterprise's portal accounts --------------------------------------------------


def _managed_enterprise(user, pk) -> Enterprise:
    """An enterprise the person may see (else 404) and manage accounts of (else 403)."""
    enterprise = (
        Enterprise.objects.visible_to(user).select_related("region").filter(pk=pk).first()
        if parse_id(pk)
        else None
    )
    if enterprise is None:
        raise Http404("no such enterprise")
    if not may_manage_accounts(user=user, enterprise=enterprise):
        raise PermissionDenied
    return enterprise


def qr_images(url: str) -> dict:
    """The link as a QR code: inline SVG to show, and a PNG (data URI) to save and send."""
    qr = segno.make(url, error="m")
    return {
        # segno writes the markup itself from the URL's bits; nothing user-typed is in it.
        "svg": mark_safe(qr.svg_inline(scale=5, dark="#0b3d6e")),  # noqa: S308
        "png": qr.png_data_uri(scale=8),
    }


@require_http_methods(["GET", "POST"])
@login_required
def manage(request, pk: int):
    enterprise = _managed_enterprise(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = invitation_create(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except PortalError as exc:
            form.add_error(None, exc.messages)
        else:
            return _show_new_link(request, invitation, token)
    context = {
        "enterprise": enterprise,
        "form": form,
        "memberships": selectors.manage_memberships(enterprise=enterprise),
        "invitations": selectors.manage_invitations(enterprise=enterprise),
        "history": selectors.membership_history(enterprise=enterprise),
    }
    return render(request, "portal/manage.html", context, status=400 if form.errors else 200)


def _show_new_link(request, invitation: Invitation, token: str):
    links = request.session.get(SESSION_KEY, {})
    links[str(invitation.pk)] = token
    request.session[SESSION_KEY] = links
    messages.success(request, _("已生成邀请链接，7天内有效，只能使用一次。"))
    return redirect("portal:invitation", pk=invitation.pk)


@require_GET
@login_required
def invitation_detail(request, pk: int):
    """The link and its QR code — shown only in the session that created it (the database
    keeps only the token's digest)."""
    invitation = (
        Invitation.objects.filter(pk=pk).select_related("enterprise").first()
        if parse_id(pk)
        else None
    )
    if invitation is None:
        raise Http404("no such invitation")
    _managed_enterprise(request.user, invitation.enterprise_id)
    token = request.session.get(SESSION_KEY, {}).get(str(invitation.pk))
    context = {"invitation": invitation, "enterprise": invitation.enterprise}
    if token and invitation.status == Invitation.Status.PENDING:
        url = invitation_url(token)
        context.update(url=url, qr=qr_images(url))
    return render(request, "portal/invitation_detail.html", context)


@require_POST
@login_required
def invitation_revoke_view(request, pk: int):
    invitation = Invitation.objects.filter(pk=pk).first() if parse_id(pk) else None
    if invitation is None:
        raise Http404("no such invitation")
    _managed_enterprise(request.user, invitation.enterprise_id)
    try:
        invitation_revoke(actor=request.user, invitation_id=invitation.pk)
    except PortalError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("邀请已作废。"))
    return redirect("portal:manage", pk=invitation.enterprise_id)


def _membership(request, pk) -> EnterpriseMembership:
    membership = EnterpriseMembership.objects.filter(pk=pk).first() if parse_id(pk) else None
    if membership is None:
        raise Http404("no such binding")
    _managed_enterprise(request.user, membership.enterprise_id)
    return membership


@require_POST
@login_required
def membership_deactivate_view(request, pk: int):
    membership = _membership(request, pk)
    try:
        membership_deactivate(
            actor=request.user, membership_id=membership.pk, reason=request.POST.get("reason", "")
        )
    except PortalError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已停用，该账号不能再查看和办理本企业的诉求。"))
    return redirect("portal:manage", pk=membership.enterprise_id)


@require_POST
@login_required
def membership_reinvite_view(request, pk: int):
    membership = _membership(request, pk)
    try:
        invitation, token = invitation_reinvite(
            actor=request.user,
            membership_id=membership.pk,
            send_sms=request.POST.get("send_sms") == "on",
        )
    except PortalError as exc:
        messages.error(request, exc.messages[0])
        return redirect("portal:manage", pk=membership.enterprise_id)
    return _show_new_link(request, invitation, token)
