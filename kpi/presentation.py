"""Labels for showing a sheet in the visitor's language (the data itself stays language-neutral)."""

import copy
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from core.figures import Column, Figure
from core.fiscal import fiscal_year_label

from .charts import trend_chart
from .models import KpiDefinition, section_label

ORIGIN_LABELS = {
    "facts": gettext_lazy("from the records"),
    "manual": gettext_lazy("entered by hand"),
    "mixed": gettext_lazy("partly from the records, partly entered by hand"),
    "baseline": gettext_lazy("baseline"),
    "missing": gettext_lazy("not entered yet"),
    "error": gettext_lazy("cannot be computed"),
    "future": "",
}
# Cells counting fewer people than this are not published (REFERENCE.md).
DISCLOSURE_THRESHOLD = 5


def _english() -> bool:
    return not (translation.get_language() or "ja").startswith("ja")


def present(data: dict[str, Any], *, charts: bool = False) -> dict[str, Any]:
    """A copy of the sheet with labels in the active language added."""
    shown = copy.deepcopy(data)
    english = _english()
    shown["year_label"] = fiscal_year_label(shown["fiscal_year"])
    shown["period_name"] = (english and shown["period"]["name_en"]) or shown["period"]["name"]
    shown["is_closed"] = shown["status"] == "closed"
    for row in shown["rows"]:
        row["display_name"] = (english and row["name_en"]) or row["name"]
        row["display_unit"] = (english and row["unit_en"]) or row["unit"]
        row["area_label"] = KpiDefinition.Area(row["area"]).label
        row["section_label"] = section_label(row["section"], translation.get_language() or "ja")
        row["baseline_year_label"] = fiscal_year_label(row["baseline_year"])
        row["target_year_label"] = fiscal_year_label(row["target_year"])
        row["is_keep_zero"] = row["direction"] == "keep_zero"
        row["is_cumulative"] = row["aggregation"] == "cumulative"
        # How to read the figure (sheets closed before these texts existed have none).
        row["display_rule"] = (english and row.get("counting_rule_en")) or row.get(
            "counting_rule", ""
        )
        row["display_caveats"] = (english and row.get("caveats_en")) or row.get("caveats", [])
        row["has_difference"] = row.get("difference") is not None or any(
            v.get("difference") is not None for v in row["values"]
        )
        for value in row["values"]:
            value["year_label"] = fiscal_year_label(value["fiscal_year"])
            value["origin_label"] = ORIGIN_LABELS.get(value["origin"], "")
        row["origin_label"] = ORIGIN_LABELS.get(row["origin"], "")
        if charts:
            row["chart"] = trend_chart(row)
    return shown


def year_columns(data: dict[str, Any]) -> list[dict[str, Any]]:
    years = sorted({v["fiscal_year"] for row in data["rows"] for v in row["values"]})
    return [{"fiscal_year": y, "label": fiscal_year_label(y)} for y in years]


def figure_table(figure: Figure, rows, *, public: bool) -> tuple[list[Column], list[list[Any]]]:
    """Cells of a figure's rows; on public pages people counts under 5 are suppressed
    and staff-only columns (free text a group typed, internal numbers) are left out."""
    columns = [c for c in figure.columns if not (public and c.staff_only)]
    cells = []
    suppressed = gettext("<5")
    for row in rows:
        line = []
        for column in columns:
            value = figure.cell(row, column)
            if (
                public
                and column.is_people_count
                and value is not None
                and Decimal(str(value)) < DISCLOSURE_THRESHOLD
            ):
                value = suppressed
            line.append(value)
        cells.append(line)
    return columns, cells
