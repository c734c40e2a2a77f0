"""Create the public site's skeleton, groups and moderation workflow (idempotent)."""

from django.core.management.base import BaseCommand

from website.setup import site_setup


class Command(BaseCommand):
    help = "Create the public site's home, policy library, sections, CMS groups and workflow."

    def handle(self, *args, **options):
        site = site_setup()
        self.stdout.write(self.style.SUCCESS(f"site ready at {site['home'].url_path}"))
