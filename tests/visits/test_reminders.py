"""Daily visit reminders: planned visits due tomorrow and overdue coverage, once a day."""

from datetime import timedelta

from django.utils import timezone

from notifications.models import Notification
from tests.visits.conftest import make_visit
from visits.models import Visit, VisitReminder
from visits.reminders import visit_reminders_send
from visits.tasks import visit_reminders_task


def _inbox(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_officers_hear_about_tomorrows_visits_once_a_day(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    make_visit(
        world.ent_a,
        world.liaison,
        status=Visit.Status.PLANNED,
        planned_on=tomorrow,
        others=[world.resp_leader],
    )
    make_visit(
        world.ent_a,
        world.liaison,
        status=Visit.Status.PLANNED,
        planned_on=tomorrow + timedelta(days=1),
    )
    visit_reminders_send()
    visit_reminders_send()
    [note] = _inbox(world.liaison, "visit_planned")
    assert "1 项走访计划" in note.title
    assert world.ent_a.name in note.body
    assert len(_inbox(world.resp_leader, "visit_planned")) == 1
    assert _inbox(world.deputy, "visit_planned") == []


def test_liaisons_hear_about_their_overdue_enterprises_once_a_day(world):
    # ent_a was visited yesterday: not due. ent_b (deputy) was never visited: due today.
    make_visit(world.ent_a, world.liaison, happened_at=timezone.now() - timedelta(days=1))
    counts = visit_reminders_send()
    again = visit_reminders_send()
    assert (counts.overdue, again.overdue) == (1, 0)
    [note] = _inbox(world.deputy, "coverage_overdue")
    assert "1 家企业" in note.title
    assert note.link == "/visits/coverage/mine/"
    assert _inbox(world.liaison, "coverage_overdue") == []
    assert VisitReminder.objects.filter(person=world.deputy, kind="overdue").count() == 1


def test_the_beat_task_runs_the_sweep(world):
    result = visit_reminders_task.apply().get()
    assert result == {"due_tomorrow": 0, "overdue": 2}  # ent_a (liaison) and ent_b (deputy)


def test_the_task_is_on_the_beat_schedule():
    from crm.celery import app

    entries = {e["task"] for e in app.conf.beat_schedule.values()}
    assert "visits.tasks.visit_reminders_task" in entries
