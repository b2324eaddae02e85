"""Writes to the Wi-Fi registry. Each function owns its transaction and writes the audit entry."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext

from core.audit import audit_record, field_changes
from core.imports import decode_upload
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
        raise ValidationError(
            gettext("A new machine can start as planned, installed or operating only.")
        )
    _check_day(effective_on)
    with transaction.atomic():
        machine = Machine(**_machine_values(data))
        machine.status = status
        machine.status_since = effective_on
        machine.full_clean()
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
    return machine


def machine_update(*, machine: Machine, data: dict[str, Any], by) -> Machine:
    """Change a machine's registry details (not its status)."""
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        before = _snapshot(locked)
        for key, value in _machine_values(data).items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        changes = field_changes(before, _snapshot(locked))
        if changes:
            audit_record(actor=by, action="wifi.machine.changed", target=locked, changes=changes)
    return locked


def _check_day(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            gettext("The date cannot be in the future. Record the change on the day it happens.")
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
        raise ValidationError(gettext("Please write the reason for the change."))
    _check_day(effective_on)
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        if status == locked.status:
            raise ValidationError(
                gettext("The machine is already %(status)s.")
                % {"status": MachineStatus(status).label}
            )
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            allowed = sorted(ALLOWED_TRANSITIONS[locked.status])
            if allowed:
                raise ValidationError(
                    gettext(
                        "A machine that is %(current)s cannot become %(new)s. "
                        "Possible next steps: %(allowed)s."
                    )
                    % {
                        "current": MachineStatus(locked.status).label,
                        "new": MachineStatus(status).label,
                        "allowed": "、".join(str(MachineStatus(s).label) for s in allowed),
                    }
                )
            raise ValidationError(
                gettext("A removed machine cannot change status. Register a new machine instead.")
            )
        last = locked.status_changes.order_by("-effective_on", "-id").first()
        if last and effective_on < last.effective_on:
            raise ValidationError(
                gettext("The date must be on or after the last recorded change (%(day)s).")
                % {"day": last.effective_on.isoformat()}
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
) -> MonthlyUsage:
    """Record (or correct) one month's figures of one machine."""
    with transaction.atomic():
        usage = _usage_upsert(
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
    return usage


def _usage_upsert(*, machine: Machine, month: date, values: dict[str, Any], by) -> MonthlyUsage:
    existing = MonthlyUsage.objects.select_for_update().filter(machine=machine, month=month).first()
    before = {key: getattr(existing, key) for key in values} if existing else {}
    usage = existing or MonthlyUsage(machine=machine, month=month)
    for key, value in values.items():
        setattr(usage, key, value)
    usage.recorded_by = by
    usage.recorded_at = timezone.now()
    usage.full_clean()
    usage.save()
    audit_record(
        actor=by,
        action="wifi.usage.changed" if existing else "wifi.usage.recorded",
        target=usage,
        changes=field_changes(before, values),
    )
    return usage


# --- CSV import ---------------------------------------------------------------

USAGE_CSV_HEADER = ["管理番号", "年月", "接続数", "利用者数", "データ量MB", "出典"]
SOURCE_WORDS = {
    "事業者報告": MonthlyUsage.Source.OPERATOR_REPORT,
    "operator_report": MonthlyUsage.Source.OPERATOR_REPORT,
    "推計": MonthlyUsage.Source.ESTIMATE,
    "estimate": MonthlyUsage.Source.ESTIMATE,
}
MONTH_PATTERN = re.compile(r"^(\d{4})[-/](\d{1,2})$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


class UsageImportError(Exception):
    """The file was refused; ``errors`` lists every problem (row number and message)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _optional_int(text: str, label: str, errors: list[str], line: int) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        errors.append(
            gettext(
                "Row %(row)s: %(column)s must be a whole number of 0 or more (got “%(value)s”)."
            )
            % {"row": line, "column": label, "value": text}
        )
        return None
    return int(text)


def usage_import_csv(*, content: bytes, by) -> ImportResult:
    """Import monthly figures from a CSV (UTF-8, with or without BOM; Shift_JIS accepted).

    All or nothing: every row is checked first; if any row is wrong, nothing is
    written and every problem is reported with its row number.
    """
    text = decode_upload(content)
    if text is None:
        raise UsageImportError(
            [gettext("The file could not be read. Please save it as CSV (UTF-8).")]
        )
    reader = csv.reader(io.StringIO(text))
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageImportError([gettext("The file is empty.")])
    header = [cell.strip() for cell in rows[0]]
    if header != USAGE_CSV_HEADER:
        raise UsageImportError(
            [
                gettext("The first row must be exactly: %(header)s")
                % {"header": ",".join(USAGE_CSV_HEADER)}
            ]
        )
    if len(rows) == 1:
        raise UsageImportError([gettext("The file has a header but no figures.")])
    machines = {machine.code: machine for machine in Machine.objects.all()}
    today = timezone.localdate()
    errors: list[str] = []
    parsed: list[tuple[Machine, date, dict[str, Any]]] = []
    seen: dict[tuple[str, date], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(USAGE_CSV_HEADER):
            errors.append(
                gettext("Row %(row)s: expected %(expected)s columns but found %(found)s.")
                % {"row": line, "expected": len(USAGE_CSV_HEADER), "found": len(row)}
            )
            continue
        code, month_text, connections_text, users_text, data_text, source_text = (
            cell.strip() for cell in row
        )
        row_errors_before = len(errors)
        machine = machines.get(code)
        if machine is None:
            errors.append(
                gettext("Row %(row)s: there is no machine with number “%(code)s”.")
                % {"row": line, "code": code}
            )
        month = None
        match = MONTH_PATTERN.match(month_text)
        if match and 1 <= int(match.group(2)) <= 12:
            month = date(int(match.group(1)), int(match.group(2)), 1)
            if month > today.replace(day=1):
                errors.append(
                    gettext("Row %(row)s: the month %(month)s has not come yet.")
                    % {"row": line, "month": month_text}
                )
        else:
            errors.append(
                gettext(
                    "Row %(row)s: write the month as YYYY-MM, for example 2025-04 (got “%(value)s”)."
                )
                % {"row": line, "value": month_text}
            )
        connections = _optional_int(connections_text, "接続数", errors, line)
        if connections is None and not connections_text.strip():
            errors.append(
                gettext("Row %(row)s: the number of connections is required.") % {"row": line}
            )
        users = _optional_int(users_text, "利用者数", errors, line)
        data_mb = _optional_int(data_text, "データ量MB", errors, line)
        if users is not None and connections is not None and users > connections:
            errors.append(
                gettext(
                    "Row %(row)s: distinct users (%(users)s) cannot exceed connections (%(connections)s)."
                )
                % {"row": line, "users": users, "connections": connections}
            )
        source = SOURCE_WORDS.get(source_text)
        if source is None:
            errors.append(
                gettext("Row %(row)s: the source must be 事業者報告 or 推計 (got “%(value)s”).")
                % {"row": line, "value": source_text}
            )
        if machine and month:
            key = (machine.code, month)
            if key in seen:
                errors.append(
                    gettext("Row %(row)s: %(code)s %(month)s already appears in row %(first)s.")
                    % {"row": line, "code": code, "month": month_text, "first": seen[key]}
                )
            seen[key] = line
        if len(errors) == row_errors_before:
            parsed.append(
                (
                    machine,
                    month,
                    {
                        "connections": connections,
                        "distinct_users": users,
                        "data_mb": data_mb,
                        "source": source,
                        "note": "",
                    },
                )
            )
    if errors:
        raise UsageImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        existing = set(
            MonthlyUsage.objects.filter(
                machine__in=[m for m, _, _ in parsed], month__in={mo for _, mo, _ in parsed}
            ).values_list("machine_id", "month")
        )
        for line_machine, month, values in parsed:
            values["note"] = gettext("Imported from CSV")
            try:
                _usage_upsert(machine=line_machine, month=month, values=values, by=by)
            except ValidationError as exc:
                # Leaving the block by exception rolls back every row written so far.
                raise UsageImportError(
                    [f"{line_machine.code} {month:%Y-%m}: {message}" for message in exc.messages]
                ) from exc
            machine = line_machine
            if (machine.pk, month) in existing:
                result.updated += 1
            else:
                result.created += 1
    return result


def inspection_record(*, machine: Machine, data: dict[str, Any], by) -> Inspection:
    """Record an inspection of a machine."""
    with transaction.atomic():
        inspection = Inspection(machine=machine, recorded_by=by, **data)
        inspection.full_clean()
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
        activation.full_clean()
        activation.save()
        audit_record(
            actor=by,
            action="wifi.activation.recorded",
            target=activation,
            changes=field_changes({}, {k: str(v) for k, v in data.items()}),
        )
    return activation
