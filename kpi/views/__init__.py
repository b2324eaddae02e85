"""Views of the yearly review, split by audience."""

from .incidents import incident_analysis_page
from .public import public_csv, public_facts, public_json, public_report, public_year
from .staff import (
    comment_edit,
    dashboard,
    facts,
    incident_create,
    incident_edit,
    incident_list,
    kpi_edit,
    kpi_list,
    manual_edit,
    period_version_up,
    sheet_index,
    sheet_page,
    sheet_print,
    sheet_xlsx,
    year_close,
    year_reopen,
)

__all__ = [
    "incident_analysis_page",
    "comment_edit",
    "dashboard",
    "facts",
    "incident_create",
    "incident_edit",
    "incident_list",
    "kpi_edit",
    "kpi_list",
    "manual_edit",
    "period_version_up",
    "public_csv",
    "public_facts",
    "public_json",
    "public_report",
    "public_year",
    "sheet_index",
    "sheet_page",
    "sheet_print",
    "sheet_xlsx",
    "year_close",
    "year_reopen",
]
