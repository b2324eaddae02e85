"""The year-end check sheet as a workbook the city can file: one sheet for the KPIs,
one for the measures (個別取り組み), A4 landscape, 和暦 headers.

Unlike the public CSV (one text cell per value, "58(手入力)"), every figure here is
a number cell and its note has a column of its own, so that staff can sum and chart.
Column names are the sheet's own Japanese headers, like the CSV's.
"""

from typing import Any

from django.utils import translation

from core.exports import write_xlsx
from core.fiscal import wareki_fiscal_year_label

from .models import KpiDefinition, MeasureCheck, section_label
from .review import check_rows
from .sheets import CLOSED

STATUS_JA = {CLOSED: "確定", "provisional": "暫定"}
ORIGIN_JA = {"facts": "記録から集計", "manual": "手入力", "baseline": "基準値"}


def _ja(choices, value: str) -> str:
    if not value:
        return ""
    with translation.override("ja"):
        return str(choices(value).label)


def kpi_table(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    years = sorted({v["fiscal_year"] for row in data["rows"] for v in row["values"]})
    header = [
        "年度",
        "状態",
        "分野",
        "指標名",
        "単位",
        "基準値",
        "基準値の注記",
        "基準年度",
        "目標値",
        "目標値の注記",
        "目標年度",
        *[f"実績値({wareki_fiscal_year_label(y)})" for y in years],
        "当該年度の目標値",
        "達成率(%)",
        "達成状況",
        "評価",
        "要因分析",
        "今後の方向性",
        "担当課",
        "実績値の出所",
    ]
    rows = []
    for row in data["rows"]:
        by_year = {v["fiscal_year"]: v for v in row["values"]}
        origins = [
            f"{wareki_fiscal_year_label(y)}:{ORIGIN_JA[by_year[y]['origin']]}"
            for y in years
            if y in by_year and by_year[y]["origin"] in ORIGIN_JA
        ]
        passed = "" if row["passed"] is None else ("達成" if row["passed"] else "未達成")
        rows.append(
            [
                data["label"],
                STATUS_JA.get(data["status"], data["status"]),
                _ja(KpiDefinition.Area, row["area"]),
                row["name"],
                row["unit"],
                row["baseline"],
                row["baseline_note"],
                wareki_fiscal_year_label(row["baseline_year"]),
                row["target"],
                row["target_note"],
                wareki_fiscal_year_label(row["target_year"]),
                *[by_year[y]["value"] if y in by_year else None for y in years],
                row["year_target"],
                row["rate_percent"],
                passed,
                row["grade"],
                row["analysis"],
                row["outlook"],
                section_label(row["section"]),
                "、".join(origins),
            ]
        )
    return header, rows


MEASURE_HEADER = [
    "年度",
    "分野",
    "個別取り組み",
    "所管課",
    "関係課",
    "取組事項",
    "工程(当該年度)",
    "実施状況",
    "実施内容",
    "自己評価",
    "課題",
    "今後の方向性",
    "推進本部の判断",
    "推進本部の意見",
    "関連するKPI",
]


def measure_table(fiscal_year: int) -> list[list[Any]]:
    lines = []
    for row in check_rows(fiscal_year):
        measure, check = row["measure"], row["check"] or MeasureCheck()
        lines.append(
            [
                wareki_fiscal_year_label(fiscal_year),
                _ja(KpiDefinition.Area, measure.area),
                measure.name,
                measure.section_label,
                measure.related_sections_label,
                measure.actions,
                row["plan"],
                _ja(MeasureCheck.Progress, check.progress),
                check.done,
                _ja(MeasureCheck.Assessment, check.assessment),
                check.issues,
                check.direction,
                _ja(MeasureCheck.Decision, check.board_decision),
                check.board_comment,
                "、".join(k.name for k in measure.kpis.all()),
            ]
        )
    return lines


def check_sheet_workbook(data: dict[str, Any]) -> bytes:
    """The XLSX of a year's sheet (``sheets.sheet``) with its measures."""
    label = data["label"]
    header, rows = kpi_table(data)
    return write_xlsx(
        header,
        rows,
        title=f"{label} KPI",
        landscape=True,
        extra_sheets=[
            (f"{label} 個別取り組み", MEASURE_HEADER, measure_table(data["fiscal_year"]))
        ],
    )
