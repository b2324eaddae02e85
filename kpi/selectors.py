"""Reads of the kpi app, including the incident source of the security KPI."""

from django.utils.translation import gettext, gettext_lazy

from core.figures import Column, Figure
from core.fiscal import fiscal_year_dates

from .models import Incident

INCIDENT_COLUMNS = (
    Column("occurred_on", gettext_lazy("Date of the incident")),
    Column("get_severity_display", gettext_lazy("Severity")),
)


def kpi_serious_security_incidents(fiscal_year: int) -> Figure:
    """情報セキュリティに関する重要事故の発生件数: serious incidents that occurred in the year."""
    first, last = fiscal_year_dates(fiscal_year)
    rows = Incident.objects.filter(
        severity=Incident.Severity.SERIOUS, occurred_on__range=(first, last)
    ).order_by("occurred_on", "id")
    return Figure(
        value=rows.count(),
        rows=rows,
        # No summary: the rows may be shown publicly; details stay in the register.
        columns=INCIDENT_COLUMNS,
        explanation=gettext(
            "Serious information-security incidents recorded in the register that occurred "
            "in this fiscal year."
        ),
    )


def open_incidents():
    return Incident.objects.filter(resolved_on__isnull=True).order_by("occurred_on", "id")
