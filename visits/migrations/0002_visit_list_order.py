"""The visit list's order as an index (PostgreSQL only): `visits.selectors.visits._newest_first`
sorts by the visit's local day (when it happened, else the day planned), then the time it
happened, then the id, newest first with empty values last. With this index a page of a long
list is the first rows of the index that the viewer may see, not a sort of every visible visit.

The expression is the ordering's own, compiled by Django here, so that PostgreSQL recognises
it: the local day is taken in the time zone current when the migration runs — the project's
TIME_ZONE, as in the requests, which activate no other. SQLite cannot index NULLS LAST; there
the list is sorted as before. The index is not in the model's Meta for the same reason (a table
rebuild on SQLite would try to create it).
"""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate

NEWEST_FIRST = models.Index(
    Coalesce(TruncDate("happened_at"), "planned_on").desc(nulls_last=True),
    F("happened_at").desc(nulls_last=True),
    F("id").desc(),
    name="visit_newest_first",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # CONCURRENTLY: the visits stay writable while it is built (hence atomic = False).
        schema_editor.add_index(apps.get_model("visits", "Visit"), NEWEST_FIRST, concurrently=True)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("visits", "Visit"), NEWEST_FIRST, concurrently=True
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
