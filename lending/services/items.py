"""Items on the shelf: back from repair, retired for good, a new QR code for a lost label."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.refusals import Refusal
from lending.models import Item, ItemDay, new_qr_token
from lending.services.availability import bump_availability


def item_repair_finish(*, item: Item, by, note: str = "") -> Item:
    """A repaired unit goes back on the shelf."""
    with transaction.atomic():
        updated = Item.objects.filter(pk=item.pk, status=Item.Status.IN_REPAIR).update(
            status=Item.Status.AVAILABLE, condition=Item.Condition.GOOD
        )
        if not updated:
            raise Refusal(_("This item is not in repair."))
        bump_availability([item.equipment_type_id])
        audit_record(
            actor=by,
            action="lending.item.repaired",
            target=item,
            changes={"status": [Item.Status.IN_REPAIR, Item.Status.AVAILABLE]},
            note=note,
        )
    item.refresh_from_db()
    return item


def item_retire(*, item: Item, by, reason: str, now: datetime | None = None) -> Item:
    """Take a unit out of service for good (kept for history, never deleted)."""
    now = now or timezone.now()
    if not reason.strip():
        raise Refusal(_("Please give the reason for retiring the item."), field="reason")
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status in (Item.Status.ON_LOAN, Item.Status.RETIRED):
            raise Refusal(_("An item on loan or already retired cannot be retired."))
        if ItemDay.objects.filter(item=locked, day__gte=timezone.localdate(now)).exists():
            raise Refusal(
                _("This item is assigned to upcoming reservations; swap it for another unit first.")
            )
        before = locked.status
        locked.status = Item.Status.RETIRED
        locked.retired_at = now
        locked.retired_reason = reason.strip()[:200]
        locked.save(update_fields=["status", "retired_at", "retired_reason"])
        bump_availability([locked.equipment_type_id])
        audit_record(
            actor=by,
            action="lending.item.retired",
            target=locked,
            changes={"status": [before, locked.status]},
            note=locked.retired_reason,
        )
    return locked


def item_token_reissue(*, item: Item, by, reason: str = "") -> Item:
    """Give ``item`` a new QR token; the old label stops working at once (lost or damaged label)."""
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        old = locked.qr_token
        locked.qr_token = new_qr_token()
        locked.qr_token_issued_at = timezone.now()
        locked.save(update_fields=["qr_token", "qr_token_issued_at"])
        # A prefix is enough to tell two labels apart; whole tokens stay out of the trail.
        audit_record(
            actor=by,
            action="lending.item.qr_reissued",
            target=locked,
            changes={"qr_token": [f"{old[:6]}…", f"{locked.qr_token[:6]}…"]},
            note=reason,
        )
    item.qr_token = locked.qr_token
    item.qr_token_issued_at = locked.qr_token_issued_at
    return locked
