"""Loans: hand-out by scanned code, return (kiosk and counter) with its parts check, inspection."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.figures import KPI_CACHE
from core.pagecache import bump
from core.refusals import Refusal
from lending.models import Item, ItemDay, Loan, Reservation
from lending.selectors import item_find_by_code
from lending.services.availability import bump_availability
from lending.services.notices import reservation_notify

HANDOUT_STATES = Reservation.HANDOUT_STATES


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def loan_hand_out(*, reservation: Reservation, code: str, by, now: datetime | None = None) -> Loan:
    """Hand out the unit a scanned code (QR URL, token or 備品番号) names.

    If the unit is not the one assigned but of a type still to hand out, staff are
    swapping units: the assignment moves to the scanned unit when it is free for
    the rest of the loan (the (item, day) index decides).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    item = item_find_by_code(code)
    if item is None:
        raise Refusal(
            _("No item has this code. Check the label or type the tag number."), field="code"
        )
    if item.is_retired:
        raise Refusal(
            _("%(tag)s is retired and cannot be lent.") % {"tag": item.tag_number}, field="code"
        )
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.state not in HANDOUT_STATES:
            raise Refusal(_("Only an approved reservation can be handed out."), field="code")
        if today < locked.pickup_date:
            raise Refusal(
                _("The pickup date is %(day)s; equipment cannot be handed out before it.")
                % {"day": formats.date_format(locked.pickup_date, "SHORT_DATE_FORMAT")},
                field="code",
            )
        if today > locked.return_date:
            raise Refusal(_("The return date of this reservation has passed."), field="code")
        pending = locked.loans.filter(handed_out_at__isnull=True, released_at__isnull=True)
        loan = pending.filter(item=item).first()
        if loan is None:
            if locked.loans.filter(item=item, handed_out_at__isnull=False).exists():
                raise Refusal(
                    _("%(tag)s has already been handed out for this reservation.")
                    % {"tag": item.tag_number},
                    field="code",
                )
            loan = (
                pending.filter(item__equipment_type_id=item.equipment_type_id)
                .order_by("item__tag_number")
                .first()
            )
            if loan is None:
                raise Refusal(
                    _("%(tag)s (%(type)s) is not part of this reservation.")
                    % {"tag": item.tag_number, "type": item.equipment_type.name},
                    field="code",
                )
            _swap(loan, item, locked, today, by, now)
        if item.status != Item.Status.AVAILABLE:
            raise Refusal(
                _("%(tag)s cannot be handed out now: %(status)s.")
                % {"tag": item.tag_number, "status": item.get_status_display()},
                field="code",
            )
        updated = Loan.objects.filter(pk=loan.pk, handed_out_at__isnull=True).update(
            handed_out_at=now,
            handed_out_by=_actor(by),
            was_digital_ready=item.equipment_type.is_digital_ready,
        )
        if not updated:
            raise Refusal(_("This item has already been handed out."), field="code")
        Item.objects.filter(pk=item.pk).update(status=Item.Status.ON_LOAN)
        if locked.handed_out_at is None:
            locked.handed_out_at = now
            locked.state = Reservation.State.HANDED_OUT
            locked.save(update_fields=["handed_out_at", "state"])
        audit_record(
            actor=by,
            action="lending.loan.handed_out",
            target=loan,
            changes={"status": [item.status, Item.Status.ON_LOAN]},
            note=f"{item.tag_number} reservation #{locked.pk}",
        )
        bump(KPI_CACHE)  # the KPI sheet counts this (core.pagecache)
    loan.refresh_from_db()
    return loan


def _swap(loan: Loan, item: Item, reservation: Reservation, today: date, by, now: datetime) -> None:
    """Staff hand out another unit of the type than the one assigned: the group is told
    which unit it has (it returns that one), in the hand-out's transaction."""
    old = loan.item
    start = max(reservation.pickup_date, today)
    try:
        with transaction.atomic():
            ItemDay.objects.filter(loan=loan).delete()
            Loan.objects.filter(pk=loan.pk).update(item=item)
            ItemDay.objects.bulk_create(
                [
                    ItemDay(item=item, day=d, loan=loan)
                    for d in _days(start, reservation.return_date)
                ]
            )
    except IntegrityError:
        raise Refusal(
            _("%(tag)s is booked by another reservation during this loan; use another unit.")
            % {"tag": item.tag_number},
            field="code",
        ) from None
    loan.item = item
    audit_record(
        actor=by,
        action="lending.loan.swapped",
        target=loan,
        changes={"item": [old.tag_number, item.tag_number]},
    )
    reservation_notify(
        reservation,
        "units_swapped",
        event="lending.loan.swapped",
        about=loan,
        # A unit swapped again (a second scan of another unit) is told again.
        occurrence=item.tag_number,
        now=now,
        old_item=old,
        new_item=item,
    )


def reservation_release_unhanded(
    *, reservation: Reservation, by, now: datetime | None = None
) -> int:
    """After hand-out, give back units the group did not take; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.state != Reservation.State.HANDED_OUT:
            raise Refusal(_("Only a handed-out reservation has units to release."))
        pending = locked.loans.filter(handed_out_at__isnull=True, released_at__isnull=True)
        released = list(pending.select_related("item__equipment_type").order_by("item__tag_number"))
        tags = [loan.item.tag_number for loan in released]
        ItemDay.objects.filter(loan__in=pending).delete()
        count = pending.update(released_at=now)
        bump_availability(loan.item.equipment_type_id for loan in released)
        if count:
            audit_record(
                actor=by,
                action="lending.reservation.units_released",
                target=locked,
                note=", ".join(tags),
            )
            # The group learns which units it no longer has booked (they stay free for others).
            reservation_notify(
                locked,
                "units_released",
                event="lending.reservation.units_released",
                occurrence=",".join(tags),
                now=now,
                released=[loan.item for loan in released],
            )
        _settle(locked, now)
    return count


@dataclass(frozen=True)
class ReturnResult:
    """What a return scan did: ``outcome`` is "returned", "already_returned" or "not_on_loan"."""

    outcome: str
    loan: Loan | None
    was_late: bool = False


# ``loan_return(open_loan=...)`` default: the caller did not read the open loan.
NOT_READ = object()


def loan_return(
    *,
    item: Item,
    by,
    via: str,
    missing_components: Sequence[str] = (),
    now: datetime | None = None,
    open_loan: Loan | None | object = NOT_READ,
) -> ReturnResult:
    """Record that ``item`` is back. Idempotent and race-free.

    The return is one conditional UPDATE (only while ``returned_at`` is empty), so
    two scans at once record ONE return and ONE audit entry. What the person is
    told is decided AFTER that update, from what the database holds then: a scan
    that lost the race reads the other scan's committed return and says
    "already_returned", never "not_on_loan". The item then waits for inspection
    before it is lent again.

    ``open_loan`` is the open loan as the caller already read it (the kiosk's
    one joined lookup, ``item_find_for_return``), or None when it found none; it
    only saves a read, the conditional update still decides.
    """
    if via not in Loan.Via.values:
        raise ValueError(f"via must be one of {Loan.Via.values}")
    now = now or timezone.now()
    today = timezone.localdate(now)
    missing = list(
        dict.fromkeys(str(part).strip() for part in missing_components if str(part).strip())
    )
    if open_loan is NOT_READ:
        open_loan = (
            Loan.objects.filter(item=item, handed_out_at__isnull=False, returned_at__isnull=True)
            .select_related("reservation__organisation")
            .first()
        )
    loan = open_loan
    with transaction.atomic():
        updated = 0
        if loan is not None:
            was_late = today > loan.due_date
            fields = {
                "returned_at": now,
                "returned_by": _actor(by),
                "returned_via": via,
                "missing_components": missing,
                # At the counter staff tick the parts with the return itself; the kiosk asks
                # right after it (loan_components_report), so there the check is still open.
                "parts_checked_at": now if via == Loan.Via.COUNTER else None,
                "was_late": was_late,
            }
            updated = Loan.objects.filter(pk=loan.pk, returned_at__isnull=True).update(**fields)
        if not updated:
            return _return_refused(item)
        for name, value in fields.items():
            setattr(loan, name, value)
        loan.item = item
        Item.objects.filter(pk=item.pk).update(status=Item.Status.AWAITING_INSPECTION)
        item.status = Item.Status.AWAITING_INSPECTION
        # The days after today are free again; days already lived stay as history.
        ItemDay.objects.filter(loan_id=loan.pk, day__gt=today).delete()
        audit_record(
            actor=by,
            action="lending.loan.returned",
            target=loan,
            changes={"returned_via": [None, via], "missing_components": [None, ", ".join(missing)]},
            note=_("late") if was_late else "",
        )
        # No core.pagecache bump here: a return only frees days, so a cached public calendar
        # errs on the safe side (a unit shown taken that is free) for at most
        # PUBLIC_CACHE_SECONDS, and the kiosk scan keeps its 12 queries (issue 18).
        # Lock the reservation only now, just before settling it: two units of one
        # reservation returned at once queue here, so the later one sees the earlier
        # return; taken last, the lock is held for the settle and the commit only.
        # (Two scans of ONE unit already queue on the loan row of the update above.)
        list(
            Reservation.objects.select_for_update()
            .filter(pk=loan.reservation_id)
            .order_by()
            .values_list("pk", flat=True)
        )
        _settle_after_return(loan.reservation_id, now)
    return ReturnResult("returned", loan, was_late)


def _return_refused(item: Item) -> ReturnResult:
    """Why no return was recorded, read after the conditional update (fresh state).

    The latest return not yet inspected means a second scan of the same return,
    possibly one that lost a race by a millisecond: "already_returned"."""
    last = (
        Loan.objects.filter(item=item, returned_at__isnull=False)
        .only("id", "item_id", "reservation_id", "returned_at", "inspected_at", "was_late")
        .order_by("-returned_at")
        .first()
    )
    if last is not None and last.inspected_at is None:
        return ReturnResult("already_returned", last, last.was_late)
    return ReturnResult("not_on_loan", None, False)


def _settle_after_return(reservation_id: int, now: datetime) -> None:
    """A handed-out reservation whose last unit just came back is returned: one UPDATE.

    It cannot be closed here (the unit just returned is not inspected yet); the
    caller holds the reservation's lock, so the check sees every earlier return."""
    outstanding = Loan.objects.filter(reservation=OuterRef("pk"), released_at__isnull=True).filter(
        Q(handed_out_at__isnull=True) | Q(returned_at__isnull=True)
    )
    Reservation.objects.filter(pk=reservation_id, state=Reservation.State.HANDED_OUT).exclude(
        Exists(outstanding)
    ).update(state=Reservation.State.RETURNED, returned_at=now)


@dataclass(frozen=True)
class ComponentCheck:
    """What a parts check did: ``changed`` is False when the same answer was already recorded."""

    loan: Loan
    missing: tuple[str, ...]
    changed: bool


def loan_components_report(
    *,
    loan: Loan,
    missing_components: Iterable[str],
    by,
    via: str = Loan.Via.KIOSK,
    now: datetime | None = None,
) -> ComponentCheck:
    """Record which parts came back with a returned loan; missing parts flag it for staff.

    Runs after the return itself (the kiosk records the return first, then asks
    the person to check the parts), so it only touches returned loans that have
    not been inspected yet. Sending the same answer twice changes nothing.
    """
    now = now or timezone.now()
    missing = tuple(dict.fromkeys(part.strip() for part in missing_components if part.strip()))
    with transaction.atomic():
        locked = Loan.objects.select_for_update().select_related("item").get(pk=loan.pk)
        if locked.returned_at is None:
            raise Refusal(_("This item has not been returned yet."))
        if locked.inspected_at is not None:
            raise Refusal(_("Staff have already inspected this item."))
        unknown = [part for part in missing if part not in locked.item.components]
        if unknown:
            raise Refusal(
                _("These parts are not on the item's list: %(parts)s")
                % {"parts": "、".join(unknown)},
                field="missing",
            )
        before = list(locked.missing_components or [])
        if locked.parts_check_answered and before == list(missing):
            return ComponentCheck(loan=locked, missing=missing, changed=False)
        locked.missing_components = list(missing)
        locked.parts_checked_at = now
        locked.save(update_fields=["missing_components", "parts_checked_at"])
        audit_record(
            actor=by,
            action="lending.loan.parts_missing" if missing else "lending.loan.parts_complete",
            target=locked,
            changes={"missing_components": [before, list(missing)]},
            note=_("Checked at the return kiosk") if via == Loan.Via.KIOSK else "",
        )
    return ComponentCheck(loan=locked, missing=missing, changed=True)


def _settle(reservation: Reservation, now: datetime) -> None:
    """Move a reservation on when all its units are back (returned) and checked (closed)."""
    loans = reservation.loans.filter(released_at__isnull=True)
    outstanding = loans.filter(Q(handed_out_at__isnull=True) | Q(returned_at__isnull=True))
    if reservation.state == Reservation.State.HANDED_OUT and not outstanding.exists():
        reservation.state = Reservation.State.RETURNED
        reservation.returned_at = now
        reservation.save(update_fields=["state", "returned_at"])
    if (
        reservation.state == Reservation.State.RETURNED
        and not loans.filter(inspected_at__isnull=True).exists()
    ):
        reservation.state = Reservation.State.CLOSED
        reservation.closed_at = now
        reservation.save(update_fields=["state", "closed_at"])


def loan_inspect(
    *,
    loan: Loan,
    by,
    result: str,
    note: str = "",
    compensation_required: bool = False,
    now: datetime | None = None,
) -> Loan:
    """Check a returned unit: OK → available; damaged or parts missing → in repair."""
    if result not in Loan.Inspection.values:
        raise ValueError(f"result must be one of {Loan.Inspection.values}")
    now = now or timezone.now()
    if result != Loan.Inspection.OK and not note.strip():
        raise Refusal(_("Please describe the damage or the missing parts."), field="note")
    with transaction.atomic():
        updated = Loan.objects.filter(
            pk=loan.pk, returned_at__isnull=False, inspected_at__isnull=True
        ).update(
            inspected_at=now,
            inspected_by=_actor(by),
            inspection_result=result,
            inspection_note=note.strip(),
            compensation_required=compensation_required and result != Loan.Inspection.OK,
        )
        if not updated:
            raise Refusal(_("This loan is not waiting for inspection."))
        new_status = (
            Item.Status.AVAILABLE if result == Loan.Inspection.OK else Item.Status.IN_REPAIR
        )
        fields = {"status": new_status}
        if result == Loan.Inspection.DAMAGED:
            fields["condition"] = Item.Condition.DAMAGED
        Item.objects.filter(pk=loan.item_id, status=Item.Status.AWAITING_INSPECTION).update(
            **fields
        )
        audit_record(
            actor=by,
            action="lending.loan.inspected",
            target=loan,
            changes={"inspection_result": [None, result], "item_status": [None, new_status]},
            note=note,
        )
        reservation = Reservation.objects.select_for_update().get(pk=loan.reservation_id)
        _settle(reservation, now)
        if new_status != Item.Status.AVAILABLE:  # in repair: no longer lent out
            bump_availability(
                Item.objects.filter(pk=loan.item_id).values_list("equipment_type_id", flat=True)
            )
    loan.refresh_from_db()
    return loan


def loans_hold_overdue_days(*, today: date | None = None) -> int:
    """Keep overdue units occupied through today (cron), so the database also knows
    they are not free. Days another reservation already holds are left to the desk."""
    today = today or timezone.localdate()
    rows = []
    for loan in Loan.objects.filter(
        handed_out_at__isnull=False, returned_at__isnull=True, due_date__lt=today
    ):
        rows += [
            ItemDay(item_id=loan.item_id, day=d, loan=loan)
            for d in _days(loan.due_date + timedelta(days=1), today)
        ]
    with transaction.atomic():
        ItemDay.objects.bulk_create(rows, ignore_conflicts=True)
        if rows:
            bump_availability(
                Item.objects.filter(pk__in={r.item_id for r in rows}).values_list(
                    "equipment_type_id", flat=True
                )
            )
    return len(rows)
