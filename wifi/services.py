"""Writes to the Wi-Fi registry. Each function owns its transaction and writes the audit entry."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext

from core.audit import audit_record, field_changes
from core.figures import KPI_CACHE
from core.fiscal import FIRST_YEAR, long_date, month_label
from core.imports import Column, CsvImport, run_import
from core.pagecache import bump
from core.refusals import Refusal, clean_or_refuse
from wifi.models import (
    ALLOWED_TRANSITIONS,
    INITIAL_STATUSES,
    Activation,
    Inspection,
    Machine,
    MachineStatus,
    MachineStatusChange,
    MonthlyUsage,
)
from wifi.selectors import ANALYSIS_CACHE

# Fields of a machine a registry edit may change (status only through the history).
MACHINE_FIELDS = [
    "code",
    "facility",
    "spot",
    "latitude",
    "longitude",
    "operator",
    "bottler",
    "agreement_type",
    "agreement_start",
    "agreement_end",
    "agreement_renewal_date",
    "trigger_authority",
    "ssid",
    "disaster_ssid",
    "session_limit_minutes",
    "power_backup",
    "power_backup_hours",
    "emergency_contact",
    "photo",
    "notes",
]


def _machine_values(data: dict[str, Any]) -> dict[str, Any]:
    """The registry fields of ``data``; a form's photo None means "keep", False means "clear"."""
    values = {key: value for key, value in data.items() if key in MACHINE_FIELDS}
    if values.get("photo") is None:
        values.pop("photo", None)
    elif values["photo"] is False:
        values["photo"] = ""
    return values


def _snapshot(machine: Machine) -> dict[str, Any]:
    data = model_to_dict(machine, fields=MACHINE_FIELDS)
    data["photo"] = machine.photo.name if machine.photo else ""
    return data


def machine_create(
    *, data: dict[str, Any], status: str, effective_on: date, reason: str, by
) -> Machine:
    """Register a machine with its first status step."""
    if status not in INITIAL_STATUSES:
        raise Refusal(
            gettext("A new machine can start as planned, installed or operating only."),
            field="status",
        )
    _check_day(effective_on)
    with transaction.atomic():
        machine = Machine(**_machine_values(data))
        machine.status = status
        machine.status_since = effective_on
        clean_or_refuse(machine)
        machine.save()
        MachineStatusChange.objects.create(
            machine=machine, status=status, effective_on=effective_on, reason=reason, recorded_by=by
        )
        audit_record(
            actor=by,
            action="wifi.machine.created",
            target=machine,
            changes={**field_changes({}, _snapshot(machine)), "status": [None, status]},
            note=reason,
        )
        bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    return machine


def machine_update(*, machine: Machine, data: dict[str, Any], by) -> Machine:
    """Change a machine's registry details (not its status)."""
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        before = _snapshot(locked)
        for key, value in _machine_values(data).items():
            setattr(locked, key, value)
        clean_or_refuse(locked)
        locked.save()
        changes = field_changes(before, _snapshot(locked))
        if changes:
            audit_record(actor=by, action="wifi.machine.changed", target=locked, changes=changes)
        bump(ANALYSIS_CACHE)  # the analysis shows this; after the locks (core.pagecache)
    return locked


def _check_day(day: date) -> None:
    if day > timezone.localdate():
        raise Refusal(
            gettext("The date cannot be in the future. Record the change on the day it happens."),
            field="effective_on",
        )


def machine_status_change(
    *, machine: Machine, status: str, reason: str, by, effective_on: date | None = None
) -> MachineStatusChange:
    """Move a machine to ``status`` from ``effective_on`` (default: today in Japan).

    Refuses steps the life cycle does not allow, dates before the last recorded
    step (history is appended, never rewritten) and dates in the future.
    """
    effective_on = effective_on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise Refusal(gettext("Please write the reason for the change."), field="reason")
    _check_day(effective_on)
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        if status == locked.status:
            raise Refusal(
                gettext("The machine is already %(status)s.")
                % {"status": MachineStatus(status).label},
                field="status",
            )
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            allowed = sorted(ALLOWED_TRANSITIONS[locked.status])
            if allowed:
                raise Refusal(
                    gettext(
                        "A machine that is %(current)s cannot become %(new)s. "
                        "Possible next steps: %(allowed)s."
                    )
                    % {
                        "current": MachineStatus(locked.status).label,
                        "new": MachineStatus(status).label,
                        "allowed": "、".join(str(MachineStatus(s).label) for s in allowed),
                    },
                    field="status",
                )
            raise Refusal(
                gettext("A removed machine cannot change status. Register a new machine instead."),
                field="status",
            )
        last = locked.status_changes.order_by("-effective_on", "-id").first()
        if last and effective_on < last.effective_on:
            raise Refusal(
                gettext("The date must be on or after the last recorded change (%(day)s).")
                % {"day": long_date(last.effective_on)},
                field="effective_on",
            )
        change = MachineStatusChange.objects.create(
            machine=locked, status=status, effective_on=effective_on, reason=reason, recorded_by=by
        )
        before = locked.status
        locked.status = status
        locked.status_since = effective_on
        locked.save(update_fields=["status", "status_since"])
        audit_record(
            actor=by,
            action="wifi.machine.status_changed",
            target=locked,
            changes={"status": [before, status], "effective_on": [None, effective_on.isoformat()]},
            note=reason,
        )
        bump(KPI_CACHE, ANALYSIS_CACHE)  # pages that count this (core.pagecache)
    machine.status, machine.status_since = locked.status, locked.status_since
    return change


def usage_record(
    *,
    machine: Machine,
    month: date,
    connections: int,
    source: str,
    by,
    distinct_users: int | None = None,
    data_mb: int | None = None,
    note: str = "",
    replace: bool = False,
) -> MonthlyUsage:
    """Record one month's figures of one machine; correct them only with ``replace``.

    A month entered twice must not silently swap the operator's report for an
    estimate: without ``replace`` the second entry is refused and says what is there.
    """
    with transaction.atomic():
        month = month.replace(day=1)
        existing = (
            MonthlyUsage.objects.select_for_update().filter(machine=machine, month=month).first()
        )
        if existing is not None and not replace:
            raise Refusal(
                gettext(
                    "%(month)s already has figures (%(figures)s). To replace them, tick "
                    "“%(replace)s” and save again."
                )
                % {
                    "month": month_label(month),
                    "figures": usage_summary(existing),
                    "replace": gettext("Replace the figures already recorded for this month"),
                },
                field="month",
            )
        usage, _created = _usage_upsert(
            machine=machine,
            month=month.replace(day=1),
            values={
                "connections": connections,
                "distinct_users": distinct_users,
                "data_mb": data_mb,
                "source": source,
                "note": note,
            },
            by=by,
        )
        bump(ANALYSIS_CACHE)  # the analysis shows this; after the row's lock (core.pagecache)
    return usage


def usage_summary(usage: MonthlyUsage) -> str:
    """「事業者報告、接続数 812」: what a month holds, for messages."""
    return gettext("%(source)s, %(connections)s connections") % {
        "source": usage.get_source_display(),
        "connections": usage.connections,
    }


def _usage_upsert(
    *, machine: Machine, month: date, values: dict[str, Any], by
) -> tuple[MonthlyUsage, bool]:
    """Write one month's figures (a new month, or a correction); True when the month is new."""
    existing = MonthlyUsage.objects.select_for_update().filter(machine=machine, month=month).first()
    before = {key: getattr(existing, key) for key in values} if existing else {}
    usage = existing or MonthlyUsage(machine=machine, month=month)
    for key, value in values.items():
        setattr(usage, key, value)
    usage.recorded_by = by
    usage.recorded_at = timezone.now()
    clean_or_refuse(usage)
    usage.save()
    audit_record(
        actor=by,
        action="wifi.usage.changed" if existing else "wifi.usage.recorded",
        target=usage,
        changes=field_changes(before, values),
    )
    return usage, existing is None


# --- CSV import ---------------------------------------------------------------

USAGE_COLUMNS = [
    Column("管理番号", "code", required=True, example="WV-001"),
    Column("年月", "month", required=True, example="2025-04"),
    Column("接続数", "connections", required=True, example="812"),
    Column("利用者数", "distinct_users", example="350"),
    Column("データ量MB", "data_mb", example="51200"),
    Column("出典", "source", required=True, example="事業者報告"),
]
USAGE_CSV_HEADER = [column.heading for column in USAGE_COLUMNS]
SOURCE_WORDS = {
    "事業者報告": MonthlyUsage.Source.OPERATOR_REPORT,
    "operator_report": MonthlyUsage.Source.OPERATOR_REPORT,
    "推計": MonthlyUsage.Source.ESTIMATE,
    "estimate": MonthlyUsage.Source.ESTIMATE,
}
MONTH_PATTERN = re.compile(r"^(\d{4})[-/](\d{1,2})$")
# The largest count a PositiveIntegerField holds on every database we run on.
MAX_COUNT = 2_147_483_647


@dataclass
class UsageImportResult:
    created: int = 0
    updated: int = 0


def _month(text: str) -> date | None:
    """The first day of the month written as 2025-04 or 2025/4; None if it is not one."""
    match = MONTH_PATTERN.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    if int(match.group(1)) < FIRST_YEAR:
        return None  # 0000 is no year (a later one is refused as a month yet to come)
    return date(int(match.group(1)), int(match.group(2)), 1)


def _whole_number(text: str) -> int | None:
    """A count as staff type it (thousands separators allowed); ValueError if it is not one."""
    text = text.replace(",", "").replace("，", "")
    if not text:
        return None
    # isdecimal, not isdigit: ² and ① are "digits" that int() refuses. Full-width
    # digits (１２３) are decimal and read as staff meant them.
    if not text.isdecimal() or len(text) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT:
        raise ValueError(text)
    return int(text)


def _usage_line(values: dict[str, str], machines: dict[str, Machine]) -> MonthlyUsage:
    """One line of the file as an unsaved month of figures; a Refusal names every wrong cell."""
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    machine = machines.get(values["code"])
    if machine is None and values["code"]:
        refuse(
            "code",
            gettext("There is no machine with number “%(code)s”.") % {"code": values["code"]},
        )
    month = _month(values["month"])
    if month is None:
        refuse(
            "month",
            gettext("Write the month as YYYY-MM, for example 2025-04 (got “%(value)s”).")
            % {"value": values["month"]},
        )
    elif month > timezone.localdate().replace(day=1):
        refuse(
            "month",
            gettext("The month %(month)s has not come yet.") % {"month": values["month"]},
        )
    numbers: dict[str, int | None] = {}
    for field in ("connections", "distinct_users", "data_mb"):
        try:
            numbers[field] = _whole_number(values[field])
        except ValueError:
            numbers[field] = None
            refuse(
                field,
                gettext("Write a whole number of 0 or more (got “%(value)s”).")
                % {"value": values[field]},
            )
    users, connections = numbers["distinct_users"], numbers["connections"]
    if users is not None and connections is not None and users > connections:
        refuse(
            "distinct_users",
            gettext("Distinct users (%(users)s) cannot exceed connections (%(connections)s).")
            % {"users": users, "connections": connections},
        )
    source = SOURCE_WORDS.get(values["source"])
    if source is None and values["source"]:
        refuse(
            "source",
            gettext("Write 事業者報告 or 推計 (got “%(value)s”).") % {"value": values["source"]},
        )
    if problems:
        raise Refusal(errors=problems)
    return MonthlyUsage(
        machine=machine,
        month=month,
        connections=connections,
        distinct_users=users,
        data_mb=numbers["data_mb"],
        source=source,
        note=gettext("Imported from CSV"),
    )


def _usage_identity(values: dict[str, str]) -> str | None:
    """What must appear once per file: a machine's month, as people read it."""
    month = _month(values["month"])
    return f"{values['code']} {month:%Y-%m}" if values["code"] and month else None


def usage_import_csv(*, content: bytes, by) -> UsageImportResult:
    """Import monthly figures from a CSV (``core.imports``: UTF-8 with or without BOM, Shift_JIS).

    All or nothing: every line is checked first; if any line is wrong, nothing is
    written and the Refusal lists every problem by line and column. A month already
    recorded is corrected (the audit entry keeps the old figures).
    """
    result = UsageImportResult()

    def save(lines: list[MonthlyUsage], by) -> int:
        for line in lines:
            values = {
                key: getattr(line, key)
                for key in ("connections", "distinct_users", "data_mb", "source", "note")
            }
            try:
                _usage, created = _usage_upsert(
                    machine=line.machine, month=line.month, values=values, by=by
                )
            except Refusal as refusal:
                # Leaving the transaction by exception rolls back every line written so far.
                raise _nothing_imported(
                    [f"{line.machine.code} {line.month:%Y-%m}: {refusal.message}"]
                ) from refusal
            if created:
                result.created += 1
            else:
                result.updated += 1
        # Once, after every line's lock: a bump between two lines would hold the version
        # while waiting for the next line's row, which a single entry may hold as it bumps.
        bump(ANALYSIS_CACHE)  # the analysis shows this (core.pagecache)
        return len(lines)

    spec = CsvImport(
        columns=USAGE_COLUMNS,
        prepare=lambda: {machine.code: machine for machine in Machine.objects.all()},
        build=_usage_line,
        save=save,
        key=_usage_identity,
    )
    imported = run_import(spec, data=content, by=by)
    problems = [str(error) for error in imported.errors]
    if not problems and not imported.rows:
        problems = [gettext("The file has a header but no figures.")]
    if problems:
        raise _nothing_imported(problems)
    return result


def _nothing_imported(problems: list[str]) -> Refusal:
    nothing = gettext("Nothing was imported. Please correct these rows:")
    return Refusal(nothing, errors={None: [nothing, *problems]})


def inspection_record(*, machine: Machine, data: dict[str, Any], by) -> Inspection:
    """Record an inspection of a machine."""
    with transaction.atomic():
        inspection = Inspection(machine=machine, recorded_by=by, **data)
        clean_or_refuse(inspection)
        inspection.save()
        audit_record(
            actor=by,
            action="wifi.inspection.recorded",
            target=inspection,
            changes=field_changes({}, {k: str(v) for k, v in data.items()}),
        )
    return inspection


def activation_record(*, machine: Machine, data: dict[str, Any], by) -> Activation:
    """Record a drill or a real activation of free vending / the disaster SSID."""
    with transaction.atomic():
        activation = Activation(machine=machine, recorded_by=by, **data)
        clean_or_refuse(activation)
        activation.save()
        audit_record(
            actor=by,
            action="wifi.activation.recorded",
            target=activation,
            changes=field_changes({}, {k: str(v) for k, v in data.items()}),
        )
    return activation
