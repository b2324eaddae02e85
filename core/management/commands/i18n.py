"""Extract, check and compile translations in pure Python (Babel), without system gettext.

    manage.py i18n --update    add new msgids to every .po, drop gone ones
    manage.py i18n --check     fail if a msgid is missing, stale or untranslated in Japanese
    manage.py i18n --compile   write the .mo files Django reads (done by `make`)
    manage.py i18n --todo F    write the untranslated Japanese msgids to F (JSON) ...
    manage.py i18n --fill F    ... and, once msgstr is filled in, put them into the .po files

Each of our apps has its own catalogue (``<app>/locale``: Python files of the
app and ``templates/<app>/``); the root ``locale/`` holds the rest of
``templates/`` and ``config/``. Templates are turned into Python-like source by
Django's own ``templatize`` (what makemessages does) and read by Babel's Python
extractor, so msgids match what Django looks up at run time.
"""

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation.template import templatize

LANGUAGES = ["ja", "en"]
REQUIRED_TRANSLATION = "ja"  # msgids are English; Japanese must be complete
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


@dataclass
class Domain:
    """One catalogue: where it lives and which source files feed it."""

    locale_dir: Path
    sources: list[Path] = field(default_factory=list)

    def po_path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / "django.po"


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def domains() -> list[Domain]:
    base = Path(settings.BASE_DIR)
    templates = base / "templates"
    result = []
    for app in settings.TSUNAGU_APPS:
        sources = _python_files(base / app) + sorted((templates / app).rglob("*.html"))
        result.append(Domain(base / app / "locale", sources))
    shared_templates = [
        p
        for p in templates.rglob("*.html")
        if p.relative_to(templates).parts[0] not in settings.TSUNAGU_APPS
    ]
    result.append(
        Domain(base / "locale", _python_files(base / "config") + sorted(shared_templates))
    )
    return result


def extract_messages(domain: Domain) -> Catalog:
    """A template catalogue of every translatable string in the domain's sources."""
    template = Catalog(fuzzy=False)
    base = Path(settings.BASE_DIR)
    for path in domain.sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = templatize(text, origin=str(path))
        found = extract("python", io.BytesIO(text.encode("utf-8")), keywords=KEYWORDS)
        for lineno, message, _comments, context in found:
            template.add(
                message, locations=[(str(path.relative_to(base)), lineno)], context=context
            )
    return template


def _load(po_path: Path, language: str) -> Catalog:
    if po_path.exists():
        with po_path.open("rb") as handle:
            return read_po(handle, locale=language)
    return Catalog(locale=language, project="Tsunagu", fuzzy=False)


def _key(message) -> tuple:
    return (message.id if isinstance(message.id, str) else message.id[0], message.context)


def _is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return all(strings) and not message.fuzzy


class Command(BaseCommand):
    help = "Update, check or compile translation catalogues (pure Python)."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Add new msgids, drop gone ones.")
        parser.add_argument(
            "--check", action="store_true", help="Fail on missing or untranslated msgids."
        )
        parser.add_argument("--compile", action="store_true", help="Write .mo files.")
        parser.add_argument(
            "--todo", metavar="FILE", help="Write untranslated Japanese msgids as JSON."
        )
        parser.add_argument("--fill", metavar="FILE", help="Fill msgstrs from a --todo JSON file.")

    def handle(
        self, *args, update=False, check=False, compile=False, todo=None, fill=None, **options
    ):
        if todo:
            return self._write_todo(Path(todo))
        if fill:
            return self._fill(Path(fill))
        if not (update or check or compile):
            raise CommandError("Say --update, --check, --compile, --todo or --fill.")
        problems: list[str] = []
        for domain in domains():
            if update or check:
                template = extract_messages(domain)
            for language in LANGUAGES:
                po_path = domain.po_path(language)
                if update:
                    self._update(po_path, language, template)
                if check:
                    problems += self._check(po_path, language, template)
                if compile and po_path.exists():
                    self._compile(po_path, language)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} translation problem(s); run `manage.py i18n --update` and translate."
            )
        if check:
            self.stdout.write("Translations are current and complete.")

    def _update(self, po_path: Path, language: str, template: Catalog) -> None:
        catalog = _load(po_path, language)
        # Keep the header date: a catalogue whose messages did not change stays byte-identical.
        template.creation_date = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        po_path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=0, no_location=True, sort_output=True, omit_header=False)
        if not po_path.exists() or po_path.read_bytes() != buffer.getvalue():
            po_path.write_bytes(buffer.getvalue())
            self.stdout.write(f"updated {po_path.relative_to(settings.BASE_DIR)}")

    def _check(self, po_path: Path, language: str, template: Catalog) -> list[str]:
        rel = po_path.relative_to(settings.BASE_DIR)
        if not po_path.exists():
            return [f"{rel}: missing"] if len(template) else []
        catalog = _load(po_path, language)
        have = {_key(m) for m in catalog if m.id}
        want = {_key(m) for m in template if m.id}
        problems = [
            f"{rel}: not in catalogue: {msgid!r}" for msgid, _ctx in sorted(want - have, key=str)
        ]
        problems += [
            f"{rel}: no longer used: {msgid!r}" for msgid, _ctx in sorted(have - want, key=str)
        ]
        if language == REQUIRED_TRANSLATION:
            problems += [
                f"{rel}: untranslated: {_key(m)[0]!r}"
                for m in catalog
                if m.id and not _is_translated(m)
            ]
        return problems

    def _compile(self, po_path: Path, language: str) -> None:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != buffer.getvalue():
            mo_path.write_bytes(buffer.getvalue())

    def _write_todo(self, path: Path) -> None:
        entries = []
        for domain in domains():
            po_path = domain.po_path(REQUIRED_TRANSLATION)
            if not po_path.exists():
                continue
            for message in _load(po_path, REQUIRED_TRANSLATION):
                if message.id and not _is_translated(message):
                    entries.append(
                        {
                            "po": str(po_path.relative_to(settings.BASE_DIR)),
                            "context": message.context,
                            "msgid": message.id
                            if isinstance(message.id, str)
                            else list(message.id),
                            "msgstr": "",
                        }
                    )
        path.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"{len(entries)} untranslated message(s) written to {path}")

    def _fill(self, path: Path) -> None:
        entries = json.loads(path.read_text(encoding="utf-8"))
        by_po: dict[str, list[dict]] = {}
        for entry in entries:
            if entry.get("msgstr"):
                by_po.setdefault(entry["po"], []).append(entry)
        for po_name, todo in by_po.items():
            po_path = Path(settings.BASE_DIR) / po_name
            catalog = _load(po_path, REQUIRED_TRANSLATION)
            for entry in todo:
                msgid = entry["msgid"] if isinstance(entry["msgid"], str) else tuple(entry["msgid"])
                message = catalog.get(msgid, context=entry.get("context"))
                if message is None:
                    raise CommandError(f"{po_name}: no msgid {entry['msgid']!r}")
                # Japanese has one plural form: the same text serves every count.
                message.string = (entry["msgstr"],) if isinstance(msgid, tuple) else entry["msgstr"]
                message.flags.discard("fuzzy")
            buffer = io.BytesIO()
            write_po(
                buffer, catalog, width=0, no_location=True, sort_output=True, omit_header=False
            )
            po_path.write_bytes(buffer.getvalue())
            self.stdout.write(f"filled {len(todo)} message(s) in {po_name}")
