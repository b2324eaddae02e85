"""The one writer for every CSV and XLSX that Tsunagu hands to people.

- Formulas are neutralised: a text cell that begins with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading apostrophe (OWASP CSV injection), so a
  group's event name ``=HYPERLINK(…)`` is text in Excel, never a live formula.
- Numbers stay numbers (int, Decimal, float) and dates stay dates in XLSX, so staff
  can sum and chart; notes belong in a column of their own.
- CSV for people starts with a BOM and uses CRLF, so Excel on Japanese Windows opens
  it without mojibake. Open-data CSV keeps the national layout (``core.opendata``)
  and goes through ``write_csv(..., bom=False)``.

django-tables2 exports use ``TableExport`` below (``ExportMixin.export_class``), so
lists exported from a table pass through the same rules.
"""

import contextlib
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django_tables2.export import TableExport as Tables2Export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def safe_text(value: str) -> str:
    """Text that no spreadsheet will run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell_value(value: Any) -> Any:
    """What a cell holds: numbers, dates and booleans as themselves, anything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return safe_text(str(value))


def write_csv(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV with CRLF, formulas neutralised; a BOM for Excel unless ``bom`` is False."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(cell_value(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_text(cell_value(value)) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def write_xlsx(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    landscape: bool = False,
    extra_sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]] = (),
) -> bytes:
    """An XLSX workbook: one sheet (plus ``extra_sheets`` as (title, header, rows))."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheets = [(title, header, rows), *extra_sheets]
    for index, (sheet_title, sheet_header, sheet_rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = _sheet_title(sheet_title)
        sheet.append([_xlsx_value(h) for h in sheet_header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet_rows:
            sheet.append([_xlsx_value(value) for value in row])
        for row in sheet.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        if landscape:
            sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.print_title_rows = "1:1"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """``cell_value`` without the control characters XLSX cannot hold (openpyxl raises on them:
    one pasted backspace in a name must not break the export), checked again for a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = cell_value(value)
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet_title(text: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(text))
    return cleaned[:31] or "Sheet1"


def export_response(
    filename_stem: str,
    export_format: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    landscape: bool = False,
) -> HttpResponse:
    """A CSV or XLSX download of ``rows`` under ``header``."""
    if export_format == "xlsx":
        content = write_xlsx(header, rows, title=title or filename_stem, landscape=landscape)
        content_type = XLSX_TYPE
    elif export_format == "csv":
        content = write_csv(header, rows)
        content_type = CSV_TYPE
    else:
        raise ValueError(f"Unknown export format {export_format!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}.{export_format}"'
    return response


class TableExport(Tables2Export):
    """django-tables2's export through our writer (``ExportMixin.export_class = TableExport``).

    Column values come from ``Column.value()`` / ``value_<name>()``: give numbers as
    numbers there, not formatted text.
    """

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        rows = list(table.as_values(exclude_columns=exclude_columns))
        _retype_dates(table, exclude_columns or (), rows)
        self._title = str((dataset_kwargs or {}).get("title", "") or _model_title(table))
        return rows

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in FORMATS

    def export(self) -> bytes:
        header, *rows = self.dataset or [[]]
        if self.format == "xlsx":
            return write_xlsx(header, rows, title=self._title)
        return write_csv(header, rows)


def _retype_dates(table, exclude_columns, rows: list[list[Any]]) -> None:
    """Date columns come out of ``as_values`` as ISO text: make them dates again for XLSX."""
    from django_tables2.columns import DateColumn, DateTimeColumn

    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]
    parsers = {
        index: datetime.fromisoformat
        if isinstance(c.column, DateTimeColumn)
        else date.fromisoformat
        for index, c in enumerate(columns)
        if isinstance(c.column, DateColumn | DateTimeColumn)
    }
    for row in rows[1:]:
        for index, parse in parsers.items():
            if isinstance(row[index], str) and row[index]:
                with contextlib.suppress(ValueError):
                    row[index] = parse(row[index])


def _model_title(table) -> str:
    """The sheet's name when the view gives none: the model's plural name, as tables2 does."""
    try:
        return str(table.Meta.model._meta.verbose_name_plural)
    except AttributeError:
        return "Sheet1"


def table_export_response(table, export_format: str, filename_stem: str) -> HttpResponse:
    """A table's rows as CSV or XLSX (the ``?_export=`` of a list page)."""
    return TableExport(export_format, table).response(f"{filename_stem}.{export_format}")
