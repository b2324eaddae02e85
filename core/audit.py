"""Write and read the audit trail. Services call ``audit_record`` inside their transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. ``actor`` may be None (public form, cron) with ``actor_label`` saying who."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.email if user else "system")
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
        note=note,
    )


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


def audit_history(target: models.Model) -> models.QuerySet[AuditEntry]:
    """Entries about one record, newest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
    ).select_related("actor")
