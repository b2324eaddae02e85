"""Reads of the kpi app, including the incident source of the security KPI."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, Q, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext, gettext_lazy

from core.figures import Column, Figure
from core.fiscal import fiscal_year_dates

from .models import Incident

INCIDENT_COLUMNS = (
    Column("occurred_on", gettext_lazy("Date of the incident")),
    Column("get_severity_display", gettext_lazy("Severity")),
    Column("get_category_display", gettext_lazy("Kind of incident")),
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


# --- Analysis of the incident register (EBPM of measure ①) -------------------------


@dataclass(frozen=True)
class IncidentTable:
    """Counts by fiscal year for each kind (or cause): ``rows`` of (label, counts, total)."""

    years: list[int]
    rows: list[dict]
    totals: list[int]


@dataclass(frozen=True)
class IncidentAnalysis:
    by_category: IncidentTable
    by_cause: IncidentTable
    serious_by_year: list[int]


def incident_analysis(*, first_year: int, last_year: int) -> IncidentAnalysis:
    """Incidents per fiscal year by kind and by cause, grouped in SQL in one query."""
    years = list(range(first_year, last_year + 1))
    first, _ = fiscal_year_dates(first_year)
    _, last = fiscal_year_dates(last_year)
    fiscal = Case(
        When(occurred_on__month__lt=4, then=ExtractYear("occurred_on") - 1),
        default=ExtractYear("occurred_on"),
    )
    grouped = (
        Incident.objects.filter(occurred_on__range=(first, last))
        .annotate(fy=fiscal)
        .values("fy", "category", "cause")
        .annotate(n=Count("id"), serious=Count("id", filter=Q(severity=Incident.Severity.SERIOUS)))
        .order_by()
    )
    counts: dict[tuple[str, str, int], int] = defaultdict(int)
    serious = dict.fromkeys(years, 0)
    for row in grouped:
        counts[("category", row["category"], row["fy"])] += row["n"]
        counts[("cause", row["cause"], row["fy"])] += row["n"]
        serious[row["fy"]] += row["serious"]

    def table(dimension: str, choices) -> IncidentTable:
        rows = []
        for value, label in choices:
            per_year = [counts[(dimension, value, y)] for y in years]
            if any(per_year):
                rows.append({"label": label, "counts": per_year, "total": sum(per_year)})
        totals = [sum(r["counts"][i] for r in rows) for i in range(len(years))]
        return IncidentTable(years=years, rows=rows, totals=totals)

    return IncidentAnalysis(
        by_category=table("category", Incident.Category.choices),
        by_cause=table("cause", Incident.Cause.choices),
        serious_by_year=[serious[y] for y in years],
    )
