"""Which UI strings lack a translation (the translation completeness test, issue 16).

The source is written in Simplified Chinese and translated to English; a few strings come from
libraries in English and need a Chinese translation. This module finds the message ids the
project's own code marks for translation — Python and templates, extracted with GNU xgettext the
way `makemessages` does, without touching any catalogue — and compares them with the catalogues
`compile_translations` compiles (`locale/` and `<app>/locale/`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

# Same keywords as Django's makemessages.
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "node_modules",
    "var",
    "static",
    "media",
    "migrations",
    "tests",
    "bench",
    "locale",
    "test-artifacts",
    "__pycache__",
}
TEMPLATE_SUFFIXES = {".html", ".txt"}
# Han characters, and the CJK and full-width punctuation only Chinese text uses.
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, order=True)
class Message:
    context: str
    msgid: str
    where: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


def _project_files(base: Path) -> tuple[list[Path], list[Path]]:
    python, templates = [], []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if not path.is_file():
            continue
        if path.suffix == ".py":
            python.append(path)
        elif path.suffix in TEMPLATE_SUFFIXES and "templates" in rel.parts:
            templates.append(path)
    return python, templates


class XgettextMissing(RuntimeError):
    """GNU gettext is not installed (Debian: apt-get install gettext)."""


def _xgettext(files: list[Path], cwd: Path) -> list[polib.POEntry]:
    if not files:
        return []
    program = shutil.which("xgettext")
    if program is None:
        raise XgettextMissing("xgettext not found: install GNU gettext")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as lst:
        lst.write("\n".join(str(f) for f in files))
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            program,
            "--language=Python",
            "--from-code=UTF-8",
            "--no-wrap",
            "--output=-",
            f"--files-from={lst.name}",
            *XGETTEXT_KEYWORDS,
        ],
        cwd=cwd,
        capture_output=True,
        check=True,
    )
    Path(lst.name).unlink()
    text = result.stdout.decode("utf-8")
    return list(polib.pofile(text)) if text.strip() else []


def _add(found: dict, entry: polib.POEntry, where: str) -> None:
    context = entry.msgctxt or ""
    for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
        found.setdefault((context, msgid), Message(context, msgid, where))


def source_messages(base: Path | None = None) -> list[Message]:
    """Every (context, msgid) the project's Python files and templates mark for translation."""
    base = Path(base or settings.BASE_DIR)
    python, templates = _project_files(base)
    entries = _xgettext(python, base)
    with tempfile.TemporaryDirectory() as tmp:
        converted = []
        for i, path in enumerate(templates):
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            target = Path(tmp) / f"t{i}.py"
            target.write_text(code, encoding="utf-8")
            converted.append((target, path))
        names = {str(t.name): str(p.relative_to(base)) for t, p in converted}
        template_entries = _xgettext([t for t, _ in converted], Path(tmp))
    found: dict[tuple[str, str], Message] = {}
    for entry in entries:
        where = entry.occurrences[0][0] if entry.occurrences else ""
        _add(found, entry, Path(where).relative_to(base).as_posix() if where else "")
    for entry in template_entries:
        where = names.get(Path(entry.occurrences[0][0]).name, "") if entry.occurrences else ""
        _add(found, entry, where)
    return sorted(found.values())


def catalogue_paths(language_dir: str, base: Path | None = None) -> list[Path]:
    """The .po files `compile_translations` compiles for `language_dir` (e.g. "en", "zh_Hans")."""
    base = Path(base or settings.BASE_DIR)
    pattern = "LC_MESSAGES/*.po"
    paths = sorted((base / "locale" / language_dir).glob(pattern))
    for app_locale in sorted(base.glob(f"*/locale/{language_dir}")):
        if ".venv" not in app_locale.parts:
            paths.extend(sorted(app_locale.glob(pattern)))
    return paths


def translated_keys(language_dir: str, base: Path | None = None) -> set[tuple[str, str]]:
    """(context, msgid) pairs with a non-empty, non-fuzzy translation in the project catalogues."""
    keys: set[tuple[str, str]] = set()
    for path in catalogue_paths(language_dir, base):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgstr or any(entry.msgstr_plural.values()):
                keys.add((entry.msgctxt or "", entry.msgid))
    return keys


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def untranslated(language_dir: str, messages: list[Message], *, base=None) -> list[Message]:
    """Messages without a translation into `language_dir`. English needs every Chinese msgid;
    Chinese needs every msgid written in English (letters and no Chinese character)."""
    done = translated_keys(language_dir, base)
    if language_dir == "en":
        wanted = [m for m in messages if is_chinese(m.msgid)]
    else:
        wanted = [m for m in messages if not is_chinese(m.msgid) and LETTER.search(m.msgid)]
    return [m for m in wanted if m.key not in done]
