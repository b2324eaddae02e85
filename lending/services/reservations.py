"""Reservations: request (with unit assignment), approve, reject, cancel, provisional holds."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import SCHEDULED_JOB, audit_record
from core.refusals import Refusal
from core.roles import Role, has_role
from lending import rules as lending_rules
from lending.models import (
    EquipmentType,
    Item,
    ItemDay,
    Kit,
    Loan,
    Organisation,
    Reservation,
    ReservationLine,
)
from lending.selectors import free_items, free_periods, kit_free_periods, kit_is_free
from lending.services.availability import bump_availability
from lending.services.notices import reservation_notify


class ReservationConflict(Refusal):
    """Not enough free units for the dates; ``free_periods`` lists dates that would work."""

    def __init__(
        self,
        message: str,
        *,
        equipment_type: EquipmentType | None = None,
        wanted: int = 0,
        free: int = 0,
        free_periods: list[tuple[date, date]] | None = None,
    ):
        super().__init__(message)
        self.equipment_type = equipment_type
        self.wanted = wanted
        self.free = free
        self.free_periods = free_periods or []


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _free_dates(periods: list[tuple[date, date]], none_free: str) -> str:
    """The suggestion after a conflict: the free periods found, or ``none_free``."""
    if not periods:
        return none_free
    return _("Free dates: %(periods)s.") % {
        "periods": "、".join(f"{_short(a)}〜{_short(b)}" for a, b in periods)
    }


def _conflict(
    reservation_like: dict, equipment_type: EquipmentType, quantity: int, free: int, today: date
) -> ReservationConflict:
    rules = lending_rules.rules_for(reservation_like["kind"], today)
    pickup, ret = reservation_like["pickup_date"], reservation_like["return_date"]
    periods = free_periods(
        equipment_type,
        quantity,
        nights=(ret - pickup).days,
        near=pickup,
        last_pickup=rules.last_bookable_day(today),
        today=today,
    )
    suggestion = _free_dates(
        periods, _("No free dates for this quantity within the booking window.")
    )
    message = _(
        "You asked for %(wanted)d %(type)s; from %(start)s to %(end)s only %(free)d are free."
    ) % {
        "free": max(free, 0),
        "wanted": quantity,
        "type": equipment_type.name,
        "start": _short(pickup),
        "end": _short(ret),
    }
    return ReservationConflict(
        f"{message} {suggestion}",
        equipment_type=equipment_type,
        wanted=quantity,
        free=max(free, 0),
        free_periods=periods,
    )


def _hold(loan: Loan, start: date, end: date) -> None:
    ItemDay.objects.bulk_create(
        [ItemDay(item_id=loan.item_id, day=day, loan=loan) for day in _days(start, end)]
    )


def _assign(
    reservation: Reservation, equipment_type: EquipmentType, quantity: int, today: date
) -> list[Loan]:
    """Pick free units and hold their days; the unique (item, day) index settles races.

    A competing transaction that took a unit first makes our insert fail (on
    PostgreSQL after waiting for its commit); we then look again (READ COMMITTED
    sees the commit) and either take other units or report the conflict.
    """
    free = 0
    # Every lost race means another transaction committed a unit of this type, so
    # the loop ends after at most as many rounds as there are units.
    rounds = Item.objects.filter(equipment_type=equipment_type).count() + 1
    for _round in range(rounds):
        candidates = list(
            free_items(
                equipment_type, reservation.pickup_date, reservation.return_date, today=today
            ).values_list("pk", flat=True)[:quantity]
        )
        free = len(candidates)
        if free < quantity:
            break
        try:
            with transaction.atomic():
                loans = [
                    Loan.objects.create(
                        reservation=reservation, item_id=pk, due_date=reservation.return_date
                    )
                    for pk in candidates
                ]
                for loan in loans:
                    _hold(loan, reservation.pickup_date, reservation.return_date)
                bump_availability([equipment_type.pk])
            return loans
        except IntegrityError:
            continue
        except OperationalError as exc:
            # Two requests taking several units in crossing order can deadlock on
            # PostgreSQL; the loser's savepoint is rolled back and it simply looks again.
            if type(exc.__cause__).__name__ != "DeadlockDetected":
                raise
            continue
    raise _conflict(
        {
            "pickup_date": reservation.pickup_date,
            "return_date": reservation.return_date,
            "kind": reservation.organisation.kind,
        },
        equipment_type,
        quantity,
        free,
        today,
    )


def _kit_conflict(kit: Kit, reservation: Reservation, today: date) -> ReservationConflict:
    rules = lending_rules.rules_for(reservation.organisation.kind, today)
    pickup, ret = reservation.pickup_date, reservation.return_date
    periods = kit_free_periods(
        kit,
        nights=(ret - pickup).days,
        near=pickup,
        last_pickup=rules.last_bookable_day(today),
        today=today,
    )
    suggestion = _free_dates(periods, _("No free dates for this kit within the booking window."))
    message = _(
        "The kit %(kit)s is not free from %(start)s to %(end)s: one of its units is booked, "
        "out or in repair."
    ) % {"kit": f"{kit.name}（{kit.tag_number}）", "start": _short(pickup), "end": _short(ret)}
    return ReservationConflict(f"{message} {suggestion}", free_periods=periods)


def _assign_kit(reservation: Reservation, kit: Kit, today: date) -> list[Loan]:
    """Hold every unit of a kit, or none: the same (item, day) index as single units.

    Units are taken in primary-key order, the order every other request takes them
    in, so two transactions wanting overlapping units wait for each other instead of
    deadlocking; the one that commits first wins and the other gets a conflict.
    """
    # Lock the kit's row first: a change of its units (kit_save locks it too) waits for
    # this booking, and a booking after such a change reads the new units.
    list(Kit.objects.select_for_update().filter(pk=kit.pk).values_list("pk", flat=True))
    member_ids = sorted(kit.members.values_list("item_id", flat=True))
    if not member_ids or not kit_is_free(
        kit, reservation.pickup_date, reservation.return_date, today=today
    ):
        raise _kit_conflict(kit, reservation, today)
    try:
        with transaction.atomic():
            loans = [
                Loan.objects.create(
                    reservation=reservation, item_id=pk, kit=kit, due_date=reservation.return_date
                )
                for pk in member_ids
            ]
            for loan in loans:
                _hold(loan, reservation.pickup_date, reservation.return_date)
            bump_availability(
                Item.objects.filter(pk__in=member_ids).values_list("equipment_type_id", flat=True)
            )
    except IntegrityError:
        raise _kit_conflict(kit, reservation, today) from None
    except OperationalError as exc:
        if type(exc.__cause__).__name__ != "DeadlockDetected":
            raise
        raise _kit_conflict(kit, reservation, today) from None
    return loans


def _release(reservation: Reservation, now: datetime) -> int:
    """Give back the days of units assigned but not handed out."""
    pending = reservation.loans.filter(handed_out_at__isnull=True, released_at__isnull=True)
    types = list(pending.values_list("item__equipment_type_id", flat=True))
    ItemDay.objects.filter(loan__in=pending).delete()
    released = pending.update(released_at=now)
    bump_availability(types)
    return released


def reservation_request(
    *,
    organisation: Organisation,
    pickup_date: date,
    return_date: date,
    lines: Mapping[EquipmentType, int],
    event_name: str,
    purpose: str,
    declaration: bool,
    by,
    kits: Sequence[Kit] = (),
    event_place: str = "",
    provisional: bool = False,
    now: datetime | None = None,
) -> Reservation:
    """A group asks for quantities of types and for whole kits; free units are assigned at once.

    ``provisional=True`` is a staff 仮予約 taken by phone: it holds the units until
    ``provisional_hold_days`` have passed unless staff approve it.
    Refuses with the broken rules by form field (``Refusal.errors``), or with a
    ``ReservationConflict`` that offers free dates.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    # The rules in force on the day of the request; the reservation keeps them.
    rules = lending_rules.rules_for(organisation.kind, today)
    if provisional and not has_role(by, Role.LENDING_STAFF):
        raise Refusal(_("Only lending staff can take a provisional booking."), field="provisional")
    wanted = {t: int(q) for t, q in lines.items() if q}
    kits = sorted(set(kits), key=lambda kit: kit.pk)
    errors = lending_rules.check_request(
        organisation=organisation,
        pickup_date=pickup_date,
        return_date=return_date,
        lines=wanted,
        kits=kits,
        declaration=declaration,
        today=today,
        rules=rules,
    )
    if errors:
        raise Refusal(errors=errors)
    with transaction.atomic():
        reservation = Reservation.objects.create(
            organisation=organisation,
            state=Reservation.State.PROVISIONAL if provisional else Reservation.State.REQUESTED,
            pickup_date=pickup_date,
            return_date=return_date,
            event_name=event_name,
            purpose=purpose,
            event_place=event_place,
            declaration=declaration,
            provisional_expires_at=(
                now + timedelta(days=rules.provisional_hold_days) if provisional else None
            ),
            requested_by=by if getattr(by, "is_authenticated", False) else None,
            created_at=now,
            rule=rules.rule,
        )
        ReservationLine.objects.bulk_create(
            [
                ReservationLine(reservation=reservation, equipment_type=t, quantity=q)
                for t, q in sorted(wanted.items(), key=lambda pair: pair[0].pk)
            ]
            + [ReservationLine(reservation=reservation, kit=kit, quantity=1) for kit in kits]
        )
        assigned = []
        # Kits first: a kit needs exactly its own units, a type line can take any free one.
        for kit in kits:
            assigned += _assign_kit(reservation, kit, today)
        for equipment_type, quantity in sorted(wanted.items(), key=lambda pair: pair[0].pk):
            assigned += _assign(reservation, equipment_type, quantity, today)
        audit_record(
            actor=by,
            action="lending.reservation.held_provisionally"
            if provisional
            else "lending.reservation.requested",
            target=reservation,
            changes={
                "state": [None, reservation.state],
                "items": [None, ", ".join(sorted(str(loan.item_id) for loan in assigned))],
            },
        )
    return reservation


def _locked(reservation: Reservation) -> Reservation:
    return (
        Reservation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=reservation.pk)
    )


def reservation_approve(
    *, reservation: Reservation, by, now: datetime | None = None
) -> Reservation:
    """Staff approve a request or a 仮予約; the group gets a mail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(reservation)
        if locked.state not in (Reservation.State.REQUESTED, Reservation.State.PROVISIONAL):
            raise Refusal(_("Only a request awaiting approval can be approved."))
        before = locked.state
        locked.state = Reservation.State.APPROVED
        locked.decided_by = by
        locked.decided_at = now
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            actor=by,
            action="lending.reservation.approved",
            target=locked,
            changes={"state": [before, locked.state]},
        )
        reservation_notify(locked, "approved", event="lending.reservation.approved", now=now)
    return locked


def reservation_reject(
    *, reservation: Reservation, by, reason: str, now: datetime | None = None
) -> Reservation:
    """Staff refuse a request with a reason the group reads in the mail."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise Refusal(_("Please write the reason for the group."), field="reason")
    with transaction.atomic():
        locked = _locked(reservation)
        if locked.state not in (Reservation.State.REQUESTED, Reservation.State.PROVISIONAL):
            raise Refusal(_("Only a request awaiting approval can be rejected."))
        before = locked.state
        locked.state = Reservation.State.REJECTED
        locked.rejection_reason = reason
        locked.decided_by = by
        locked.decided_at = now
        locked.save(update_fields=["state", "rejection_reason", "decided_by", "decided_at"])
        _release(locked, now)
        audit_record(
            actor=by,
            action="lending.reservation.rejected",
            target=locked,
            changes={"state": [before, locked.state]},
            note=reason,
        )
        reservation_notify(locked, "rejected", event="lending.reservation.rejected", now=now)
    return locked


def reservation_cancel(
    *, reservation: Reservation, by, reason: str = "", now: datetime | None = None
) -> Reservation:
    """The group (or staff for it) cancels before pickup; the units are free again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(reservation)
        if not locked.can_cancel:
            raise Refusal(_("This reservation can no longer be cancelled."))
        if locked.loans.filter(handed_out_at__isnull=False).exists():
            raise Refusal(_("Equipment has already been handed out."))
        before = locked.state
        locked.state = Reservation.State.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = (reason or "")[:200]
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        _release(locked, now)
        audit_record(
            actor=by,
            action="lending.reservation.cancelled",
            target=locked,
            changes={"state": [before, locked.state]},
            note=locked.cancel_reason,
        )
    return locked


def reservation_expire_provisional(*, now: datetime | None = None) -> list[Reservation]:
    """Expire 仮予約 whose hold has run out (cron); their units are free again."""
    now = now or timezone.now()
    expired = []
    pks = list(
        Reservation.objects.filter(
            state=Reservation.State.PROVISIONAL, provisional_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in pks:
        with transaction.atomic():
            locked = (
                Reservation.objects.select_for_update().select_related("organisation").get(pk=pk)
            )
            if locked.state != Reservation.State.PROVISIONAL:
                continue
            locked.state = Reservation.State.EXPIRED
            locked.cancelled_at = now
            locked.save(update_fields=["state", "cancelled_at"])
            _release(locked, now)
            audit_record(
                actor=None,
                actor_label=SCHEDULED_JOB,
                action="lending.reservation.expired",
                target=locked,
                changes={"state": [Reservation.State.PROVISIONAL, locked.state]},
            )
            reservation_notify(locked, "expired", event="lending.reservation.expired", now=now)
        expired.append(locked)
    return expired
