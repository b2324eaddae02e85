"""Lists of sessions and applications for 総務課."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from outreach.models import ClassSession

STATUS_BADGES = {
    ClassSession.Status.OPEN: "badge--ok",
    ClassSession.Status.FULL: "badge--warn",
    ClassSession.Status.CANCELLED: "badge--danger",
}


class SessionTable(tables.Table):
    starts_at = tables.Column(verbose_name=_("Date and time"))
    title = tables.Column(verbose_name=_("Class"), linkify=False)
    course = tables.Column(
        verbose_name=_("Course"), accessor="course__name", order_by="course__sort_order"
    )
    venue = tables.Column(
        verbose_name=_("Venue"), accessor="venue__name", order_by="venue__name_kana"
    )
    status = tables.Column(verbose_name=_("Status"))
    confirmed_count = tables.Column(verbose_name=_("Registered"))
    capacity = tables.Column(verbose_name=_("Capacity"))
    attendance_rows = tables.Column(verbose_name=_("Attendance"), orderable=False)

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
            "attendance_rows",
        )
        order_by = "starts_at"
        attrs = {"class": "table"}

    def render_starts_at(self, record):
        start = timezone.localtime(record.starts_at)
        end = timezone.localtime(record.ends_at)
        return f"{start:%Y-%m-%d} ({'月火水木金土日'[start.weekday()]}) {start:%H:%M}–{end:%H:%M}"

    def render_title(self, record, value):
        return format_html(
            '<a href="{}">{}</a>', reverse("outreach:session_detail", args=[record.pk]), value
        )

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, ""),
            record.get_status_display(),
        )

    # Plain values for the CSV/XLSX export.
    def value_starts_at(self, record):
        return self.render_starts_at(record)

    def value_title(self, value):
        return value

    def value_status(self, record):
        return record.get_status_display()

    def value_attendance_rows(self, value):
        return value

    def render_attendance_rows(self, record, value):
        if record.status == ClassSession.Status.HELD and not value:
            return format_html(
                '<span class="badge badge--danger">{}</span>', _("Held, no attendance recorded")
            )
        return value or "—"
