"""Load every year the chinesecalendar package knows into the working calendar (idempotent)."""

from django.core.management.base import BaseCommand

from accounts.services import system_user
from workcalendar.services import calendar_sync_from_package


class Command(BaseCommand):
    help = "Add the holiday arrangements of every year chinesecalendar knows (idempotent)."

    def handle(self, *args, **options):
        added = calendar_sync_from_package(actor=system_user())
        if added:
            self.stdout.write(f"working calendar: added {', '.join(map(str, added))}")
        else:
            self.stdout.write("working calendar: nothing to add")
