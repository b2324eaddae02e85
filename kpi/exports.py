"""CSV, JSON and XLSX of a fiscal year's sheet.

``/kpi/<fy>.csv``, ``/kpi/<fy>.json`` and ``manage.py kpi_report`` all call
``sheet_export``, so they give the same bytes. Exports are data files in
Japanese (like the city's open data), whatever language the visitor reads in.
"""

import csv
import io
import json
from typing import Any

from django.utils import translation

from core.fiscal import wareki_fiscal_year_label

from .models import KpiDefinition, section_label
from .sheets import CLOSED, sheet

FORMATS = ("csv", "json")

# Column names of the check sheet as Japanese municipalities print it (REFERENCE.md).
# They are part of the file format, like open-data headers, so they are not translated.
HEADER_BEFORE_YEARS = [
    "年度",
    "状態",
    "分野",
    "指標名",
    "単位",
    "基準値",
    "基準年度",
    "目標値",
    "目標年度",
]
HEADER_AFTER_YEARS = ["当該年度の目標値", "達成率(%)", "評価", "要因分析", "今後の方向性", "担当課"]
STATUS_JA = {CLOSED: "確定", "provisional": "暫定"}
ORIGIN_JA = {"manual": "手入力", "baseline": "基準値"}


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _text(value: str) -> str:
    """Free text as a spreadsheet shows it, never as a formula (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _area_ja(area: str) -> str:
    with translation.override("ja"):
        return str(KpiDefinition.Area(area).label)


def table(data: dict[str, Any]) -> list[list[str]]:
    """The sheet as rows of cells (header first): shared by CSV and XLSX."""
    years = sorted({v["fiscal_year"] for row in data["rows"] for v in row["values"]})
    header = (
        HEADER_BEFORE_YEARS
        + [f"実績値({wareki_fiscal_year_label(y)})" for y in years]
        + HEADER_AFTER_YEARS
    )
    lines = [header]
    for row in data["rows"]:
        by_year = {v["fiscal_year"]: v for v in row["values"]}
        year_cells = []
        for year in years:
            value = by_year.get(year)
            if value is None or value["value"] is None:
                year_cells.append("")
            elif value["origin"] in ORIGIN_JA:
                year_cells.append(f"{value['value']}({ORIGIN_JA[value['origin']]})")
            else:
                year_cells.append(_cell(value["value"]))
        if row["passed"] is not None:
            rate = "達成" if row["passed"] else "未達成"
        else:
            rate = _cell(row["rate_percent"])
        lines.append(
            [
                data["label"],
                STATUS_JA.get(data["status"], data["status"]),
                _area_ja(row["area"]),
                _text(row["name"]),
                _text(row["unit"]),
                _cell(row["baseline"])
                + (f"({row['baseline_note']})" if row["baseline_note"] else ""),
                wareki_fiscal_year_label(row["baseline_year"]),
                _cell(row["target"]) + (f"({row['target_note']})" if row["target_note"] else ""),
                wareki_fiscal_year_label(row["target_year"]),
                *year_cells,
                _cell(row["year_target"]),
                rate,
                row["grade"],
                _text(row["analysis"]),
                _text(row["outlook"]),
                section_label(row["section"]),
            ]
        )
    return lines


def to_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(table(data))
    return out.getvalue()


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sheet_export(fiscal_year: int, fmt: str) -> str | None:
    """The sheet of ``fiscal_year`` as CSV or JSON text; None when there is no sheet."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override("ja"):
        data = sheet(fiscal_year)
        if data is None:
            return None
        return to_csv(data) if fmt == "csv" else to_json(data)


def to_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    ws = book.active
    ws.title = data["label"]
    with translation.override("ja"):
        for line in table(data):
            ws.append(line)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "D2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
