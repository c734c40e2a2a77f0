"""Compile every .po catalogue of the project into .mo, without needing GNU gettext installed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo (pure Python; no msgfmt needed)."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in base.glob("*/locale/*/LC_MESSAGES/*.po"):
            if ".venv" in po_path.parts:
                continue
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        for po_path in base.glob("locale/*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
