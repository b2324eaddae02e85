"""Writes of the yearly review. Each owns its transaction and writes the audit entry."""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.fiscal import wareki_fiscal_year_label
from core.pagecache import bump
from core.refusals import Refusal, clean_or_refuse

from .models import (
    Incident,
    KpiComment,
    KpiDefinition,
    ManualValue,
    PlanPeriod,
    YearClosing,
    YearTarget,
)
from .review import carry_measures_over, mark_confirmed, mark_reopened, refuse_unless_board_reviewed
from .sheets import current_closing, live_sheet, period_for_year, sheet

KPI_EDITABLE_FIELDS = [
    "sort_order",
    "name",
    "name_en",
    "area",
    "unit",
    "unit_en",
    "baseline_value",
    "baseline_year",
    "baseline_note",
    "target_value",
    "target_year",
    "target_note",
    "direction",
    "aggregation",
    "source_key",
    "facts_since_year",
    "rate_method",
    "grading",
    "section",
    "counting_rule",
    "counting_rule_en",
    "caveats",
    "caveats_en",
]


def _values(obj, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def kpi_update(*, kpi: KpiDefinition, changes: dict[str, Any], by) -> KpiDefinition:
    """Change a KPI definition; the audit entry records every field's old and new value."""
    unknown = set(changes) - set(KPI_EDITABLE_FIELDS)
    if unknown:  # a programming error (the form offers only these fields), not a refusal
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        kpi = KpiDefinition.objects.select_for_update().get(pk=kpi.pk)
        before = _values(kpi, KPI_EDITABLE_FIELDS)
        for name, value in changes.items():
            setattr(kpi, name, value)
        clean_or_refuse(kpi)
        kpi.save()
        diff = field_changes(before, _values(kpi, KPI_EDITABLE_FIELDS))
        if diff:
            audit_record(actor=by, action="kpi.definition.changed", target=kpi, changes=diff)
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return kpi


def year_target_set(
    *, kpi: KpiDefinition, fiscal_year: int, value: Decimal | None, by
) -> YearTarget | None:
    """Set (or with ``None`` remove) an intermediate target for one year."""
    if not kpi.baseline_year < fiscal_year <= kpi.target_year:
        raise Refusal(
            gettext("An intermediate target must lie after the baseline year."), field="fiscal_year"
        )
    with transaction.atomic():
        existing = YearTarget.objects.filter(kpi=kpi, fiscal_year=fiscal_year).first()
        old = existing.value if existing else None
        if value is None:
            if existing:
                existing.delete()
            target = None
        else:
            target, _ = YearTarget.objects.update_or_create(
                kpi=kpi, fiscal_year=fiscal_year, defaults={"value": value}
            )
        audit_record(
            actor=by,
            action="kpi.target.set",
            target=kpi,
            changes=field_changes({"target": old}, {"target": value}),
            note=wareki_fiscal_year_label(fiscal_year),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return target


def manual_value_set(
    *, kpi: KpiDefinition, fiscal_year: int, value: Decimal, note: str, by
) -> ManualValue:
    """Type in a year's value; only for years the system holds no facts for."""
    if kpi.has_facts_for(fiscal_year):
        raise Refusal(
            gettext(
                "The system computes this year's value from the recorded facts; "
                "it cannot be typed in."
            )
        )
    if not kpi.baseline_year < fiscal_year <= kpi.target_year:
        raise Refusal(gettext("This fiscal year is outside the KPI's years."))
    if value < 0:
        raise Refusal(gettext("The value cannot be negative."), field="value")
    if not note.strip():
        raise Refusal(gettext("Say where the number comes from."), field="note")
    with transaction.atomic():
        existing = ManualValue.objects.select_for_update().filter(kpi=kpi, fiscal_year=fiscal_year)
        before = existing.first()
        entry, _ = ManualValue.objects.update_or_create(
            kpi=kpi,
            fiscal_year=fiscal_year,
            defaults={"value": value, "note": note, "entered_by": by, "entered_at": timezone.now()},
        )
        audit_record(
            actor=by,
            action="kpi.manual_value.set",
            target=entry,
            changes=field_changes(
                {"value": before.value if before else None, "note": before.note if before else ""},
                {"value": value, "note": note},
            ),
            note=wareki_fiscal_year_label(fiscal_year),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return entry


def _refuse_if_closed(fiscal_year: int) -> None:
    if current_closing(fiscal_year) is not None:
        raise Refusal(gettext("This fiscal year is closed. Re-open it first to change its sheet."))


def comment_save(
    *, kpi: KpiDefinition, fiscal_year: int, analysis: str, outlook: str, by
) -> KpiComment:
    """Save the section's 要因分析 and 今後の方向性 for one KPI and year."""
    with transaction.atomic():
        _refuse_if_closed(fiscal_year)
        comment, _ = KpiComment.objects.select_for_update().get_or_create(
            kpi=kpi, fiscal_year=fiscal_year
        )
        before = {"analysis": comment.analysis, "outlook": comment.outlook}
        comment.analysis, comment.outlook = analysis, outlook
        comment.updated_by, comment.updated_at = by, timezone.now()
        comment.save()
        audit_record(
            actor=by,
            action="kpi.comment.saved",
            target=comment,
            changes=field_changes(before, {"analysis": analysis, "outlook": outlook}),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return comment


INCIDENT_FIELDS = [
    "occurred_on",
    "severity",
    "category",
    "cause",
    "summary",
    "response",
    "resolved_on",
]


def incident_record(*, by, **fields) -> Incident:
    with transaction.atomic():
        incident = Incident(recorded_by=by, **fields)
        clean_or_refuse(incident)
        incident.save()
        audit_record(
            actor=by,
            action="kpi.incident.recorded",
            target=incident,
            changes=field_changes({}, _values(incident, INCIDENT_FIELDS)),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return incident


def incident_update(*, incident: Incident, by, **fields) -> Incident:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        before = _values(incident, INCIDENT_FIELDS)
        for name, value in fields.items():
            if name not in INCIDENT_FIELDS:  # a programming error, not a refusal
                raise ValueError(name)
            setattr(incident, name, value)
        clean_or_refuse(incident)
        incident.save()
        diff = field_changes(before, _values(incident, INCIDENT_FIELDS))
        if diff:
            audit_record(actor=by, action="kpi.incident.changed", target=incident, changes=diff)
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return incident


def closing_blockers(data: dict[str, Any]) -> list[str]:
    """What must be done before a sheet can be frozen, in plain words."""
    problems = []
    for row in data["rows"]:
        if row["value"] is None:
            problems.append(
                gettext("%(kpi)s: the value is missing or cannot be computed.")
                % {"kpi": row["name"]}
            )
        if not (row["analysis"].strip() and row["outlook"].strip()):
            problems.append(
                gettext("%(kpi)s: the analysis or the future direction is not written yet.")
                % {"kpi": row["name"]}
            )
    return problems


def year_close(*, fiscal_year: int, by) -> YearClosing:
    """確定: freeze the sheet of ``fiscal_year``, with who closed it and when.

    Only after the DX board's review (``review``); publishing is the next, separate step.
    """
    with transaction.atomic():
        period = period_for_year(fiscal_year)
        if period is None:
            raise Refusal(gettext("No plan period covers this fiscal year."))
        PlanPeriod.objects.select_for_update().get(pk=period.pk)  # one closing at a time
        if current_closing(fiscal_year) is not None:
            raise Refusal(gettext("This fiscal year is already closed."))
        refuse_unless_board_reviewed(fiscal_year)
        data = live_sheet(fiscal_year, period)
        problems = closing_blockers(data)
        if problems:
            # The sheet lists what is missing; the message says why nothing happened.
            raise Refusal(
                gettext("The fiscal year cannot be closed yet: %(count)s things are missing.")
                % {"count": len(problems)},
                errors={None: problems},
            )
        try:
            with transaction.atomic():
                closing = YearClosing.objects.create(
                    period=period, fiscal_year=fiscal_year, snapshot=data, closed_by=by
                )
        except IntegrityError:
            raise Refusal(gettext("This fiscal year is already closed.")) from None
        mark_confirmed(fiscal_year)
        audit_record(
            actor=by,
            action="kpi.year.closed",
            target=closing,
            changes={row["code"]: [None, f"{row['value']} {row['grade']}"] for row in data["rows"]},
            note=wareki_fiscal_year_label(fiscal_year),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return closing


def year_reopen(*, fiscal_year: int, by, reason: str) -> YearClosing:
    """Re-open a closed year so its sheet can change again; the reason is recorded."""
    if not reason.strip():
        raise Refusal(gettext("Give the reason for re-opening."), field="reason")
    with transaction.atomic():
        closing = (
            YearClosing.objects.select_for_update()
            .filter(fiscal_year=fiscal_year, reopened_at__isnull=True)
            .first()
        )
        if closing is None:
            raise Refusal(gettext("This fiscal year is not closed."))
        published = sheet(fiscal_year)
        closing.reopened_by, closing.reopened_at = by, timezone.now()
        closing.reopen_reason = reason
        closing.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
        mark_reopened(fiscal_year)
        audit_record(
            actor=by,
            action="kpi.year.reopened",
            target=closing,
            changes={
                row["code"]: [row["value"], row["current_value"]]
                for row in published["rows"]
                if row["difference"] is not None
            },
            note=reason,
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return closing


def period_version_up(
    *,
    previous: PlanPeriod,
    code: str,
    name: str,
    last_fiscal_year: int,
    targets: dict[str, Decimal],
    by,
    name_en: str = "",
) -> PlanPeriod:
    """基本方針のバージョンアップ: a new period whose baselines are the previous period's
    last-year values and whose targets are set anew, with the measures the DX board's
    review of that year kept (ended ones are not carried). Earlier periods stay as they were."""
    baseline_year = previous.last_fiscal_year
    if last_fiscal_year <= baseline_year:
        raise Refusal(
            gettext("The new period must end after the previous one."), field="last_fiscal_year"
        )
    with transaction.atomic():
        published = sheet(baseline_year) or {"rows": []}
        kpis_by_code = {}
        values = {row["code"]: row["value"] for row in published["rows"]}
        period = PlanPeriod.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            first_fiscal_year=baseline_year + 1,
            last_fiscal_year=last_fiscal_year,
            note=gettext("Baselines are the values of %(year)s.")
            % {"year": wareki_fiscal_year_label(baseline_year)},
        )
        for kpi in previous.kpis.order_by("sort_order", "id"):
            if values.get(kpi.code) is None:
                raise Refusal(
                    gettext("%(kpi)s has no value for the new baseline year.") % {"kpi": kpi.name}
                )
            fields = _values(kpi, KPI_EDITABLE_FIELDS)
            fields.update(
                baseline_value=Decimal(str(values[kpi.code])),
                baseline_year=baseline_year,
                baseline_note="",
                target_value=targets.get(kpi.code, kpi.target_value),
                target_year=last_fiscal_year,
                target_note="" if kpi.code in targets else kpi.target_note,
            )
            new = KpiDefinition(period=period, code=kpi.code, **fields)
            clean_or_refuse(new)
            new.save()
            kpis_by_code[new.code] = new
        measures = carry_measures_over(
            fiscal_year=baseline_year, new_period=period, kpis_by_code=kpis_by_code
        )
        audit_record(
            actor=by,
            action="kpi.period.created",
            target=period,
            changes={
                **{k: [None, str(v)] for k, v in targets.items()},
                "measures": [None, ", ".join(m.code for m in measures)],
            },
            note=str(previous),
        )
        bump(KPI_CACHE)  # the KPI sheet shows this (core.pagecache)
    return period
