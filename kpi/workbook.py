"""The year-end check sheet as a workbook the city can file: one sheet for the KPIs,
one for the measures (個別取り組み), A4 landscape, 和暦 headers.

The KPI sheet has the public CSV's rows (``exports.sheet_table``), but every figure is
a number cell and its notes have a column of their own (注記), so that staff can sum and
chart. Column names are the sheet's own Japanese headers, like the CSV's.
"""

from typing import Any

from django.utils import translation

from core.exports import write_xlsx
from core.fiscal import wareki_fiscal_year_label

from .exports import sheet_table
from .models import KpiDefinition, MeasureCheck
from .review import check_rows


def _ja(choices, value: str) -> str:
    if not value:
        return ""
    with translation.override("ja"):
        return str(choices(value).label)


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
    # The KPI rows are the CSV's, with every figure a number and the notes in a column.
    header, *rows = sheet_table(data, notes_apart=True)
    return write_xlsx(
        header,
        rows,
        title=f"{label} KPI",
        landscape=True,
        extra_sheets=[
            (f"{label} 個別取り組み", MEASURE_HEADER, measure_table(data["fiscal_year"]))
        ],
    )
