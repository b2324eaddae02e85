"""Tables of the sign-up pages: 総務課's staffing list and hours per volunteer."""

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.selectors_signups import staffing_of


class StaffingTable(tables.Table):
    starts_at = tables.Column(verbose_name=gettext_lazy("Date"), orderable=False)
    title = tables.Column(verbose_name=gettext_lazy("Class"), orderable=False)
    venue = tables.Column(verbose_name=gettext_lazy("Venue"), orderable=False)
    participants = tables.Column(
        verbose_name=gettext_lazy("Participants"), accessor="confirmed_count", orderable=False
    )
    instructors = tables.Column(
        verbose_name=gettext_lazy("Instructors"), accessor="confirmed_instructors", orderable=False
    )
    assistants = tables.Column(
        verbose_name=gettext_lazy("Assistants"), accessor="confirmed_assistants", orderable=False
    )
    staffing = tables.Column(
        verbose_name=gettext_lazy("Staffing"), empty_values=(), orderable=False
    )

    class Meta:
        attrs = {"class": "staffing-table"}

    def render_starts_at(self, value):
        local = timezone.localtime(value)
        return f"{local:%Y-%m-%d %H:%M}"

    def value_title(self, value):
        return value

    def render_title(self, record, value):
        url = reverse("outreach:staffing_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_instructors(self, record, value):
        return f"{value} / {record.instructor_places}"

    def render_assistants(self, record, value):
        return f"{value} / {record.assistant_places}"

    def render_staffing(self, record):
        staffing = staffing_of(record)
        if staffing.is_staffed:
            return format_html('<span class="badge badge--ok">{}</span>', _("Staffed"))
        return format_html(
            '<span class="badge badge--danger">{}</span>',
            _("%(count)s more needed") % {"count": staffing.more_needed},
        )

    def value_staffing(self, record):
        return staffing_of(record).more_needed


class HoursTable(tables.Table):
    full_name = tables.Column(verbose_name=gettext_lazy("Volunteer"))
    full_name_kana = tables.Column(verbose_name=gettext_lazy("Reading"))
    classes = tables.Column(verbose_name=gettext_lazy("Classes"))
    hours = tables.Column(verbose_name=gettext_lazy("Hours"))

    def render_full_name(self, record, value):
        url = reverse("outreach:volunteer_history", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_full_name(self, value):
        return value

    def render_hours(self, value):
        # SQLite sums decimals as numbers; show the same "2.00" on every database.
        return f"{Decimal(value or 0):.2f}"

    def value_hours(self, value):
        return f"{Decimal(value or 0):.2f}"
