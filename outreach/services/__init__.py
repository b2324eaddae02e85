"""Every write of the outreach app: each function owns its transaction and audit entry,
and refuses with a ``core.refusals.Refusal``.

Import from here (``from outreach.services import application_create``); the
submodules are split by topic only to keep them short.
"""

from .applications import (
    DuplicateApplication,
    application_by_reference,
    application_cancel,
    application_cancel_by_reference,
    application_create,
    format_reference,
)
from .attendance import (
    attendance_add_staff,
    attendance_add_walk_in,
    attendance_mark,
    attendance_update_survey,
)
from .calendar import calendar_feed_for, calendar_feed_reset
from .courses import course_save
from .notices import applicant_recipient, application_reminders_send
from .privacy import AnonymiseReport, participants_anonymise, retention_cutoff_fiscal_year
from .sessions import (
    SeriesPreview,
    series_create,
    series_preview,
    session_cancel,
    session_create,
    session_update,
)
from .signups import (
    signup_cancel,
    signup_create,
    signup_record_attendance,
    signup_reminders_send,
    signups_fill_places,
)

__all__ = [
    "attendance_add_staff",
    "AnonymiseReport",
    "DuplicateApplication",
    "SeriesPreview",
    "applicant_recipient",
    "application_cancel",
    "application_by_reference",
    "application_cancel_by_reference",
    "application_create",
    "application_reminders_send",
    "attendance_add_walk_in",
    "attendance_mark",
    "attendance_update_survey",
    "calendar_feed_for",
    "calendar_feed_reset",
    "course_save",
    "format_reference",
    "participants_anonymise",
    "retention_cutoff_fiscal_year",
    "series_create",
    "series_preview",
    "session_cancel",
    "session_create",
    "session_update",
    "signup_cancel",
    "signup_create",
    "signup_record_attendance",
    "signup_reminders_send",
    "signups_fill_places",
]
