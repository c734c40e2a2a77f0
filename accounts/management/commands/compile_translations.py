"""Compile every .po catalogue of the project into .mo, without needing GNU gettext installed.

The project's strings are written in Chinese, so the Chinese catalogue needs no translations of
them; it is compiled with each of them as its own translation all the same (the msgids of the
English catalogue, which lists them all). A string found in no catalogue makes gettext walk
every empty fallback catalogue the libraries bring (nine for zh-hans), on each of the few
hundred lookups a list page makes.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SOURCE_LANGUAGE = "zh_Hans"  # the language the msgids are written in


def add_source_strings(catalogue: polib.POFile, listings: list[Path]) -> None:
    """Add each Chinese msgid of the catalogues at `listings` (the project's and its apps'
    English ones) to `catalogue` as its own translation, unless `catalogue` has it already."""
    have = {(e.msgctxt, e.msgid) for e in catalogue}
    entries = [entry for listing in sorted(listings) for entry in polib.pofile(str(listing))]
    for entry in entries:
        if entry.obsolete or (entry.msgctxt, entry.msgid) in have or entry.msgid.isascii():
            continue  # an English msgid may have a library's Chinese: never shadow it
        have.add((entry.msgctxt, entry.msgid))
        if entry.msgid_plural:
            plural = {0: entry.msgid_plural}
            catalogue.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural=plural,
                )
            )
        else:
            catalogue.append(
                polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=entry.msgid)
            )


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
            catalogue = polib.pofile(str(po_path))
            if po_path.parts[-3] == SOURCE_LANGUAGE:
                english = [
                    p
                    for p in base.glob(f"**/locale/en/LC_MESSAGES/{po_path.name}")
                    if ".venv" not in p.parts
                ]
                add_source_strings(catalogue, english)
            catalogue.save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
