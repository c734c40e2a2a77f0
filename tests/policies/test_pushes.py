"""Tracked pushes: publishing queues one push per revision, each enterprise is told once, its
liaison once with the list of their enterprises; then read → delivered → applied / received."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from notifications.models import Kind, Notification
from policies.models import PolicyPush, PushTarget
from policies.services import (
    policy_push_publish,
    policy_pushes_missing,
    push_target_deliver,
    push_target_mark_read,
    push_target_record_outcome,
)
from tests.factories import EnterpriseMembershipFactory, UserFactory
from visits.models import Visit


def policy_notifications(**filters):
    return Notification.objects.filter(kind=Kind.POLICY_MATCH, **filters)


@pytest.fixture
def published(profiles, make_policy, django_capture_on_commit_callbacks):
    """A policy for the district (ent_a, ent_b) published the way the admin publishes it; the
    task queued on commit is run (eagerly) by the test."""

    def publish(**fields):
        with django_capture_on_commit_callbacks() as callbacks:
            policy = make_policy("增值税留抵退税", regions=[profiles.district], **fields)
        return policy, callbacks

    return publish


def test_publishing_queues_the_push_after_commit(published, monkeypatch):
    queued = []
    monkeypatch.setattr("policies.tasks.policy_push_task.delay", queued.append)
    policy, callbacks = published()
    assert PolicyPush.objects.count() == 0  # nothing before commit
    for callback in callbacks:
        callback()
    assert queued == [policy.live_revision_id]


def test_a_push_notifies_enterprise_users_and_each_liaison_once(published, profiles):
    second_user = UserFactory(username="ent_a_2")
    EnterpriseMembershipFactory(user=second_user, enterprise=profiles.ent_a)
    policy, _ = published()
    push = policy_push_publish(revision_id=policy.live_revision_id)

    assert push.matched == 2 and push.new_targets == 2
    targets = {t.enterprise_id: t for t in PushTarget.objects.filter(push=push)}
    assert set(targets) == {profiles.ent_a.pk, profiles.ent_b.pk}
    assert targets[profiles.ent_a.pk].liaison == profiles.liaison
    assert targets[profiles.ent_b.pk].liaison == profiles.deputy
    assert targets[profiles.ent_a.pk].reasons == "区域：江南区"
    # enterprise users: one each, leading to the read-recording link
    for user in (profiles.enterprise_user, second_user):
        (n,) = policy_notifications(recipient=user)
        assert n.link == f"/pushes/targets/{targets[profiles.ent_a.pk].pk}/open/"
        assert "增值税留抵退税" in n.title
    # liaisons: one each, naming their enterprises; the responsible leader is not told
    (n,) = policy_notifications(recipient=profiles.liaison)
    assert "城关机械有限公司" in n.body and "高新芯片有限公司" not in n.body
    assert n.link == "/pushes/deliver/"
    assert policy_notifications(recipient=profiles.deputy).count() == 1
    assert policy_notifications(recipient=profiles.resp_leader).count() == 0
    assert policy_notifications().count() == 4


def test_running_the_push_twice_notifies_once(published):
    policy, _ = published()
    first = policy_push_publish(revision_id=policy.live_revision_id)
    second = policy_push_publish(revision_id=policy.live_revision_id)
    assert first.pk == second.pk
    assert PolicyPush.objects.count() == 1
    assert PushTarget.objects.count() == 2
    assert policy_notifications().count() == 3


def test_republishing_does_not_notify_twice_but_reaches_newly_matched_enterprises(
    published, profiles
):
    policy, _ = published()
    policy_push_publish(revision_id=policy.live_revision_id)
    # widen the policy to the whole city: only ent_far is new
    policy.regions.set([profiles.city])
    revision = policy.save_revision()
    revision.publish()
    push = policy_push_publish(revision_id=revision.pk)
    assert push.matched == 3 and push.new_targets == 1
    assert PushTarget.objects.filter(policy=policy).count() == 3
    assert policy_notifications(recipient=profiles.enterprise_user).count() == 1
    assert policy_notifications(recipient=profiles.liaison).count() == 1


def test_unpublished_or_missing_revisions_push_nothing(published):
    policy, _ = published()
    policy.unpublish()
    assert policy_push_publish(revision_id=policy.latest_revision_id) is None
    assert policy_push_publish(revision_id=987654) is None
    assert PushTarget.objects.count() == 0


def test_the_sweep_finds_revisions_whose_task_never_ran(published):
    policy, _ = published()
    assert policy_pushes_missing() == [policy.live_revision_id]
    policy_push_publish(revision_id=policy.live_revision_id)
    assert policy_pushes_missing() == []


@pytest.mark.django_db(transaction=True)
def test_two_tasks_at_once_notify_once(world, make_policy):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are only exercised on PostgreSQL")
    policy = make_policy("稳岗返还")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(policy_push_publish(revision_id=policy.live_revision_id).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2 and results[0] == results[1]
    assert PolicyPush.objects.count() == 1
    assert PushTarget.objects.count() == 3
    # ent_a's user, ent_a's liaison, ent_b's liaison (deputy)
    assert Notification.objects.filter(kind=Kind.POLICY_MATCH).count() == 3


@pytest.fixture
def target(published, profiles):
    policy, _ = published(unit=profiles.line_unit)
    policy_push_publish(revision_id=policy.live_revision_id)
    return PushTarget.objects.get(enterprise=profiles.ent_a)


def test_only_the_enterprises_own_users_mark_it_read(target, profiles):
    push_target_mark_read(actor=profiles.liaison, target=target)
    target.refresh_from_db()
    assert target.read_at is None and target.status == "notified"
    push_target_mark_read(actor=profiles.enterprise_user, target=target)
    target.refresh_from_db()
    assert target.read_at is not None and target.status == "read"


def test_the_liaison_logs_a_policy_briefing_visit_and_the_push_is_delivered(target, profiles):
    visit = push_target_deliver(actor=profiles.liaison, target=target)
    target.refresh_from_db()
    assert visit.kind == Visit.Kind.POLICY_BRIEFING
    assert visit.status == Visit.Status.DONE
    assert visit.enterprise == profiles.ent_a
    assert visit.confidentiality == Visit.Confidentiality.SHAREABLE
    assert "增值税留抵退税" in visit.summary
    assert list(visit.officers.all()) == [profiles.liaison]
    assert target.visit == visit and target.delivered_at is not None
    assert target.status == "delivered"


def test_delivering_twice_is_refused_and_logs_no_second_visit(target, profiles):
    push_target_deliver(actor=profiles.liaison, target=target)
    with pytest.raises(ValidationError, match="已向该企业宣讲过"):
        push_target_deliver(actor=profiles.liaison, target=target)
    assert Visit.objects.count() == 1


def test_another_liaison_cannot_deliver(target, profiles):
    with pytest.raises(ValidationError, match="包保联络员"):
        push_target_deliver(actor=profiles.deputy, target=target)
    target.refresh_from_db()
    assert target.delivered_at is None
    assert Visit.objects.count() == 0


def test_a_late_read_does_not_move_the_status_back(target, profiles):
    push_target_deliver(actor=profiles.liaison, target=target)
    push_target_mark_read(actor=profiles.enterprise_user, target=target)
    target.refresh_from_db()
    assert target.status == "delivered" and target.read_at is not None


def test_the_unit_records_received_which_implies_applied(target, profiles):
    push_target_record_outcome(
        actor=profiles.handler, target=target, outcome="received", note="退税 12 万元"
    )
    target.refresh_from_db()
    assert target.status == "received"
    assert target.applied_at is not None and target.received_at is not None
    assert target.outcome_by == profiles.handler


def test_outcomes_are_refused_to_outsiders_and_bad_input(target, profiles):
    with pytest.raises(ValidationError):
        push_target_record_outcome(actor=profiles.street_handler, target=target, outcome="applied")
    with pytest.raises(ValidationError, match="无效"):
        push_target_record_outcome(actor=profiles.liaison, target=target, outcome="delivered")
    target.refresh_from_db()
    assert target.status == "notified" and target.applied_at is None


def test_an_expired_policy_is_not_pushed(profiles, make_policy):
    policy = make_policy(effective_from=date(2020, 1, 1), expires_on=date(2021, 1, 1))
    push = policy_push_publish(revision_id=policy.live_revision_id)
    assert push is not None and push.matched == 0
    assert PushTarget.objects.count() == 0
