"""Push pages: who sees what (outsiders get 404 and change nothing), one-tap delivery from the
to-do, the enterprise's read link, the coverage report and its export, query counts."""

import pytest
from django.urls import reverse

from policies.models import PushTarget
from policies.services import policy_push_publish
from visits.models import Visit


@pytest.fixture
def pushed(profiles, make_policy):
    policy = make_policy("增值税留抵退税", unit=profiles.line_unit)  # all three enterprises
    policy_push_publish(revision_id=policy.live_revision_id)
    targets = {t.enterprise_id: t for t in PushTarget.objects.all()}
    return policy, targets


def test_the_enterprise_user_opens_the_policy_and_the_push_is_read(client, pushed, profiles):
    policy, targets = pushed
    target = targets[profiles.ent_a.pk]
    client.force_login(profiles.enterprise_user)
    response = client.get(reverse("policies:open", args=[target.pk]))
    assert response.status_code == 302 and response.url == policy.url
    target.refresh_from_db()
    assert target.status == "read"


def test_an_enterprise_user_never_sees_another_enterprises_push(client, pushed, profiles):
    _, targets = pushed
    other = targets[profiles.ent_b.pk]
    client.force_login(profiles.enterprise_user)
    for name in ("policies:open", "policies:target"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("policies:deliver", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_liaison_sees_only_their_own_enterprises_pushes(client, pushed, profiles):
    _, targets = pushed
    client.force_login(profiles.liaison)
    assert (
        client.get(reverse("policies:target", args=[targets[profiles.ent_b.pk].pk])).status_code
        == 404
    )
    html = client.get(reverse("policies:targets")).content.decode()
    assert "城关机械有限公司" in html and "高新芯片有限公司" not in html
    html = client.get(reverse("policies:to_deliver")).content.decode()
    assert "城关机械有限公司" in html and "高新芯片有限公司" not in html


@pytest.mark.parametrize(
    "name", ["policies:coverage", "policies:coverage_export", "policies:targets"]
)
def test_outsiders_and_enterprise_users_get_404_on_the_reports(client, pushed, profiles, name):
    for person in (profiles.outsider, profiles.enterprise_user):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, pushed):
    _, targets = pushed
    target = next(iter(targets.values()))
    for url in (reverse("policies:coverage"), reverse("policies:open", args=[target.pk])):
        assert client.get(url).status_code == 302
    assert client.post(reverse("policies:deliver", args=[target.pk])).status_code == 302
    assert Visit.objects.count() == 0


def test_one_tap_from_the_todo_logs_the_visit_and_moves_coverage(client, pushed, profiles):
    _, targets = pushed
    client.force_login(profiles.liaison)
    todo = client.get(reverse("issues:todo")).content.decode()
    assert "待宣讲政策" in todo and "增值税留抵退税" in todo
    coverage = client.get(reverse("policies:coverage")).content.decode()
    assert 'data-testid="total-rate">0.0%' in coverage
    target = targets[profiles.ent_a.pk]
    response = client.post(reverse("policies:deliver", args=[target.pk]), {"next": "todo"})
    assert response.status_code == 302 and response.url == reverse("issues:todo")
    assert Visit.objects.get().kind == Visit.Kind.POLICY_BRIEFING
    coverage = client.get(reverse("policies:coverage")).content.decode()
    assert 'data-testid="total-rate">100.0%' in coverage  # the liaison sees their one enterprise


def test_the_dispatcher_sees_the_district_rate(client, pushed, profiles):
    _, targets = pushed
    from policies.services import push_target_deliver

    push_target_deliver(actor=profiles.liaison, target=targets[profiles.ent_a.pk])
    client.force_login(profiles.dispatcher)
    html = client.get(reverse("policies:coverage")).content.decode()
    assert 'data-testid="total-rate">50.0%' in html  # ent_a of ent_a, ent_b (江北 is not theirs)
    response = client.get(reverse("policies:coverage_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_unit_records_an_outcome_and_a_stranger_cannot(client, pushed, profiles):
    _, targets = pushed
    target = targets[profiles.ent_a.pk]
    client.force_login(profiles.street_handler)
    assert (
        client.post(
            reverse("policies:outcome", args=[target.pk]), {"outcome": "applied"}
        ).status_code
        == 404
    )
    client.force_login(profiles.handler)
    client.post(reverse("policies:outcome", args=[target.pk]), {"outcome": "applied"})
    target.refresh_from_db()
    assert target.status == "applied"


def test_a_crafted_outcome_changes_nothing(client, pushed, profiles):
    _, targets = pushed
    target = targets[profiles.ent_a.pk]
    client.force_login(profiles.liaison)
    client.post(reverse("policies:outcome", args=[target.pk]), {"outcome": "delivered"})
    target.refresh_from_db()
    assert target.status == "notified"


def test_the_enterprise_page_shows_its_matched_policies_with_reasons(client, pushed, profiles):
    client.force_login(profiles.liaison)
    html = client.get(reverse("enterprises:detail", args=[profiles.ent_a.pk])).content.decode()
    assert "匹配政策" in html and "增值税留抵退税" in html and "普惠政策" in html


def test_lists_run_a_constant_number_of_queries(
    client, pushed, profiles, make_policy, django_assert_max_num_queries
):
    for i in range(4):
        policy = make_policy(f"政策{i}")
        policy_push_publish(revision_id=policy.live_revision_id)
    client.force_login(profiles.dispatcher)
    for name in ("policies:coverage", "policies:targets"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    client.force_login(profiles.liaison)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("policies:to_deliver")).status_code == 200
