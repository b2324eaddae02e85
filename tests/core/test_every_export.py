"""Every download the app offers, read back as Excel would read it (issue 14).

CSV for people starts with a BOM (Excel on Japanese Windows reads UTF-8 only with
it); open data keeps its national layout without one. XLSX cells hold numbers as
numbers, so no text cell looks like a number (「58(手入力)」, 「155.8」).
The list of exports is checked against the code, so a new export joins this test.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from core.fiscal import current_fiscal_year
from core.models import User

BOM = b"\xef\xbb\xbf"
# A figure with its note stuck to it (「58(手入力)」) or a decimal kept as text (「155.8」).
NUMBER_WITH_NOTE = re.compile(r"[-+]?\d[\d,]*(\.\d+)?\s*(\(.*\)|（.*）)")
DECIMAL_TEXT = re.compile(r"[-+]?\d[\d,]*\.\d+")
WHOLE_NUMBER_TEXT = re.compile(r"[-+]?\d[\d,]*")


def _pages():
    """(who, url name, args, query) of every page with a CSV/XLSX download."""
    from lending.models import Stocktake
    from outreach.models import ClassSession

    session = ClassSession.objects.filter(applications__isnull=False).first()
    stocktake = Stocktake.objects.first()
    fy = current_fiscal_year()
    return [
        ("seikatsu@example.jp", "lending:item_list", [], {}),
        ("seikatsu@example.jp", "lending:reservation_list", [], {}),
        ("seikatsu@example.jp", "lending:organisation_list", [], {}),
        ("seikatsu@example.jp", "lending:stocktake_report", [stocktake.pk], {}),
        ("somu@example.jp", "wifi:machine_list", [], {}),
        ("somu@example.jp", "wifi:usage_list", [], {}),
        ("somu@example.jp", "outreach:session_list", [], {"fiscal_year": fy - 1}),
        ("somu@example.jp", "outreach:volunteer_hours", [], {"fiscal_year": fy}),
        ("somu@example.jp", "volunteers:roster", [], {}),
        ("somu@example.jp", "core:account_list", [], {}),
        ("somu@example.jp", "core:audit_log", [], {}),
        ("seikatsu@example.jp", "core:audit_log", [], {}),
    ], session


@pytest.fixture
def demo(db, settings, mid_year_clock):
    """The demo data: every list has rows, with numbers, dates and notes in them (in the
    middle of a fiscal year: early in April this year's lists are still nearly empty)."""
    settings.DEBUG = True  # seed_demo refuses to run in production
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def _client(client, email):
    client.force_login(User.objects.get(email=email))
    return client


def _text_cells_that_are_numbers(content: bytes) -> list[str]:
    """Text that should have been a number. Digit-only text is allowed where the whole
    column is text (受付番号 and other identifiers keep their leading zeros), never in
    a column that also holds numbers."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for column in sheet.iter_cols(min_row=2, values_only=True):
            has_numbers = any(
                isinstance(v, int | float) and not isinstance(v, bool) for v in column
            )
            for value in column:
                if not isinstance(value, str):
                    continue
                assert not value.startswith("="), value
                text = value.strip()
                if (
                    NUMBER_WITH_NOTE.fullmatch(text)
                    or DECIMAL_TEXT.fullmatch(text)
                    or (has_numbers and WHOLE_NUMBER_TEXT.fullmatch(text))
                ):
                    found.append(f"{sheet.title}: {value!r}")
    return found


def _rows(content: bytes) -> int:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active.max_row


@pytest.mark.django_db
def test_every_staff_export_is_a_bom_csv_and_a_typed_xlsx(demo, client):
    pages, session = _pages()
    pages.append(("somu@example.jp", "outreach:applicants_export", [session.pk, "csv"], None))
    checked = 0
    for email, name, args, query in pages:
        staff = _client(client, email)
        if query is None:  # the format is part of the address
            csv_response = staff.get(reverse(name, args=args))
            xlsx_response = staff.get(reverse(name, args=[*args[:-1], "xlsx"]))
        else:
            url = reverse(name, args=args)
            csv_response = staff.get(url, {**query, "_export": "csv"})
            xlsx_response = staff.get(url, {**query, "_export": "xlsx"})
        assert csv_response.status_code == 200, name
        assert csv_response["Content-Type"].startswith("text/csv"), name
        assert csv_response.content.startswith(BOM), name
        assert b"\r\n" in csv_response.content, name
        assert xlsx_response.status_code == 200, name
        assert xlsx_response.content.startswith(b"PK"), name  # a real workbook
        assert _rows(xlsx_response.content) >= 2, f"{name}: no rows to check"
        assert _text_cells_that_are_numbers(xlsx_response.content) == [], name
        checked += 1
    assert checked == len(pages)


@pytest.mark.django_db
def test_kpi_sheet_xlsx_has_numbers_and_a_note_column(demo, client):
    from openpyxl import load_workbook

    from kpi.sheets import published_years

    year = published_years()[0]
    staff = _client(client, "somu@example.jp")
    response = staff.get(reverse("kpi:sheet_xlsx", args=[year]))
    assert response.status_code == 200
    assert _text_cells_that_are_numbers(response.content) == []
    header = [cell.value for cell in load_workbook(io.BytesIO(response.content)).active[1]]
    assert header[-1] == "注記"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["wifi:opendata_csv", "outreach:opendata_events", "core:opendata_facilities"]
)
def test_open_data_csv_keeps_the_national_layout_without_a_bom(demo, client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert not response.content.startswith(BOM)
    assert response.content.decode("utf-8").split("\r\n", 1)[0].startswith("都道府県コード又は")


# Modules that call the one writer, and the pages above that cover them. A new export
# fails this test until it is added to the list (and so checked for BOM and types).
COVERED = {
    "core/views/accounts.py",
    "core/views/audit.py",
    "core/opendata.py",
    "kpi/exports.py",
    "kpi/workbook.py",
    "lending/views/desk.py",
    "lending/views/stocktake.py",
    "lending/tables.py",  # its docstring: the tables export through TableExport
    "outreach/views/roster.py",
    "outreach/views/staff.py",
    "outreach/views/signups.py",
    "volunteers/views.py",
    "wifi/views.py",
}
WRITER_CALLS = re.compile(
    r"\b(export_response|table_export_response|write_csv|write_xlsx|TableExport)\b"
)


def test_every_module_that_exports_is_covered_here():
    base = Path(settings.BASE_DIR)
    users = set()
    for path in base.glob("*/**/*.py"):
        relative = path.relative_to(base).as_posix()
        if relative.startswith((".venv/", "tests/", "core/exports.py", "bench/")):
            continue
        if WRITER_CALLS.search(path.read_text()):
            users.add(relative)
    assert users == COVERED
    # Nothing writes CSV or a workbook by itself, past the one writer.
    for relative in users | {"core/imports.py"}:
        text = (base / relative).read_text()
        assert "openpyxl" not in text, relative


def test_the_check_catches_figures_written_as_text():
    from core.exports import write_xlsx

    bad = write_xlsx(["値", "番号"], [["58(手入力)", "00123"], ["155.8", "00124"], [3, "00125"]])
    assert _text_cells_that_are_numbers(bad) == ["Sheet1: '58(手入力)'", "Sheet1: '155.8'"]
    good = write_xlsx(["値", "注記"], [[58, "手入力"], [155.8, ""]])
    assert _text_cells_that_are_numbers(good) == []
