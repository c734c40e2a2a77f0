"""Load the demo data set. Idempotent: running it again changes nothing that is already there."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app that has demo data provides `<app>.demo.seed(log)`; they run in this order.
SEEDERS = [
    "accounts.demo",
    "workcalendar.demo",
    "enterprises.demo",
    "issues.demo",
    "visits.demo",
    "website.demo",
    "policies.demo",
    "campaigns.demo",
    "portal.demo",
    "api.demo",
    "cockpit.demo",
    # Last: runs the beat's notifying jobs once over everything the others made.
    "notifications.demo",
]


class Command(BaseCommand):
    help = "Load the Qinqing demo data (idempotent)."

    def handle(self, *args, **options):
        for dotted in SEEDERS:
            module = importlib.import_module(dotted)
            with transaction.atomic():
                module.seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
