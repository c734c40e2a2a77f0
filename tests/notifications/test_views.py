"""The inbox, the badge and the preferences page (DESIGN §7): only one's own notifications."""

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification, NotificationPreference

pytestmark = pytest.mark.django_db
INBOX = reverse("notifications:inbox")
BADGE = reverse("notifications:badge")
READ_ALL = reverse("notifications:read_all")
PREFERENCES = reverse("notifications:preferences")


def _read(n):
    return reverse("notifications:read", args=[n.pk])


def _open(n):
    return reverse("notifications:open", args=[n.pk])


@pytest.fixture
def mine(world, make_notifications):
    return make_notifications(world.handler, 3, title="我的消息", link="/issues/7/")


@pytest.fixture
def theirs(world, make_notifications):
    return make_notifications(world.dispatcher, 2, title="别人的消息")


def test_anonymous_visitors_are_sent_to_login(client, mine):
    for url in (INBOX, BADGE, PREFERENCES):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    response = client.post(_read(mine[0]))
    assert response.status_code == 302
    assert Notification.objects.unread().count() == 3


def test_a_person_sees_only_their_own_notifications(client, world, mine, theirs):
    client.force_login(world.handler)
    body = client.get(INBOX).content.decode()
    assert body.count('data-testid="notification"') == 3
    assert "我的消息0" in body
    assert "别人的消息" not in body


def test_an_outsider_sees_an_empty_inbox(client, world, mine):
    client.force_login(world.outsider)
    body = client.get(INBOX).content.decode()
    assert "暂无消息" in body
    assert "我的消息" not in body


def test_the_inbox_costs_the_same_number_of_queries_for_many_notifications(
    client, world, make_notifications, django_assert_max_num_queries
):
    client.force_login(world.handler)
    make_notifications(world.handler, 2)
    with django_assert_max_num_queries(8) as few:
        client.get(INBOX)
    make_notifications(world.handler, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert response.context["page_obj"].paginator.count == 32


def test_the_inbox_filters_unread_and_by_kind(client, world, mine, make_notifications):
    make_notifications(world.handler, 1, kind=Kind.BULLETIN, title="周报")
    Notification.objects.filter(pk=mine[0].pk).update(read_at="2026-01-01T00:00:00Z")
    client.force_login(world.handler)
    unread = client.get(INBOX, {"unread": "true"}).context["page_obj"]
    assert {n.title for n in unread} == {"我的消息1", "我的消息2", "周报0"}
    bulletins = client.get(INBOX, {"kind": "bulletin"}).context["page_obj"]
    assert [n.title for n in bulletins] == ["周报0"]


def test_opening_a_notification_marks_it_read_and_goes_to_its_source(client, world, mine):
    client.force_login(world.handler)
    response = client.post(_open(mine[0]))
    assert response.status_code == 302
    assert response.url == "/issues/7/"
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None


def test_opening_is_post_only(client, world, mine):
    client.force_login(world.handler)
    assert client.get(_open(mine[0])).status_code == 405
    assert client.get(_read(mine[0])).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    assert Notification.objects.unread().count() == 3


def test_another_persons_notification_answers_404_and_nothing_changes(client, world, theirs):
    client.force_login(world.handler)
    for url in (_open(theirs[0]), _read(theirs[0])):
        assert client.post(url).status_code == 404
    assert Notification.objects.filter(recipient=world.dispatcher).unread().count() == 2


def test_marking_one_read_with_htmx_returns_the_item_and_refreshes_the_badge(client, world, mine):
    client.force_login(world.handler)
    response = client.post(_read(mine[1]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    body = response.content.decode()
    assert f'id="notification-{mine[1].pk}"' in body
    assert 'data-read="1"' in body
    assert Notification.objects.unread().count() == 2


def test_marking_one_read_without_javascript_redirects_to_the_inbox(client, world, mine):
    client.force_login(world.handler)
    response = client.post(_read(mine[1]))
    assert (response.status_code, response.url) == (302, INBOX)
    mine[1].refresh_from_db()
    assert mine[1].is_read


def test_reading_twice_keeps_the_first_read_time(client, world, mine):
    client.force_login(world.handler)
    client.post(_read(mine[0]))
    first = Notification.objects.get(pk=mine[0].pk).read_at
    client.post(_read(mine[0]))
    assert Notification.objects.get(pk=mine[0].pk).read_at == first


def test_mark_all_read_touches_only_ones_own(client, world, mine, theirs):
    client.force_login(world.handler)
    response = client.post(READ_ALL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "0 条未读" in response.content.decode()
    assert not Notification.objects.filter(recipient=world.handler).unread().exists()
    assert Notification.objects.filter(recipient=world.dispatcher).unread().count() == 2


def test_mark_all_read_without_javascript_says_how_many(client, world, mine):
    client.force_login(world.handler)
    response = client.post(READ_ALL, follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()


def test_the_badge_counts_unread_in_constant_queries(
    client, world, make_notifications, django_assert_max_num_queries
):
    client.force_login(world.handler)
    make_notifications(world.handler, 3)
    with django_assert_max_num_queries(3) as few:
        assert 'data-testid="unread-count">3<' in client.get(BADGE).content.decode()
    make_notifications(world.handler, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert ">99+<" in client.get(BADGE).content.decode()


def test_the_badge_is_empty_without_unread_notifications(client, world, theirs):
    client.force_login(world.handler)
    assert client.get(BADGE).content.decode().strip() == ""


def test_every_page_carries_the_bell_and_the_navigation_entry(client, world):
    client.force_login(world.outsider)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="nav-bell"' in body
    assert f'hx-get="{BADGE}"' in body
    assert f'href="{INBOX}"' in body


def test_preferences_show_the_defaults_and_save_the_choice(client, world):
    client.force_login(world.handler)
    form = client.get(PREFERENCES).context["form"]
    assert form["issue_dispatched__email"].value() is True
    assert form["issue_dispatched__sms"].value() is False
    response = client.post(PREFERENCES, {"issue_dispatched__sms": "on", "escalation__email": "on"})
    assert (response.status_code, response.url) == (302, PREFERENCES)
    saved = NotificationPreference.objects.get(user=world.handler, kind="issue_dispatched")
    assert (saved.email, saved.sms) == (False, True)
    assert NotificationPreference.objects.filter(user=world.handler).count() == len(Kind)
    assert not NotificationPreference.objects.exclude(user=world.handler).exists()


def test_preferences_are_saved_for_oneself_only(world):
    from notifications.services import preferences_save

    with pytest.raises(PermissionError):
        preferences_save(actor=world.outsider, user=world.handler, choices={"generic": {"sms"}})
    assert not NotificationPreference.objects.exists()
