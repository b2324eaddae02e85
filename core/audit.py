"""The audit trail: who did what to which record, and how people read it.

Services call ``audit_record`` inside their transaction. Every action has a
dotted name ``<app>.<noun>.<verb>`` that reads like the event
(``lending.reservation.approved``) and a label that people read; each app
declares its actions in its AppConfig (``audit_actions``: name → lazy English
label, translated in the app's catalogue). Recording an undeclared action is a
programming error and raises, so a history can never show a raw code.

Who acted is a user (shown by name, never by e-mail address) or, for work
nobody did by hand, one of ``SYSTEM_ACTORS`` (a resident's online form, the
scheduled jobs, Tsunagu itself).
"""

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry, User

ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")

# Who acted when no signed-in person did (stored in ``actor_label``).
SYSTEM = "system"
RESIDENT_ONLINE = "resident_online"
SCHEDULED_JOB = "scheduled_job"
SYSTEM_ACTORS = {
    SYSTEM: _("Tsunagu (automatic)"),
    RESIDENT_ONLINE: _("Resident (online form)"),
    SCHEDULED_JOB: _("Tsunagu (daily job)"),
}


@cache
def registered_actions() -> dict[str, Any]:
    """Every declared action: {name: lazy label}, gathered from the AppConfigs.

    The names' shape is checked at start-up (``core.checks``)."""
    actions: dict[str, Any] = {}
    for config in apps.get_app_configs():
        actions.update(getattr(config, "audit_actions", {}))
    return actions


def action_label(name: str) -> str:
    """The label of an action in the active language (an undeclared legacy code reads as such)."""
    label = registered_actions().get(name)
    return str(label) if label is not None else gettext("Other change")


def actor_name(entry: AuditEntry) -> str:
    """The name of who acted, for people: never an e-mail address, never a code."""
    full_name = entry.actor.full_name if entry.actor_id is not None else ""
    return actor_display(entry.actor_id, full_name, entry.actor_label)


def actor_display(actor_id: int | None, full_name: str, actor_label: str) -> str:
    """``actor_name`` from the bare columns (a long export reads values, not model objects)."""
    if actor_id is not None:
        # A name field holding an address (typed so, or copied from the sign-up) is no name.
        return (
            full_name if full_name and "@" not in full_name else gettext("Account without a name")
        )
    known = SYSTEM_ACTORS.get(actor_label)
    if known is not None:
        return str(known)
    if not actor_label or "@" in actor_label:
        return gettext("Tsunagu (automatic)")
    return actor_label


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. ``actor`` may be None (public form, job) with ``actor_label`` saying who:
    one of ``SYSTEM_ACTORS`` or a name as recorded (a caller on the phone)."""
    return AuditEntry.objects.create(
        **_entry_values(actor, action, target, changes, note, actor_label)
    )


def audit_insert(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
    source: str = "",
) -> tuple[str, list[Any]]:
    """The entry ``audit_record`` would append, as an INSERT and its parameters for the
    caller to run in its transaction: for a hot path (the kiosk scan), without building
    a model instance. With ``source`` (a FROM clause, e.g. ``"FROM returned"`` of the
    caller's own statement) the entry is written once per row that source yields."""
    values = _entry_values(actor, action, target, changes, note, actor_label)
    values["at"] = timezone.now()
    table, columns, fields = _insert_parts()
    marks = ", ".join(["%s"] * len(fields))
    rows = f"SELECT {marks} {source}" if source else f"VALUES ({marks})"
    sql = f"INSERT INTO {table} ({columns}) {rows}"  # noqa: S608 - names from the model
    return sql, [_column_value(field, values[field.name]) for field in fields]


def _column_value(field: models.Field, value: Any) -> Any:
    if field.is_relation:  # a foreign key's column holds the related row's key
        value = value.pk if value is not None else None
    return field.get_db_prep_save(value, connection)


def _entry_values(actor, action, target, changes, note, actor_label) -> dict[str, Any]:
    if action not in registered_actions():
        raise LookupError(
            f"Audit action {action!r} is not declared in any AppConfig.audit_actions."
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.full_name if user else SYSTEM) or SYSTEM
    return {
        "actor": user,
        "actor_label": label[:150],
        "action": action,
        "target_type": ContentType.objects.get_for_model(target, for_concrete_model=False),
        "target_id": str(target.pk),
        "target_repr": str(target)[:200],
        "changes": changes or {},
        "note": note,
    }


@cache
def _insert_parts() -> tuple[str, str, list[models.Field]]:
    """An entry's table, its columns (all but the id) and their fields, in order."""
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return quote(AuditEntry._meta.db_table), columns, fields


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{"field": [old, new]} for the fields whose values differ (values as JSON-safe strings)."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_history(target: models.Model, *, limit: int | None = None) -> models.QuerySet[AuditEntry]:
    """Entries about one record, newest first (a detail page passes ``limit``)."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
    ).select_related("actor")
    return entries[:limit] if limit else entries


def audit_history_of(
    targets: list[models.Model], *, limit: int = 50
) -> models.QuerySet[AuditEntry]:
    """Entries about several records of one page (a reservation and its loans), newest first."""
    query = models.Q(pk__in=[])
    for target in targets:
        query |= models.Q(
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=str(target.pk),
        )
    return AuditEntry.objects.filter(query).select_related("actor")[:limit]


@dataclass(frozen=True)
class Change:
    """One changed field of an entry, as people read it: the field's label, old and new value."""

    label: str
    old: Any
    new: Any


def with_changes(
    entries: Iterable[AuditEntry],
    model: type[models.Model],
    *,
    labels: Mapping[str, Any] | None = None,
    actions: Collection[str] | None = None,
) -> list[AuditEntry]:
    """The entries, each with ``changed``: what it changed, for ``core/_history.html`` to show.

    A key of ``changes`` reads as the verbose name of ``model``'s field (or as ``labels``
    gives it) and a stored choice as its label, never as the code; keys that are neither
    are left out. ``actions`` limits the detail to those actions (a registration lists
    every field, which says nothing a reader needs)."""
    entries = list(entries)
    fields = {field.name: field for field in model._meta.get_fields() if field.concrete}
    related = _related_names(entries, fields)
    for entry in entries:
        entry.changed = []
        if actions is not None and entry.action not in actions:
            continue
        for key, pair in (entry.changes or {}).items():
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            field = fields.get(key)
            label = (labels or {}).get(key) or (field.verbose_name if field else None)
            if label is None:
                continue
            old, new = (_readable(field, value, related) for value in pair)
            entry.changed.append(Change(str(label), old, new))
    return entries


def _related_names(entries: list[AuditEntry], fields: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The names of records a foreign key pointed to, one query per field."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for key, pair in (entry.changes or {}).items():
            field = fields.get(key)
            if field is not None and field.is_relation and isinstance(pair, list | tuple):
                wanted.setdefault(key, set()).update(str(v) for v in pair if v not in (None, ""))
    names = {}
    for key, pks in wanted.items():
        model = fields[key].related_model
        valid = [pk for pk in pks if pk.isdigit()]
        for pk, obj in model._default_manager.in_bulk(valid).items():
            names[(key, str(pk))] = person_name(obj) if model is User else str(obj)
    return names


def person_name(user) -> str:
    """A person by name, as the actor column shows them (a user's ``str`` is their address
    when they have no name)."""
    name = user.full_name
    return name if name and "@" not in name else gettext("Account without a name")


def _readable(field, value: Any, related: dict[tuple[str, str], str]) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is None:
        return value
    if field.is_relation:
        return related.get((field.name, str(value)), value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
