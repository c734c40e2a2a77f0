"""The timeline is append-only in the database, not only in Python (DESIGN §8): every way in to
change or remove an issue event is refused, and the row stays as it was. Run on SQLite (the
default) and on PostgreSQL (DATABASE_URL=postgres://…)."""

import pytest
from django.db import DatabaseError, connection, transaction

from issues.models import IssueEvent
from issues.models.records import ImmutableEventError

pytestmark = pytest.mark.django_db

TABLE = IssueEvent._meta.db_table


@pytest.fixture
def event(make_issue):
    issue = make_issue("dispatched")
    return IssueEvent.objects.filter(issue=issue, kind="dispatch").get()


def unchanged(event) -> bool:
    row = IssueEvent.objects.filter(pk=event.pk).values("kind", "data", "actor_id").get()
    return row == {"kind": event.kind, "data": event.data, "actor_id": event.actor_id}


def refused_by_the_database(do) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        do()
    assert "append-only" in str(caught.value)
    return str(caught.value)


def test_saving_an_event_with_the_id_of_an_existing_one_is_refused(event):
    forged = IssueEvent(
        pk=event.pk,
        issue_id=event.issue_id,
        kind="resolve",
        actor_id=event.actor_id,
        data={"reply": "伪造的办结"},
    )
    with pytest.raises(ImmutableEventError):
        forged.save()
    assert unchanged(event)


def test_saving_a_loaded_event_again_is_refused(event):
    event.data = {"note": "改写"}
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    event.refresh_from_db()
    assert event.data != {"note": "改写"}


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(ImmutableEventError):
        IssueEvent.objects.filter(pk=event.pk).update(kind="resolve")
    with pytest.raises(ImmutableEventError):
        IssueEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ImmutableEventError):
        IssueEvent.objects.bulk_update([event], ["kind"])
    assert unchanged(event)


def test_the_base_manager_meets_the_database_trigger(event):
    manager = IssueEvent._base_manager
    refused_by_the_database(lambda: manager.filter(pk=event.pk).update(kind="resolve"))
    refused_by_the_database(lambda: manager.filter(pk=event.pk)._raw_delete(connection.alias))
    assert unchanged(event)


def test_raw_sql_update_and_delete_are_refused_by_the_database(event):
    def run(sql):
        def go():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])

        return go

    update_sql = f"UPDATE {TABLE} SET kind = 'resolve' WHERE id = %s"  # noqa: S608 - model meta
    delete_sql = f"DELETE FROM {TABLE} WHERE id = %s"  # noqa: S608 - model meta
    update = refused_by_the_database(run(update_sql))
    delete = refused_by_the_database(run(delete_sql))
    assert "UPDATE" in update and "DELETE" in delete
    assert unchanged(event)


def test_new_events_are_still_written(event, world):
    IssueEvent.objects.create(issue_id=event.issue_id, kind="comment", actor=world.handler)
    IssueEvent.objects.bulk_create(
        [IssueEvent(issue_id=event.issue_id, kind="warning", actor=world.handler)]
    )
    assert IssueEvent.objects.filter(issue_id=event.issue_id).count() >= 4


def test_the_triggers_are_installed_by_a_migration():
    with connection.cursor() as cursor:
        names = {t.name for t in connection.introspection.get_table_list(cursor) if t.name == TABLE}
        assert names == {TABLE}
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers in (
        {f"{TABLE}_append_only"},
        {f"{TABLE}_no_update", f"{TABLE}_no_delete"},
    )
