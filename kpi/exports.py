"""CSV, JSON and XLSX of a fiscal year's sheet.

``/kpi/<fy>.csv``, ``/kpi/<fy>.json`` and ``manage.py kpi_report`` all call
``sheet_export``, so they give the same bytes. Exports are data files in
Japanese (like the city's open data), whatever language the visitor reads in.

Every cell goes through the one writer (``core.exports``): text that looks like a
formula is neutralised, numbers stay numbers. The public CSV is published data
like the files under ``/opendata/`` (README, "open data"): UTF-8 without BOM, so
that scripts read it as they read the others; the staff XLSX is the file for Excel.
"""

import json
from typing import Any

from django.utils import translation

from core.exports import write_csv
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
HEADER_AFTER_YEARS = [
    "当該年度の目標値",
    "達成率(%)",
    "評価",
    "要因分析",
    "今後の方向性",
    "担当課",
    # How to read the figure; added at the end so that earlier columns keep their place.
    "集計方法",
    "注意事項",
    "実人数(当該年度)",
]
NOTES_HEADER = "注記"
STATUS_JA = {CLOSED: "確定", "provisional": "暫定"}
ORIGIN_JA = {"manual": "手入力", "baseline": "基準値"}


def _with_note(value: Any, note: str) -> Any:
    """A number, or the number and its note as text ("135(10月末)") when it has one."""
    if not note:
        return value
    return f"{'' if value is None else value}({note})"


def _origin_ja(value: dict[str, Any]) -> str:
    """手入力 / 基準値, or for a cumulative total its parts (記録101+手入力116), never
    「217 手入力」 for a total that is mostly records."""
    if value["origin"] == "mixed":
        return f"記録{value['recorded']}+手入力{value['typed_in']}"
    return ORIGIN_JA.get(value["origin"], "")


def _area_ja(area: str) -> str:
    with translation.override("ja"):
        return str(KpiDefinition.Area(area).label)


def sheet_table(data: dict[str, Any], *, notes_apart: bool = False) -> list[list[Any]]:
    """The sheet as rows of cells (header first).

    The public CSV writes a note beside its number, as the printed sheet does
    (「135(10月末)」). With ``notes_apart`` (the staff XLSX) every figure is a bare number
    Excel can sum and chart, and the notes go to a last column 「注記」
    (「基準値: 10月末; 実績値(令和7年度): 手入力」).
    """
    years = sorted({v["fiscal_year"] for row in data["rows"] for v in row["values"]})
    year_headers = [f"実績値({wareki_fiscal_year_label(y)})" for y in years]
    header = HEADER_BEFORE_YEARS + year_headers + HEADER_AFTER_YEARS
    if notes_apart:
        header = [*header, NOTES_HEADER]
    lines: list[list[Any]] = [header]
    for row in data["rows"]:
        by_year = {v["fiscal_year"]: v for v in row["values"]}
        notes: list[str] | None = [] if notes_apart else None

        def cell(value: Any, note: str, heading: str, notes: list[str] | None = notes) -> Any:
            if notes is None:
                return _with_note(value, note)
            if note:
                notes.append(f"{heading}: {note}")
            return value

        baseline = cell(row["baseline"], row["baseline_note"], "基準値")
        target = cell(row["target"], row["target_note"], "目標値")
        year_cells = []
        for year, heading in zip(years, year_headers, strict=True):
            value = by_year.get(year)
            if value is None or value["value"] is None:
                year_cells.append(None)
            else:
                year_cells.append(cell(value["value"], _origin_ja(value), heading))
        if row["passed"] is not None:
            rate = "達成" if row["passed"] else "未達成"
        else:
            rate = row["rate_percent"]
        line = [
            data["label"],
            STATUS_JA.get(data["status"], data["status"]),
            _area_ja(row["area"]),
            row["name"],
            row["unit"],
            baseline,
            wareki_fiscal_year_label(row["baseline_year"]),
            target,
            wareki_fiscal_year_label(row["target_year"]),
            *year_cells,
            row["year_target"],
            rate,
            row["grade"],
            row["analysis"],
            row["outlook"],
            section_label(row["section"]),
            row.get("counting_rule", ""),
            "\n".join(row.get("caveats", [])),
            row.get("people"),
        ]
        if notes is not None:
            line.append("; ".join(notes))
        lines.append(line)
    return lines


def sheet_export(fiscal_year: int, fmt: str) -> bytes | None:
    """The sheet of ``fiscal_year`` as CSV or JSON bytes; None when there is no sheet."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override("ja"):
        data = sheet(fiscal_year)
        if data is None:
            return None
        if fmt == "json":
            return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        header, *rows = sheet_table(data)
        return write_csv(header, rows, bom=False)
