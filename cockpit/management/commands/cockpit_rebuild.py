"""Rebuild the cockpit's derived facts from the issue timeline, and its rollup from the facts."""

import json

from django.core.management.base import BaseCommand

from cockpit.facts import rebuild_all


class Command(BaseCommand):
    help = "Rebuild the cockpit's facts from the IssueEvent timeline and its rollup (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(rebuild_all()))
