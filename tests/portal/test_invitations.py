"""Invitations: a one-time link (7 days, works once) shown as a link and a QR code, an SMS
through the outbox, a password set by the contact, bindings deactivated and re-invited, all
with history — and only the enterprise's liaison or an administrator manages them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enterprises.models import EnterpriseMembership
from notifications.models import Delivery
from portal.models import Invitation
from portal.services import invitation_create, membership_deactivate

STRONG = "Qiye@Portal2026"


def invite(world, *, enterprise=None, phone="13612345678", name="王经理", **kw):
    return invitation_create(
        actor=world.liaison, enterprise=enterprise or world.ent_a, name=name, phone=phone, **kw
    )


def accept(client, token, **data):
    payload = {"password1": STRONG, "password2": STRONG, **data}
    return client.post(reverse("portal:invitation_accept", args=[token]), payload)


def test_the_liaison_invites_and_sees_the_link_and_its_qr_code(client, world):
    client.force_login(world.liaison)
    response = client.post(
        reverse("portal:manage", args=[world.ent_a.pk]),
        {"name": "王经理", "phone": "136 1234 5678", "send_sms": "on"},
    )
    invitation = Invitation.objects.get()
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "/portal/invite/" in page
    assert "<svg" in page and "data:image/png;base64," in page
    token = page.split("/portal/invite/")[1].split("/")[0]
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert invitation.phone == "13612345678"
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_the_sms_goes_to_the_outbox_with_the_link(world):
    invitation, token = invite(world, send_sms=True)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.address == "13612345678"
    assert token in delivery.body and world.ent_a.name in delivery.body
    assert invitation.sms_sent_at is not None


def test_the_contact_sets_a_password_and_is_bound_and_signed_in(client, world):
    _, token = invite(world)
    response = accept(client, token, display_name="王经理")
    assert response.status_code == 302 and response.url == reverse("portal:home")
    user = User.objects.get(phone="13612345678")
    assert user.username == "13612345678" and user.check_password(STRONG)
    assert EnterpriseMembership.objects.get(user=user).enterprise == world.ent_a
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_used_link_is_refused_with_a_clear_message(client, world):
    _, token = invite(world)
    accept(client, token)
    client.logout()
    response = accept(client, token, username="someone-else")
    assert response.status_code == 410
    assert "已经使用过" in response.content.decode()
    assert User.objects.filter(username="someone-else").count() == 0


def test_an_expired_link_is_refused_and_creates_nothing(client, world):
    invitation, token = invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for response in (
        client.get(reverse("portal:invitation_accept", args=[token])),
        accept(client, token),
    ):
        assert response.status_code == 410
        assert "已过期" in response.content.decode()
    assert not User.objects.filter(phone="13612345678").exists()


def test_an_unknown_link_is_refused(client, world):
    response = client.get(reverse("portal:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 410
    assert "邀请链接无效" in response.content.decode()


def test_a_new_invitation_revokes_the_earlier_link_of_the_same_phone(client, world):
    _, old = invite(world)
    _, new = invite(world)
    assert "已作废" in client.get(reverse("portal:invitation_accept", args=[old])).content.decode()
    assert accept(client, new).status_code == 302


def test_a_weak_password_is_refused_and_the_link_still_works(client, world):
    _, token = invite(world)
    response = accept(client, token, password1="123", password2="123")
    assert response.status_code == 400
    assert not User.objects.filter(phone="13612345678").exists()
    assert accept(client, token).status_code == 302


def test_a_phone_that_has_an_account_must_sign_in_first_and_then_binds(client, world, people):
    _, token = invite(world, enterprise=world.ent_a, phone=people.b.phone, name="高新企业用户")
    response = accept(client, token)
    assert response.status_code == 400 and "先用该账号登录" in response.content.decode()
    client.force_login(people.b)
    assert client.post(reverse("portal:invitation_accept", args=[token])).status_code == 302
    bound = set(people.b.enterprise_memberships.values_list("enterprise_id", flat=True))
    assert bound == {world.ent_a.pk, world.ent_b.pk}


def test_deactivating_a_binding_takes_access_away_at_once(client, world, make_issue):
    issue = make_issue("in_progress")
    client.force_login(world.enterprise_user)
    assert client.get(reverse("portal:request", args=[issue.pk])).status_code == 200
    membership = world.enterprise_user.enterprise_memberships.get()
    membership_deactivate(actor=world.liaison, membership_id=membership.pk, reason="离职")
    response = client.get(reverse("portal:request", args=[issue.pk]))
    assert response.status_code == 403 and issue.title not in response.content.decode()
    assert client.get(reverse("portal:home")).status_code == 403
    history = list(membership.history.order_by("history_date"))
    assert [h.is_active for h in history][-1] is False
    assert history[-1].history_change_reason == "离职" and history[-1].history_user == world.liaison


def test_a_re_invitation_resets_the_password_and_restores_the_binding(client, world):
    person = world.enterprise_user
    person.phone = "13655556666"
    person.save()
    membership = person.enterprise_memberships.get()
    membership_deactivate(actor=world.liaison, membership_id=membership.pk)
    client.force_login(world.liaison)
    response = client.post(reverse("portal:membership_reinvite", args=[membership.pk]))
    page = client.get(response.url).content.decode()
    token = page.split("/portal/invite/")[1].split("/")[0]
    client.logout()
    form = client.get(reverse("portal:invitation_accept", args=[token])).content.decode()
    assert "设置新密码" in form
    assert accept(client, token).status_code == 302
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.check_password(STRONG) and membership.is_active
    assert User.objects.filter(phone="13655556666").count() == 1


@pytest.mark.parametrize("who", ["outsider", "handler", "enterprise_user", "resp_leader"])
def test_people_who_do_not_manage_the_enterprise_cannot_invite(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("portal:manage", args=[world.ent_a.pk])
    assert client.get(url).status_code in (403, 404)
    response = client.post(url, {"name": "王经理", "phone": "13612345678"})
    assert response.status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_a_liaison_cannot_manage_another_enterprises_accounts(client, world, people):
    invite(world)
    membership_b = people.b.enterprise_memberships.get()
    client.force_login(world.liaison)
    assert client.get(reverse("portal:manage", args=[world.ent_b.pk])).status_code == 404
    response = client.post(reverse("portal:membership_deactivate", args=[membership_b.pk]))
    assert response.status_code == 404
    membership_b.refresh_from_db()
    assert membership_b.is_active


def test_an_enterprise_user_cannot_see_or_revoke_invitations(client, world, people):
    invitation, _ = invite(world)
    for user in (people.a, people.b):
        client.force_login(user)
        assert client.get(reverse("portal:invitation", args=[invitation.pk])).status_code in (
            403,
            404,
        )
        response = client.post(reverse("portal:invitation_revoke", args=[invitation.pk]))
        assert response.status_code in (403, 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_administrator_of_the_region_manages_accounts(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("portal:manage", args=[world.ent_a.pk]), {"name": "赵会计", "phone": "13512345678"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().invited_by == world.admin


def test_bad_input_gets_a_chinese_message_and_changes_nothing(client, world):
    client.force_login(world.liaison)
    response = client.post(
        reverse("portal:manage", args=[world.ent_a.pk]), {"name": "王经理", "phone": "12345"}
    )
    assert response.status_code == 400
    assert "11 位手机号码" in response.content.decode()
    assert not Invitation.objects.exists()


def test_people_sign_in_by_phone_number_or_username(client, world, settings):
    settings.AXES_ENABLED = True
    user = world.enterprise_user
    user.phone = "13612345678"
    user.set_password(STRONG)
    user.save()
    login = reverse("accounts:login")
    assert client.post(login, {"username": "13612345678", "password": STRONG}).status_code == 302
    client.logout()
    assert client.post(login, {"username": user.username, "password": STRONG}).status_code == 302


def test_phone_login_failures_still_lock_out(client, world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = world.enterprise_user
    user.phone = "13612345678"
    user.set_password(STRONG)
    user.save()
    login = reverse("accounts:login")
    for _ in range(3):
        client.post(login, {"username": "13612345678", "password": "wrong-password"})
    response = client.post(login, {"username": "13612345678", "password": STRONG})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_phone_shared_by_two_accounts_signs_in_nobody(client, world, people, settings):
    settings.AXES_ENABLED = False
    for user in (people.a, people.b):
        user.phone = "13612345678"
        user.set_password(STRONG)
        user.save()
    response = client.post(
        reverse("accounts:login"), {"username": "13612345678", "password": STRONG}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_enterprise_page_offers_account_management_to_its_liaison_only(client, world):
    url = reverse("enterprises:detail", args=[world.ent_a.pk])
    client.force_login(world.liaison)
    page = client.get(url).content.decode()
    assert 'data-testid="manage-accounts"' in page and world.enterprise_user.display_name in page
    client.force_login(world.dispatcher)
    assert 'data-testid="manage-accounts"' not in client.get(url).content.decode()


def test_the_history_of_bindings_is_shown_to_the_manager(client, world):
    membership = world.enterprise_user.enterprise_memberships.get()
    membership_deactivate(actor=world.liaison, membership_id=membership.pk, reason="人员调岗")
    client.force_login(world.liaison)
    page = client.get(reverse("portal:manage", args=[world.ent_a.pk])).content.decode()
    history = page.split('data-testid="binding-history"')[1].split("</ul>")[0]
    assert "人员调岗" in history and str(world.liaison) in history
