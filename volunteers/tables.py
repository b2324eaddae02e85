"""The roster table (also exported as CSV/XLSX)."""

from functools import cached_property

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import current_fiscal_year
from core.tables import LocalDateFormat, Table
from volunteers.models import VolunteerProfile


class RosterTable(Table):
    full_name = tables.LinkColumn(
        "volunteers:detail", args=[tables.A("pk")], verbose_name=_("Name")
    )
    full_name_kana = tables.Column(verbose_name=_("Reading"))
    status = tables.Column(verbose_name=_("Status"))
    affiliation = tables.Column(verbose_name=_("Affiliation"))
    skills = tables.Column(verbose_name=_("Skills"), empty_values=(), orderable=False)
    trained = tables.Column(verbose_name=_("Training"), empty_values=(), orderable=False)
    appointed = tables.Column(
        verbose_name=_("Appointed this fiscal year"), empty_values=(), orderable=False
    )
    email = tables.Column(verbose_name=_("Email"), accessor="user__email")
    phone = tables.Column(verbose_name=_("Phone"))
    created_at = tables.DateColumn(verbose_name=_("Applied on"))  # SHORT_DATE_FORMAT

    class Meta:
        model = VolunteerProfile
        fields = []
        sequence = (
            "full_name",
            "full_name_kana",
            "status",
            "affiliation",
            "skills",
            "trained",
            "appointed",
            "email",
            "phone",
            "created_at",
        )
        order_by = ("full_name_kana",)

    # Worked out once per page, not per row (core.tables writes the rows).
    @cached_property
    def _short_date(self):
        return LocalDateFormat("SHORT_DATE_FORMAT")  # core.fiscal.short_date

    @cached_property
    def _fiscal_year(self):
        return current_fiscal_year()

    def render_skills(self, record):
        return "、".join(record.skill_labels())

    def value_skills(self, record):
        return "、".join(record.skill_labels())

    def render_trained(self, record):
        dates = [r.completed_on for r in record.training_records.all()]
        return self._short_date(max(dates)) if dates else "—"

    def value_trained(self, record):
        dates = [r.completed_on for r in record.training_records.all()]
        return max(dates) if dates else None

    def render_appointed(self, record):
        fy = self._fiscal_year
        return "✓" if any(a.fiscal_year == fy for a in record.appointments.all()) else "—"

    def value_appointed(self, record):
        fy = current_fiscal_year()
        return any(a.fiscal_year == fy for a in record.appointments.all())

    def value_status(self, record):
        return record.get_status_display()

    def value_affiliation(self, record):
        return record.get_affiliation_display()

    def value_created_at(self, record):
        return timezone.localdate(record.created_at)
