"""Writes of the classes side of outreach, by topic. Every function owns its
transaction and writes the audit entry."""

from .applications import (
    ApplicationRefused,
    DuplicateApplication,
    application_cancel,
    application_cancel_by_reference,
    application_create,
)
from .attendance import (
    attendance_add_walk_in,
    attendance_mark,
    attendance_update_survey,
    session_mark_held,
)
from .privacy import AnonymiseReport, participants_anonymise, retention_cutoff_fiscal_year
from .sessions import (
    SeriesPreview,
    series_create,
    series_preview,
    session_cancel,
    session_create,
    session_update,
)

__all__ = [
    "AnonymiseReport",
    "ApplicationRefused",
    "DuplicateApplication",
    "SeriesPreview",
    "application_cancel",
    "application_cancel_by_reference",
    "application_create",
    "attendance_add_walk_in",
    "attendance_mark",
    "attendance_update_survey",
    "participants_anonymise",
    "retention_cutoff_fiscal_year",
    "series_create",
    "series_preview",
    "session_cancel",
    "session_create",
    "session_mark_held",
    "session_update",
]
