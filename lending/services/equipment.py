"""The equipment register kept by 生活課: types, units and kits (created, changed, retired).

Every change is audited; nothing here deletes a unit or a kit. A kit's units may
change only while nothing is booked on the kit, so a reservation never finds other
units in its kit than those it was given.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes
from core.refusals import Refusal, clean_or_refuse
from lending.models import EquipmentType, Item, Kit, KitMember, Loan, Reservation
from lending.services.availability import bump_availability

TYPE_FIELDS = [
    "name",
    "category",
    "tag_prefix",
    "is_digital_ready",
    "description",
    "usage_notes",
    "eligible_kinds",
    "default_components",
    "max_per_reservation",
    "is_active",
    "sort_order",
]
ITEM_FIELDS = [
    "equipment_type_id",
    "tag_number",
    "name",
    "storage_place",
    "condition",
    "components",
    "notes",
    "acquired_on",
    "acquisition_cost_yen",
    "replacement_fiscal_year",
]
KIT_FIELDS = ["name", "tag_number", "storage_place", "description"]


def snapshot(instance, fields: Sequence[str]) -> dict:
    """The audited fields of a type, unit or kit, before a form changes them."""
    return {name: getattr(instance, name) for name in fields}


def equipment_type_save(
    *, equipment_type: EquipmentType, by, before: dict | None = None
) -> EquipmentType:
    """Create or change an equipment type (from the staff form), with its audit entry."""
    with transaction.atomic():
        created = equipment_type.pk is None
        clean_or_refuse(equipment_type)
        equipment_type.save()
        audit_record(
            actor=by,
            action="lending.equipment_type.created"
            if created
            else "lending.equipment_type.changed",
            target=equipment_type,
            changes=field_changes(before or {}, snapshot(equipment_type, TYPE_FIELDS)),
        )
    return equipment_type


def _tag_taken_by_kit(tag_number: str) -> bool:
    return Kit.objects.filter(tag_number__iexact=tag_number).exists()


def _tag_taken_by_item(tag_number: str) -> bool:
    return Item.objects.filter(tag_number__iexact=tag_number).exists()


def item_save(*, item: Item, by, before: dict | None = None) -> Item:
    """Register a new unit or change one; a new unit starts with its type's parts list."""
    created = item.pk is None
    if _tag_taken_by_kit(item.tag_number):
        raise Refusal(_("A kit already has this tag number."), field="tag_number")
    if created and not item.components:
        item.components = list(item.equipment_type.default_components or [])
    with transaction.atomic():
        clean_or_refuse(item)
        item.save()
        # A new unit (or one moved to another type) changes what the public calendars count.
        bump_availability(
            {item.equipment_type_id, (before or {}).get("equipment_type_id")} - {None}
        )
        audit_record(
            actor=by,
            action="lending.item.created" if created else "lending.item.changed",
            target=item,
            changes=field_changes(before or {}, snapshot(item, ITEM_FIELDS)),
        )
    return item


def _kit_booked(kit: Kit) -> bool:
    """Whether a reservation holds the kit (booked, or out and not yet back)."""
    return Loan.objects.filter(
        kit=kit,
        released_at__isnull=True,
        returned_at__isnull=True,
        reservation__state__in=Reservation.HOLDING_STATES,
    ).exists()


def kit_save(
    *, kit: Kit, items: Sequence[Item], by, before: dict | None = None, now: datetime | None = None
) -> Kit:
    """Create or change a kit and set its units. No unit is in two kits (the database
    refuses it, so two staff members building kits at once cannot share a unit)."""
    now = now or timezone.now()
    created = kit.pk is None
    items = sorted(set(items), key=lambda item: item.pk)
    if len(items) < 2:
        raise Refusal(_("A kit needs at least two units."), field="items")
    if _tag_taken_by_item(kit.tag_number):
        raise Refusal(_("A unit already has this tag number."), field="tag_number")
    retired = [item.tag_number for item in items if item.is_retired]
    if retired:
        raise Refusal(
            _("Retired units cannot be put in a kit: %(tags)s.") % {"tags": "、".join(retired)},
            field="items",
        )
    try:
        return _kit_save(kit=kit, items=items, by=by, before=before, now=now, created=created)
    except Refusal:
        if created:
            kit.pk = None  # the rolled-back row: the form shows a new kit again
        raise


def _kit_save(*, kit: Kit, items: list[Item], by, before, now, created: bool) -> Kit:
    with transaction.atomic():
        clean_or_refuse(kit)
        kit.save()
        locked = Kit.objects.select_for_update().get(pk=kit.pk)
        old_ids = set(locked.members.values_list("item_id", flat=True))
        new_ids = {item.pk for item in items}
        if old_ids != new_ids and not created and _kit_booked(locked):
            raise Refusal(
                _("This kit is booked or out; change its units after it is back."), field="items"
            )
        others = (
            KitMember.objects.filter(item_id__in=new_ids)
            .exclude(kit=locked)
            .select_related("item", "kit")
        )
        if others:
            raise Refusal(
                _("Already in another kit: %(units)s.")
                % {
                    "units": "、".join(f"{m.item.tag_number}（{m.kit.tag_number}）" for m in others)
                },
                field="items",
            )
        KitMember.objects.filter(kit=locked).exclude(item_id__in=new_ids).delete()
        try:
            with transaction.atomic():
                KitMember.objects.bulk_create(
                    [
                        KitMember(kit=locked, item_id=pk, added_at=now)
                        for pk in sorted(new_ids - old_ids)
                    ]
                )
        except IntegrityError:
            raise Refusal(
                _("One of these units was just put in another kit. Please check and save again."),
                field="items",
            ) from None
        changes = field_changes(before or {}, snapshot(kit, KIT_FIELDS))
        if old_ids != new_ids:
            tags = dict(
                Item.objects.filter(pk__in=old_ids | new_ids).values_list("pk", "tag_number")
            )
            changes["units"] = [
                "、".join(sorted(tags[pk] for pk in old_ids)) or None,
                "、".join(sorted(tags[pk] for pk in new_ids)),
            ]
        audit_record(
            actor=by,
            action="lending.kit.created" if created else "lending.kit.changed",
            target=locked,
            changes=changes,
        )
    return locked


def kit_retire(*, kit: Kit, by, reason: str, now: datetime | None = None) -> Kit:
    """Stop lending a kit; its units become loose units again (the kit stays in the history)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise Refusal(_("Please give the reason for retiring the kit."), field="reason")
    with transaction.atomic():
        locked = Kit.objects.select_for_update().get(pk=kit.pk)
        if not locked.is_active:
            raise Refusal(_("This kit is already retired."))
        if _kit_booked(locked):
            raise Refusal(_("This kit is booked or out; it can be retired once it is back."))
        tags = sorted(locked.members.values_list("item__tag_number", flat=True))
        KitMember.objects.filter(kit=locked).delete()
        locked.is_active = False
        locked.retired_at = now
        locked.retired_reason = reason[:200]
        locked.save(update_fields=["is_active", "retired_at", "retired_reason"])
        audit_record(
            actor=by,
            action="lending.kit.retired",
            target=locked,
            changes={"units": ["、".join(tags), None]},
            note=locked.retired_reason,
        )
    return locked
