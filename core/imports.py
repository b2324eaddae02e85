"""The one CSV importer: every row is checked first, then all rows are saved or none.

Files come from Excel as often as not, so UTF-8 (with or without BOM) and
Shift_JIS (cp932) are both read, any line ending is accepted, and the headings
are the Japanese ones staff already use. A problem is reported per line and
column in plain Japanese, like a spreadsheet shows it (the heading is line 1);
nothing is written unless every line is right.

An app describes one kind of file with a ``CsvImport``: its columns, how to turn
one line into an unsaved object (raise ``ValidationError`` with a dict by field,
or a ``Refusal`` with a field, for a wrong cell) and how to save the checked
objects (inside the transaction this module owns).
"""

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.refusals import Refusal

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    heading: str  # the CSV heading, in Japanese like the city's own sheets
    field: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class RowError:
    line: int  # as a spreadsheet shows it: the heading is line 1; 0 is the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("Line %(line)s, %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class ImportResult:
    rows: int = 0
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CsvImport:
    """One kind of file. ``build(values, context)`` → an unsaved object; ``save(objects, by)``
    → how many were written. ``prepare()`` makes the context shared by the lines of a file
    (lookups done once); ``key`` names the field that must be unique within the file, or is
    a function of the line's values giving what must be unique as people read it
    ("WV-001 2025-04" for a machine's month), None when the line has no key yet."""

    columns: Sequence[Column]
    build: Callable[[dict[str, str], Any], Any]
    save: Callable[[list[Any], Any], int]
    prepare: Callable[[], Any] = lambda: None
    key: str | Callable[[dict[str, str]], str | None] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS

    def template_csv(self) -> str:
        """The headings and one example line, with a BOM so that Excel reads it right."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.heading for c in self.columns])
        writer.writerow([c.example for c in self.columns])
        return "\ufeff" + out.getvalue()


def decode_upload(data: bytes) -> str | None:
    """The text of an uploaded CSV: UTF-8 (with or without BOM), else Shift_JIS; None if neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_rows(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[list[str]]:
    """The lines of an uploaded CSV as lists of cells; ``Refusal`` for a file that cannot be read."""
    if len(data) > max_bytes:
        raise Refusal(
            _("The file is too large (%(size)s MB at most).") % {"size": max_bytes // 2**20 or 1}
        )
    text = decode_upload(data)
    if text is None:
        raise Refusal(_("The file could not be read. Save it as CSV (UTF-8) and try again."))
    # newline=None reads \r\n, \n and a lone \r (old Mac Excel) alike.
    reader = csv.reader(io.StringIO(text, newline=None))
    rows = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error:
        # A cell over the csv module's size limit or a broken quote: name the line, save nothing.
        raise Refusal(
            _("Line %(line)s could not be read (a cell is too long or a quote is not closed).")
            % {"line": reader.line_num}
        ) from None
    return rows


def run_import(spec: CsvImport, *, data: bytes, by, dry_run: bool = False) -> ImportResult:
    """Check every line of ``data``; if all are right (and not ``dry_run``) save them all."""
    result = ImportResult(dry_run=dry_run)
    try:
        rows = read_rows(data, max_bytes=spec.max_bytes)
    except Refusal as refusal:
        result.errors.append(RowError(0, "", refusal.message))
        return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return result
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    by_heading = {c.heading: c for c in spec.columns}
    missing = [c.heading for c in spec.columns if c.required and c.heading not in header]
    unknown = [h for h in header if h and h not in by_heading]
    if missing:
        result.errors.append(
            RowError(1, "", _("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
        )
    if unknown:
        result.errors.append(
            RowError(1, "", _("Unknown columns: %(columns)s") % {"columns": "、".join(unknown)})
        )
    if result.errors:
        return result

    context = spec.prepare()
    heading_of = {c.field: c.heading for c in spec.columns}
    seen: dict[str, int] = {}
    objects = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines that spreadsheets leave at the end
        result.rows += 1
        if result.rows > spec.max_rows:
            result.errors.append(
                RowError(line, "", _("Too many lines (%(max)s at most).") % {"max": spec.max_rows})
            )
            break
        if len(row) > len(header):
            result.errors.append(RowError(line, "", _("This line has more cells than headings.")))
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        values = {c.field: cells.get(c.heading, "") for c in spec.columns}
        problems: dict[str, str] = {}
        for column in spec.columns:
            if column.required and not values[column.field]:
                problems[column.field] = _("This column must not be empty.")
        if callable(spec.key):
            identity = spec.key(values)
            first = seen.setdefault(identity, line) if identity else line
            if first != line:
                problems.setdefault(
                    "",
                    _("%(record)s is on line %(line)s too.") % {"record": identity, "line": first},
                )
        elif spec.key and values.get(spec.key):
            first = seen.setdefault(values[spec.key], line)
            if first != line:
                problems.setdefault(
                    spec.key, _("The same value is on line %(line)s too.") % {"line": first}
                )
        built = None
        try:
            built = spec.build(values, context)
        except ValidationError as exc:
            for name, messages in _messages_by_field(exc).items():
                problems.setdefault(name, messages[0])
        except Refusal as refusal:
            for name, messages in refusal.errors.items():
                problems.setdefault(name or "", messages[0])
        for name, message in problems.items():
            result.errors.append(RowError(line, heading_of.get(name, ""), message))
        if built is not None and not problems:
            objects.append(built)

    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            result.saved = spec.save(objects, by)
    except IntegrityError:
        # Someone saved the same record between the check and the write.
        result.saved = 0
        result.errors.append(
            RowError(
                0,
                "",
                _(
                    "Another change was saved at the same time. Nothing was imported; please try again."
                ),
            )
        )
    return result


def _messages_by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errs).messages]
            for name, errs in error.error_dict.items()
        }
    return {"": [str(m) for m in error.messages]}
