"""The check sheet of a fiscal year, as plain JSON-able data.

One structure serves the staff page, the public page, CSV, JSON, XLSX, the
``kpi_report`` command and the closed-year snapshot: a closed year's sheet *is*
its snapshot, with the live figures added beside it as differences.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from core.figures import Figure
from core.fiscal import current_fiscal_year, fiscal_year_dates, wareki_fiscal_year_label

from .models import KpiComment, KpiDefinition, PlanPeriod, YearClosing
from .rating import NOT_ASSESSABLE, Rating, percent, rate_and_grade
from .sources import SourceUnavailable, compute_figure

# Where a year's value came from.
FACTS, MANUAL, BASELINE, MISSING, ERROR, FUTURE = (
    "facts",
    "manual",
    "baseline",
    "missing",
    "error",
    "future",
)
PROVISIONAL, CLOSED = "provisional", "closed"
# A cumulative total with parts from the records and parts typed in (or the baseline).
MIXED = "mixed"


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: 135 rather than 135.00."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def period_for_year(fiscal_year: int) -> PlanPeriod | None:
    return (
        PlanPeriod.objects.filter(
            first_fiscal_year__lte=fiscal_year, last_fiscal_year__gte=fiscal_year
        )
        .order_by("-first_fiscal_year")
        .first()
    )


def sheet_period(fiscal_year: int) -> PlanPeriod | None:
    """The period whose KPIs the sheet of ``fiscal_year`` counts.

    The current year always has provisional figures: until a version-up starts a
    period covering it, the KPIs of the newest earlier period are counted, with no
    targets (``sheet["targets_set"]`` is false).
    """
    period = period_for_year(fiscal_year)
    if period is None and fiscal_year == current_fiscal_year():
        period = (
            PlanPeriod.objects.filter(first_fiscal_year__lte=fiscal_year)
            .order_by("-last_fiscal_year", "-first_fiscal_year")
            .first()
        )
    return period


def published_years() -> list[int]:
    """Fiscal years that have a sheet, up to the current one, newest first."""
    today_fy = current_fiscal_year()
    years: set[int] = set()
    for first, last in PlanPeriod.objects.values_list("first_fiscal_year", "last_fiscal_year"):
        years.update(range(first, min(last, today_fy) + 1))
        if first <= today_fy:
            years.add(today_fy)
    return sorted(years, reverse=True)


def current_closing(fiscal_year: int) -> YearClosing | None:
    return (
        YearClosing.objects.filter(fiscal_year=fiscal_year, reopened_at__isnull=True)
        .select_related("closed_by")
        .first()
    )


@dataclass
class Component:
    value: Decimal | None
    origin: str
    note: str = ""
    # The parts of ``value`` computed from records and typed in (the baseline included),
    # so that a cumulative total shows what it is made of (217 = 101 + 116).
    recorded: Decimal | None = None
    typed_in: Decimal | None = None
    # 実人数 beside a value counted 延べ, when the source can tell people apart.
    people: int | None = None


class Calculator:
    """Computes year values of KPIs, asking each source once per (KPI, year)."""

    def __init__(self) -> None:
        self._figures: dict[tuple[int, int], Figure | SourceUnavailable] = {}

    def figure(self, kpi: KpiDefinition, year: int) -> Figure:
        key = (kpi.pk, year)
        if key not in self._figures:
            try:
                self._figures[key] = compute_figure(kpi.source_key, year)
            except SourceUnavailable as exc:
                self._figures[key] = exc
        found = self._figures[key]
        if isinstance(found, SourceUnavailable):
            raise found
        return found

    def component(self, kpi: KpiDefinition, year: int) -> Component:
        """The year's own number: from the facts, or typed in for a year without facts."""
        if kpi.has_facts_for(year):
            try:
                figure = self.figure(kpi, year)
            except SourceUnavailable as exc:
                return Component(None, ERROR, exc.reason)
            value = Decimal(figure.value)
            return Component(
                value, FACTS, recorded=value, typed_in=Decimal(0), people=figure.people
            )
        manual = {m.fiscal_year: m for m in kpi.manual_values.all()}.get(year)
        if manual is not None:
            return Component(
                manual.value, MANUAL, manual.note, recorded=Decimal(0), typed_in=manual.value
            )
        return Component(None, MISSING)

    def value(self, kpi: KpiDefinition, year: int) -> Component:
        """The KPI's value for ``year`` after aggregation."""
        if year == kpi.baseline_year:
            # The baseline year shows the baseline as decided, even when the records of
            # that year are corrected later (a new period's baseline is frozen at version-up).
            return Component(
                kpi.baseline_value,
                BASELINE,
                kpi.baseline_note,
                recorded=Decimal(0),
                typed_in=kpi.baseline_value,
            )
        if kpi.aggregation != KpiDefinition.Aggregation.CUMULATIVE:
            return self.component(kpi, year)
        # 延べ: the baseline counts everything up to the baseline year; add each later year.
        recorded, typed_in = Decimal(0), kpi.baseline_value
        has_facts = False
        for each in range(kpi.baseline_year + 1, year + 1):
            part = self.component(kpi, each)
            if part.value is None:
                return Component(None, part.origin, part.note or wareki_fiscal_year_label(each))
            recorded += part.recorded
            typed_in += part.typed_in
            has_facts = has_facts or part.origin == FACTS
        origin = (MIXED if typed_in else FACTS) if has_facts else MANUAL
        return Component(recorded + typed_in, origin, recorded=recorded, typed_in=typed_in)


def year_target(kpi: KpiDefinition, year: int) -> Decimal:
    """The intermediate target set for ``year``, else the final target."""
    for target in kpi.year_targets.all():
        if target.fiscal_year == year:
            return target.value
    return kpi.target_value


def _kpis(period: PlanPeriod, fiscal_year: int):
    return (
        KpiDefinition.objects.filter(period=period)
        .prefetch_related(
            "manual_values",
            "year_targets",
            Prefetch(
                "comments",
                queryset=KpiComment.objects.filter(fiscal_year=fiscal_year),
                to_attr="year_comments",
            ),
        )
        .order_by("sort_order", "id")
    )


def _parts(kpi: KpiDefinition, part: Component) -> dict[str, Any]:
    """What a value is made of: for a cumulative total its recorded and typed-in parts,
    for a count of 延べ the 実人数 beside it."""
    cumulative = kpi.aggregation == KpiDefinition.Aggregation.CUMULATIVE
    return {
        "recorded": number(part.recorded) if cumulative and part.value is not None else None,
        "typed_in": number(part.typed_in) if cumulative and part.value is not None else None,
        "people": None if cumulative else part.people,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def kpi_row(
    kpi: KpiDefinition, fiscal_year: int, calculator: Calculator, *, targets_set: bool = True
) -> dict[str, Any]:
    values = []
    # A year after the target year (the current year before a version-up) gets its own
    # column, so that its provisional value shows beside the period's years.
    for year in range(kpi.baseline_year, max(kpi.target_year, fiscal_year) + 1):
        if year > fiscal_year:
            values.append(
                {
                    "fiscal_year": year,
                    "label": wareki_fiscal_year_label(year),
                    "value": None,
                    "origin": FUTURE,
                    "note": "",
                }
            )
            continue
        part = calculator.value(kpi, year)
        values.append(
            {
                "fiscal_year": year,
                "label": wareki_fiscal_year_label(year),
                "value": number(part.value),
                "origin": part.origin,
                "note": part.note,
                **_parts(kpi, part),
            }
        )
    if kpi.baseline_year <= fiscal_year:
        current = next(v for v in values if v["fiscal_year"] == fiscal_year)
    else:
        part = calculator.value(kpi, fiscal_year)
        current = {
            "value": number(part.value),
            "origin": part.origin,
            "note": part.note,
            **_parts(kpi, part),
        }
    if targets_set:
        target = year_target(kpi, fiscal_year)
        rating = rate_and_grade(
            direction=kpi.direction,
            method=kpi.rate_method,
            grading=kpi.grading,
            value=decimal(current["value"]),
            baseline=kpi.baseline_value,
            target=target,
        )
    else:
        # No period covers the year yet: no target, so nothing to rate against.
        target, rating = None, Rating(None, None, NOT_ASSESSABLE)
    comment = kpi.year_comments[0] if kpi.year_comments else None
    return {
        "code": kpi.code,
        "name": kpi.name,
        "name_en": kpi.name_en,
        "area": kpi.area,
        "unit": kpi.unit,
        "unit_en": kpi.unit_en,
        "section": kpi.section,
        "baseline": number(kpi.baseline_value),
        "baseline_year": kpi.baseline_year,
        "baseline_note": kpi.baseline_note,
        "target": number(kpi.target_value),
        "target_year": kpi.target_year,
        "target_note": kpi.target_note,
        "year_target": number(target),
        "direction": kpi.direction,
        "aggregation": kpi.aggregation,
        "rate_method": kpi.rate_method,
        "grading": kpi.grading,
        "counting_rule": kpi.counting_rule,
        "counting_rule_en": kpi.counting_rule_en,
        "caveats": _lines(kpi.caveats),
        "caveats_en": _lines(kpi.caveats_en),
        "values": values,
        "value": current["value"],
        "origin": current["origin"],
        "recorded": current["recorded"],
        "typed_in": current["typed_in"],
        "people": current["people"],
        "rate_percent": None if rating.rate is None else float(percent(rating.rate)),
        "passed": rating.passed,
        "grade": rating.grade,
        "analysis": comment.analysis if comment else "",
        "outlook": comment.outlook if comment else "",
    }


def live_sheet(fiscal_year: int, period: PlanPeriod | None = None) -> dict[str, Any] | None:
    """The sheet computed from today's facts (what a closing would freeze)."""
    period = period or sheet_period(fiscal_year)
    if period is None:
        return None
    targets_set = period.first_fiscal_year <= fiscal_year <= period.last_fiscal_year
    calculator = Calculator()
    return {
        "fiscal_year": fiscal_year,
        "label": wareki_fiscal_year_label(fiscal_year),
        "period": {
            "code": period.code,
            "name": period.name,
            "name_en": period.name_en,
            "first_fiscal_year": period.first_fiscal_year,
            "last_fiscal_year": period.last_fiscal_year,
        },
        "status": PROVISIONAL,
        "closed_at": None,
        "targets_set": targets_set,
        "rows": [
            kpi_row(kpi, fiscal_year, calculator, targets_set=targets_set)
            for kpi in _kpis(period, fiscal_year)
        ],
    }


def _difference(frozen: Any, live: Any) -> int | float | None:
    if frozen is None or live is None or decimal(frozen) == decimal(live):
        return None
    return number(decimal(live) - decimal(frozen))


def sheet(fiscal_year: int) -> dict[str, Any] | None:
    """The sheet as published: the frozen snapshot of a closed year (with differences
    against today's facts), else the running, provisional figures."""
    closing = current_closing(fiscal_year)
    if closing is None:
        return live_sheet(fiscal_year)
    frozen = closing.snapshot
    live = live_sheet(fiscal_year, closing.period) or {"rows": []}
    live_rows = {row["code"]: row for row in live["rows"]}
    rows = []
    for row in frozen["rows"]:
        now = live_rows.get(row["code"], {})
        now_values = {v["fiscal_year"]: v["value"] for v in now.get("values", [])}
        values = [
            {
                **v,
                "current_value": now_values.get(v["fiscal_year"]),
                "difference": _difference(v["value"], now_values.get(v["fiscal_year"])),
            }
            for v in row["values"]
        ]
        rows.append(
            {
                **row,
                "values": values,
                "current_value": now.get("value"),
                "difference": _difference(row["value"], now.get("value")),
            }
        )
    return {
        **frozen,
        "status": CLOSED,
        "closed_at": timezone.localtime(closing.closed_at).isoformat(),
        "rows": rows,
    }


def year_progress(fiscal_year: int, today=None) -> Decimal:
    """How much of the fiscal year has passed (0–1), for the dashboard's pace check."""
    today = today or timezone.localdate()
    first, last = fiscal_year_dates(fiscal_year)
    if today < first:
        return Decimal(0)
    if today > last:
        return Decimal(1)
    return Decimal((today - first).days + 1) / Decimal((last - first).days + 1)
