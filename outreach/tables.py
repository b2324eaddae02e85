"""Lists for 総務課: sessions, the staffing of classes, and hours per volunteer.

The rows are written by ``core.tables``; a ``render_<name>`` here runs once per row, so
what it needs for every row (the URL pattern, the date format, the badges) is worked
out once per page in a ``cached_property`` of the table.
"""

from decimal import Decimal
from functools import cached_property

import django_tables2 as tables
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import LocalDateFormat, Table, record_urls
from outreach.models import ClassSession
from outreach.selectors import staffing_of

STATUS_BADGES = {
    ClassSession.Status.OPEN: "badge--ok",
    ClassSession.Status.FULL: "badge--warn",
    ClassSession.Status.CANCELLED: "badge--danger",
}


class SessionTable(Table):
    starts_at = tables.Column(verbose_name=_("Date and time"))
    # "Title" (講座名), as the session form calls it: "Class" is 講座 in Japanese, the same
    # word as the course column beside it.
    title = tables.Column(verbose_name=_("Title"), linkify=False)
    # The names come as plain attributes of the session (the list annotates them), not
    # through a course and a venue object per row.
    course = tables.Column(
        verbose_name=_("Course"), accessor="course_name", order_by="course__sort_order"
    )
    venue = tables.Column(
        verbose_name=_("Venue"), accessor="venue_name", order_by="venue__name_kana"
    )
    status = tables.Column(verbose_name=_("Status"))
    confirmed_count = tables.Column(verbose_name=_("Registered"))
    capacity = tables.Column(verbose_name=_("Capacity"))
    # None when no attendance was taken (see render_attended): not tables2's empty cell.
    attended = tables.Column(verbose_name=_("Attended"), orderable=False, empty_values=())

    class Meta:
        model = ClassSession
        fields = ()
        sequence = (
            "starts_at",
            "title",
            "course",
            "venue",
            "status",
            "confirmed_count",
            "capacity",
            "attended",
        )
        order_by = "starts_at"
        attrs = {"class": "table"}

    @cached_property
    def _short_datetime(self):
        return LocalDateFormat("SHORT_DATETIME_FORMAT")  # core.fiscal.short_datetime

    @cached_property
    def _session_url(self):
        return record_urls("outreach:session_detail")

    @cached_property
    def _status_badges(self):
        return {
            status: format_html(
                '<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), label
            )
            for status, label in ClassSession.Status.choices
        }

    def render_starts_at(self, record):
        end = self._short_datetime.local(record.ends_at)
        return f"{self._short_datetime(record.starts_at)}–{end:%H:%M}"

    def render_title(self, record, value):
        url = escape(self._session_url(record.pk))  # format_html, for less per row
        return mark_safe(f'<a href="{url}">{conditional_escape(value)}</a>')  # noqa: S308 - escaped

    def render_status(self, record):
        badge = self._status_badges.get(record.status)
        if badge is None:
            badge = format_html('<span class="badge ">{}</span>', record.get_status_display())
        return badge

    # Plain values for the CSV/XLSX export.
    def value_starts_at(self, record):
        return record.starts_at  # a date-time cell in XLSX

    def value_title(self, value):
        return value

    def value_status(self, record):
        return record.get_status_display()

    def value_attended(self, value):
        return value or 0

    def render_attended(self, record, value):
        if value is not None:
            return value
        if record.status == ClassSession.Status.HELD:
            return self._held_without_attendance
        return "—"

    @cached_property
    def _held_without_attendance(self):
        return format_html(
            '<span class="badge badge--danger">{}</span>', gettext("Held, no attendance recorded")
        )


class StaffingTable(Table):
    """Upcoming classes and how many more volunteers each needs."""

    starts_at = tables.Column(verbose_name=_("Date"), orderable=False)
    title = tables.Column(verbose_name=_("Class"), orderable=False)
    venue = tables.Column(verbose_name=_("Venue"), accessor="venue_name", orderable=False)
    participants = tables.Column(
        verbose_name=_("Participants"), accessor="confirmed_count", orderable=False
    )
    instructors = tables.Column(
        verbose_name=_("Instructors"), accessor="confirmed_instructors", orderable=False
    )
    assistants = tables.Column(
        verbose_name=_("Assistants"), accessor="confirmed_assistants", orderable=False
    )
    staffing = tables.Column(verbose_name=_("Staffing"), empty_values=(), orderable=False)

    class Meta:
        attrs = {"class": "staffing-table"}

    @cached_property
    def _short_datetime(self):
        return LocalDateFormat("SHORT_DATETIME_FORMAT")  # core.fiscal.short_datetime

    @cached_property
    def _staffing_url(self):
        return record_urls("outreach:staffing_detail")

    @cached_property
    def _staffed(self):
        return format_html('<span class="badge badge--ok">{}</span>', gettext("Staffed"))

    @cached_property
    def _more_needed(self):
        # Escaped once: only the number, an int, goes in per row.
        text = conditional_escape(gettext("%(count)s more needed"))
        return f'<span class="badge badge--danger">{text}</span>'

    def render_starts_at(self, value):
        return self._short_datetime(value)

    def value_title(self, value):
        return value

    def render_title(self, record, value):
        url = escape(self._staffing_url(record.pk))
        return mark_safe(f'<a href="{url}">{conditional_escape(value)}</a>')  # noqa: S308 - escaped

    def render_instructors(self, record, value):
        return f"{value} / {record.instructor_places}"

    def render_assistants(self, record, value):
        return f"{value} / {record.assistant_places}"

    def render_staffing(self, record):
        staffing = staffing_of(record)
        if staffing.is_staffed:
            return self._staffed
        return mark_safe(self._more_needed % {"count": int(staffing.more_needed)})  # noqa: S308 - escaped

    def value_staffing(self, record):
        return staffing_of(record).more_needed


class HoursTable(Table):
    """Classes and hours per volunteer in a fiscal year (exported as CSV/XLSX)."""

    full_name = tables.Column(verbose_name=_("Volunteer"))
    full_name_kana = tables.Column(verbose_name=_("Reading"))
    classes = tables.Column(verbose_name=_("Classes"))
    hours = tables.Column(verbose_name=_("Hours"))

    @cached_property
    def _history_url(self):
        return record_urls("outreach:volunteer_history")

    def render_full_name(self, record, value):
        url = escape(self._history_url(record.pk))
        return mark_safe(f'<a href="{url}">{conditional_escape(value)}</a>')  # noqa: S308 - escaped

    def value_full_name(self, value):
        return value

    def render_hours(self, value):
        # SQLite sums decimals as numbers; show the same "2.00" on every database.
        return f"{Decimal(value or 0):.2f}"

    def value_hours(self, value):
        # A number in the export, so that staff can add the hours up.
        return Decimal(value or 0).quantize(Decimal("0.01"))
