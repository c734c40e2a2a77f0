"""Rebuild the cockpit's derived facts from the issue timeline."""

import json

from django.core.management.base import BaseCommand

from cockpit.facts import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the cockpit's facts from the IssueEvent timeline (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(rebuild_all()))
