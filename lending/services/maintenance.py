"""Maintenance plans per equipment type and the maintenance done on each unit."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.refusals import Refusal, clean_or_refuse
from lending.models import Item, MaintenancePlan, MaintenanceRecord
from lending.services.availability import bump_availability

PLAN_FIELDS = ["equipment_type", "name", "tasks", "interval_days", "after_each_loan", "starts_on"]


def maintenance_plan_snapshot(plan: MaintenancePlan) -> dict:
    values = {name: getattr(plan, name) for name in PLAN_FIELDS if name != "equipment_type"}
    values["equipment_type"] = plan.equipment_type_id
    values["is_active"] = plan.is_active
    return values


def maintenance_plan_save(
    *, plan: MaintenancePlan, by, before: dict | None = None
) -> MaintenancePlan:
    """Create or change a plan (from the staff form), with its audit entry."""
    if not plan.interval_days and not plan.after_each_loan:
        raise Refusal(
            _("Give the days between maintenances, or tick “after each loan”, or both."),
            field="interval_days",
        )
    with transaction.atomic():
        created = plan.pk is None
        clean_or_refuse(plan)
        plan.save()
        audit_record(
            actor=by,
            action="lending.maintenance_plan.created"
            if created
            else "lending.maintenance_plan.changed",
            target=plan,
            changes=field_changes(before or {}, maintenance_plan_snapshot(plan)),
        )
    return plan


def maintenance_record(
    *,
    item: Item,
    by,
    work: str,
    result: str,
    plan: MaintenancePlan | None = None,
    done_on: date | None = None,
    cost_yen: int | None = None,
) -> MaintenanceRecord:
    """Record maintenance done on a unit; a problem found sends an idle unit to repair."""
    today = timezone.localdate()
    done_on = done_on or today
    if result not in MaintenanceRecord.Result.values:
        raise Refusal(_("Choose the result."), field="result")
    if not (work or "").strip():
        raise Refusal(_("Please write what was done."), field="work")
    if done_on > today:
        raise Refusal(_("Maintenance cannot be recorded for a day still to come."), field="done_on")
    if plan is not None and plan.equipment_type_id != item.equipment_type_id:
        raise Refusal(_("This plan is for another type of equipment."), field="plan")
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.is_retired:
            raise Refusal(_("This item is retired."))
        record = MaintenanceRecord.objects.create(
            item=locked,
            plan=plan,
            done_on=done_on,
            done_by=by,
            work=work.strip(),
            result=result,
            cost_yen=cost_yen,
        )
        changes = {}
        if (
            result == MaintenanceRecord.Result.NEEDS_REPAIR
            and locked.status == Item.Status.AVAILABLE
        ):
            locked.status = Item.Status.IN_REPAIR
            locked.save(update_fields=["status"])
            bump_availability([locked.equipment_type_id])
            changes["status"] = [Item.Status.AVAILABLE, Item.Status.IN_REPAIR]
        with translation.override(settings.LANGUAGE_CODE):
            result_label = str(record.get_result_display())
        audit_record(
            actor=by,
            action="lending.item.maintained",
            target=locked,
            changes=changes,
            note=f"{plan.name if plan else ''} {result_label}: {record.work}".strip(),
        )
    return record


def hand_out_despite_maintenance(*, item: Item, by, plans: list[str]) -> None:
    """Staff confirmed a hand-out of a unit due for maintenance: the item's history says so."""
    audit_record(
        actor=by,
        action="lending.item.handed_out_maintenance_due",
        target=item,
        note="、".join(plans),
    )
