"""Reads of the Wi-Fi registry that other apps (kpi) and our views use.

The KPI counts machines *operating on 31 March* of a fiscal year. That is read
from the status history (the status in force on that day), never from a stored
counter or from the ``Machine.status`` column, so a later change cannot rewrite
an earlier year.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext

from core.figures import Column, Figure, LazyRows
from core.fiscal import fiscal_year_dates, fiscal_year_months, wareki_date
from wifi.models import Machine, MachineStatus, MachineStatusChange, MonthlyUsage

RENEWAL_WATCH_DAYS = 90
# core.pagecache key of the usage analysis (every year and language): bumped by every
# write to the machines and the monthly figures it shows.
ANALYSIS_CACHE = "wifi.analysis"


def machines_with_status_on(day: date) -> QuerySet[Machine]:
    """Every machine annotated with ``status_on`` and ``status_on_since`` for ``day``.

    The step in force on a day is the last one with ``effective_on <= day``;
    steps sharing a day are ordered by id (the later-recorded one wins).
    Machines with no step yet on ``day`` get ``None``.
    """
    in_force = MachineStatusChange.objects.filter(
        machine=OuterRef("pk"), effective_on__lte=day
    ).order_by("-effective_on", "-id")
    return Machine.objects.select_related("facility").annotate(
        status_on=Subquery(in_force.values("status")[:1]),
        status_on_since=Subquery(in_force.values("effective_on")[:1]),
    )


def machines_operating_on(day: date) -> QuerySet[Machine]:
    """Machines whose status in force on ``day`` is operating, by number."""
    return machines_with_status_on(day).filter(status_on=MachineStatus.OPERATING).order_by("code")


def kpi_machines_operating_at_year_end(fiscal_year: int) -> Figure:
    """Wi-Fi機能付自動販売機の設置・運用台数: machines operating on 31 March of ``fiscal_year``."""
    year_end = fiscal_year_dates(fiscal_year)[1]
    machines = machines_operating_on(year_end)

    def rows() -> list[dict]:
        return [
            {
                "code": machine.code,
                "facility": machine.facility.name,
                "spot": machine.spot,
                "operator": machine.operator,
                "operating_since": machine.status_on_since,
            }
            for machine in machines
        ]

    columns = (
        Column("code", gettext("Machine number")),
        Column("facility", gettext("Facility")),
        Column("spot", gettext("Where it stands")),
        Column("operator", gettext("Operator")),
        Column("operating_since", gettext("Operating since")),
    )
    explanation = gettext(
        "Wi-Fi vending machines whose recorded status on %(day)s (the last day of the fiscal "
        "year) was operating. Machines suspended or removed on or before that day are not "
        "counted; a machine removed on 1 April or later still counts for this year."
    ) % {"day": wareki_date(year_end)}
    # The value is one SQL COUNT; the rows are built only for the drill-down.
    return Figure(
        value=machines.count(), rows=LazyRows(rows), columns=columns, explanation=explanation
    )


def usage_by_month(fiscal_year: int) -> Figure:
    """利用状況: connections per month of ``fiscal_year`` over all machines, with their sources."""
    months = fiscal_year_months(fiscal_year)
    totals = {
        row["month"]: row
        for row in MonthlyUsage.objects.filter(month__in=months)
        .values("month")
        .annotate(
            machines=Count("machine", distinct=True),
            connections_total=Sum("connections"),
            users_total=Sum("distinct_users"),
            users_reported=Count("distinct_users"),
            data_total=Sum("data_mb"),
            estimates=Count("id", filter=Q(source=MonthlyUsage.Source.ESTIMATE)),
        )
        .order_by()
    }
    rows = []
    for month in months:
        found = totals.get(month, {})
        rows.append(
            {
                "month": month,
                "month_label": f"{month.year}-{month.month:02d}",
                "machines": found.get("machines", 0),
                "connections": found.get("connections_total") or 0,
                # Only a sum over the machines that reported users; None when none did.
                "distinct_users": found.get("users_total") if found.get("users_reported") else None,
                "data_mb": found.get("data_total"),
                "estimated_figures": found.get("estimates", 0),
            }
        )
    columns = (
        Column("month_label", gettext("Month")),
        Column("machines", gettext("Machines reporting")),
        Column("connections", gettext("Connections")),
        Column("distinct_users", gettext("Distinct users (where reported)"), is_people_count=True),
        Column("data_mb", gettext("Data volume (MB)")),
        Column("estimated_figures", gettext("Figures that are estimates")),
    )
    return Figure(
        value=sum(row["connections"] for row in rows),
        rows=rows,
        columns=columns,
        explanation=gettext(
            "Connections to the Wi-Fi of the vending machines per month, from operator reports "
            "or, where no report came, the city's estimates."
        ),
    )


def usage_matrix(fiscal_year: int) -> tuple[list[date], list[dict]]:
    """Per machine, the connections of each month of ``fiscal_year`` (None where missing).

    Only machines with at least one figure that year. Two queries whatever the size.
    """
    months = fiscal_year_months(fiscal_year)
    figures = MonthlyUsage.objects.filter(month__in=months).values_list(
        "machine_id", "month", "connections", "source"
    )
    by_machine: dict[int, dict[date, tuple[int, str]]] = {}
    for machine_id, month, connections, source in figures:
        by_machine.setdefault(machine_id, {})[month] = (connections, source)
    machines = Machine.objects.select_related("facility").filter(pk__in=by_machine).order_by("code")
    result = []
    for machine in machines:
        cells = [by_machine[machine.pk].get(month) for month in months]
        result.append(
            {
                "machine": machine,
                "values": [cell[0] if cell else None for cell in cells],
                "estimated": [
                    bool(cell and cell[1] == MonthlyUsage.Source.ESTIMATE) for cell in cells
                ],
                "total": sum(cell[0] for cell in cells if cell),
            }
        )
    return months, result


def last_completed_quarter(today: date | None = None) -> list[date]:
    """First days of the three months of the last completed quarter (Apr–Jun, Jul–Sep…)."""
    today = today or timezone.localdate()
    quarter_start_month = ((today.month - 1) // 3) * 3 + 1
    end = date(today.year, quarter_start_month, 1)  # first day of the current quarter
    months = []
    day = end
    for _ in range(3):
        day = (day - timedelta(days=1)).replace(day=1)
        months.append(day)
    return sorted(months)


def agreements_ending_soon(
    today: date | None = None, days: int = RENEWAL_WATCH_DAYS
) -> QuerySet[Machine]:
    """Machines not removed whose agreement ends between today and ``days`` from now."""
    today = today or timezone.localdate()
    return (
        Machine.objects.select_related("facility")
        .exclude(status=MachineStatus.REMOVED)
        .filter(agreement_end__gte=today, agreement_end__lte=today + timedelta(days=days))
        .order_by("agreement_end", "code")
    )


@dataclass(frozen=True)
class MissingUsage:
    machine: Machine
    months: list[date]


def machines_missing_usage(today: date | None = None) -> list[MissingUsage]:
    """Operating machines lacking a figure for a month of the last completed quarter.

    Months before the machine first operated are not expected.
    """
    months = last_completed_quarter(today)
    machines = (
        Machine.objects.select_related("facility")
        .filter(status=MachineStatus.OPERATING)
        .annotate(
            first_operating=Min(
                "status_changes__effective_on",
                filter=Q(status_changes__status=MachineStatus.OPERATING),
            )
        )
        .order_by("code")
    )
    reported: dict[int, set[date]] = {}
    for machine_id, month in MonthlyUsage.objects.filter(month__in=months).values_list(
        "machine_id", "month"
    ):
        reported.setdefault(machine_id, set()).add(month)
    missing = []
    for machine in machines:
        started = machine.first_operating
        expected = [m for m in months if started is None or m >= started.replace(day=1)]
        lacking = [m for m in expected if m not in reported.get(machine.pk, set())]
        if lacking:
            missing.append(MissingUsage(machine=machine, months=lacking))
    return missing
