"""Loans: hand-out by scanned code, return (kiosk and counter) with its parts check, inspection."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import audit_insert, audit_record
from core.figures import KPI_CACHE
from core.pagecache import bump
from core.refusals import Refusal
from lending.models import EquipmentType, Item, ItemDay, Loan, Organisation, Reservation
from lending.selectors import code_terms, item_find_by_code
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
    # The scanned unit (``loan_return_by_code``), for the screen.
    item: Item | None = None


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

    ``open_loan`` is the open loan as the caller already read it, or None when it
    found none; it only saves a read, the conditional update still decides. The
    kiosk calls ``loan_return_by_code`` instead, which reads and locks in one statement.
    """
    if via not in Loan.Via.values:
        raise ValueError(f"via must be one of {Loan.Via.values}")
    now = now or timezone.now()
    if open_loan is NOT_READ:
        open_loan = (
            Loan.objects.filter(item=item, handed_out_at__isnull=False, returned_at__isnull=True)
            .select_related("reservation__organisation")
            .first()
        )
    loan = open_loan
    with transaction.atomic():
        if loan is None:
            return _return_refused(item)
        # The reservation's lock first, as every service that writes a reservation's loans
        # takes it: two units of one reservation returned at once queue here, so the later
        # one's settle sees the earlier return (two scans of one unit queue here too).
        list(
            Reservation.objects.select_for_update()
            .filter(pk=loan.reservation_id)
            .order_by()
            .values_list("pk", flat=True)
        )
        if not _record_return(loan, item, by=by, via=via, missing=missing_components, now=now):
            return _return_refused(item)
    return ReturnResult("returned", loan, loan.was_late)


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


# --- the return kiosk's scan (issue 18) ----------------------------------------------
#
# The scan is lending's hot path: its statements are written out in SQL that SQLite and
# PostgreSQL both run. Built by the ORM they cost most of a scan's CPU time (the joined
# lookup alone took 1.7 ms to compile, the whole scan 9 ms). Values go through their
# fields' ``get_db_prep_save``, as the ORM would send them. tests/lending/test_kiosk.py
# runs every statement on both databases.

# The unit a code names: its token, else its 備品番号 in any case (a token match wins,
# as in ``item_find_by_code``). Parameters: token, tag number (None for a QR URL).
# Two branches so that each finds its row through an index (qr_token's unique index, the
# upper-cased number's index): one OR of the two read every unit.
_SCANNED_ITEM = (
    "SELECT id FROM (SELECT id, 0 AS pick FROM lending_item WHERE qr_token = %s "
    "UNION ALL SELECT id, 1 AS pick FROM lending_item WHERE UPPER(tag_number) = UPPER(%s)) "
    "AS scanned ORDER BY pick LIMIT 1"
)
_ITEM_COLUMNS = "i.id, i.tag_number, i.name, i.status, i.components, t.id, t.name"
# The unit and its open loan with what the audit entry names (the group), locking the
# loan's reservation on PostgreSQL (SQLite's BEGIN IMMEDIATE already holds the database).
_OPEN_LOAN = (
    f"SELECT {_ITEM_COLUMNS}, l.id, l.due_date, r.id, o.id, o.name "  # noqa: S608 - constants
    "FROM lending_item i "
    "JOIN lending_equipmenttype t ON t.id = i.equipment_type_id "
    "JOIN lending_loan l ON l.item_id = i.id "
    "AND l.handed_out_at IS NOT NULL AND l.returned_at IS NULL "
    "JOIN lending_reservation r ON r.id = l.reservation_id "
    "JOIN lending_organisation o ON o.id = r.organisation_id "
    f"WHERE i.id = ({_SCANNED_ITEM})"
)
# The unit when it is not out, with its latest return (for "already returned").
_LAST_RETURN = (
    f"SELECT {_ITEM_COLUMNS}, l.id, l.was_late, l.inspected_at "  # noqa: S608 - constants
    "FROM lending_item i "
    "JOIN lending_equipmenttype t ON t.id = i.equipment_type_id "
    "LEFT JOIN lending_loan l ON l.id = (SELECT id FROM lending_loan "
    "WHERE item_id = i.id AND returned_at IS NOT NULL ORDER BY returned_at DESC LIMIT 1) "
    f"WHERE i.id = ({_SCANNED_ITEM})"
)


def loan_return_by_code(
    *, code: str, by, via: str, now: datetime | None = None
) -> ReturnResult | None:
    """The kiosk's scan: record the return of the unit ``code`` names (as ``loan_return``).

    None when no unit has this code (the caller tries a kit's label). Otherwise the
    result carries the unit (``result.item``, with its type) for the screen; a retired
    unit is never returned here. One transaction: the lookup that locks the reservation,
    then the return's five writes (``_record_return``); the conditional update decides.
    """
    if via not in Loan.Via.values:
        raise ValueError(f"via must be one of {Loan.Via.values}")
    terms = code_terms(code)
    if terms is None:
        return None
    token, tag = terms
    now = now or timezone.now()
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update_of else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_OPEN_LOAN + lock, [token, tag])
        row = cursor.fetchone()
        if row is not None:
            item = _scanned_item(row)
            if not item.is_retired:
                loan_id, due_date, reservation_id, organisation_id, organisation_name = row[7:]
                organisation = Organisation.from_db(
                    connection.alias, ["id", "name"], [organisation_id, organisation_name]
                )
                reservation = Reservation.from_db(
                    connection.alias, ["id", "organisation_id"], [reservation_id, organisation_id]
                )
                reservation.organisation = organisation
                loan = Loan.from_db(
                    connection.alias,
                    ["id", "reservation_id", "item_id", "due_date"],
                    [loan_id, reservation_id, item.pk, due_date],
                )
                loan.reservation = reservation
                if _record_return(loan, item, by=by, via=via, missing=(), now=now):
                    return ReturnResult("returned", loan, loan.was_late, item=item)
        cursor.execute(_LAST_RETURN, [token, tag])
        row = cursor.fetchone()
    if row is None:
        return None
    item = _scanned_item(row)
    last_id, was_late, inspected_at = row[7:]
    if last_id is None or inspected_at is not None:
        return ReturnResult("not_on_loan", None, False, item=item)
    last = Loan.from_db(
        connection.alias, ["id", "item_id", "was_late"], [last_id, item.pk, bool(was_late)]
    )
    return ReturnResult("already_returned", last, last.was_late, item=item)


def _scanned_item(row) -> Item:
    """The unit of a scan row (``_ITEM_COLUMNS``) with its type's name, and nothing else."""
    item_id, tag_number, name, status, components, type_id, type_name = row[:7]
    components = Item._meta.get_field("components").from_db_value(components, None, connection)
    kind = EquipmentType.from_db(connection.alias, ["id", "name"], [type_id, type_name])
    item = Item.from_db(
        connection.alias,
        ["id", "equipment_type_id", "tag_number", "name", "status", "components"],
        [item_id, type_id, tag_number, name, status, components],
    )
    item.equipment_type = kind
    return item


# The return's writes (``_record_return``). Each ends in its WHERE clause, so that on
# PostgreSQL they can be joined into one statement that writes only after the return.
_RETURN_LOAN = (
    "UPDATE lending_loan SET returned_at = %s, returned_by_id = %s, returned_via = %s, "
    "missing_components = %s, parts_checked_at = %s, was_late = %s "
    "WHERE id = %s AND returned_at IS NULL"
)
_MARK_ITEM = "UPDATE lending_item SET status = %s WHERE id = %s"
# The days after today are free again; days already lived stay as history.
_FREE_DAYS = "DELETE FROM lending_itemday WHERE loan_id = %s AND day > %s"
# A handed-out reservation whose last unit is back is returned (not closed: the unit is
# not inspected yet). The loan being returned is left out of the check: on PostgreSQL it
# runs in the statement that returns it, which does not see its own update.
_SETTLE = (
    "UPDATE lending_reservation SET state = %s, returned_at = %s "
    "WHERE id = %s AND state = %s AND NOT EXISTS (SELECT 1 FROM lending_loan "
    "WHERE reservation_id = %s AND id <> %s AND released_at IS NULL "
    "AND (handed_out_at IS NULL OR returned_at IS NULL))"
)


def _record_return(
    loan: Loan, item: Item, *, by, via: str, missing: Sequence[str], now: datetime
) -> bool:
    """The return's writes, in the caller's transaction, which holds the reservation's lock
    (so the settle sees every earlier return of the reservation's other units).

    False (nothing written) when the loan was returned already: the conditional
    update is what makes one scan, and only one, record the return. On PostgreSQL
    the five writes are one statement (one round trip instead of five); SQLite runs
    them one by one, in the same order."""
    today = timezone.localdate(now)
    missing = list(dict.fromkeys(str(part).strip() for part in missing if str(part).strip()))
    was_late = today > loan.due_date
    actor = _actor(by)
    # At the counter staff tick the parts with the return itself; the kiosk asks
    # right after it (loan_components_report), so there the check is still open.
    parts_checked_at = now if via == Loan.Via.COUNTER else None
    returned_at = _db(Loan, "returned_at", now)
    return_loan = [
        returned_at,
        actor.pk if actor else None,
        via,
        _db(Loan, "missing_components", missing),
        _db(Loan, "parts_checked_at", parts_checked_at),
        was_late,
        loan.pk,
    ]
    mark_item = [Item.Status.AWAITING_INSPECTION.value, item.pk]
    free_days = [loan.pk, _db(ItemDay, "day", today)]
    settle = [
        Reservation.State.RETURNED.value,
        returned_at,
        loan.reservation_id,
        Reservation.State.HANDED_OUT.value,
        loan.reservation_id,
        loan.pk,
    ]
    loan.item = item
    audit = {
        "actor": by,
        "action": "lending.loan.returned",
        "target": loan,
        "changes": {"returned_via": [None, via], "missing_components": [None, ", ".join(missing)]},
        "note": _("late") if was_late else "",
    }
    # No core.pagecache bump here: a return only frees days, so a cached public calendar
    # errs on the safe side (a unit shown taken that is free) for at most
    # PUBLIC_CACHE_SECONDS, and the kiosk scan keeps its statements (issue 18).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            audit_sql, audit_params = audit_insert(**audit, source="FROM returned")
            after_return = "AND EXISTS (SELECT 1 FROM returned)"
            cursor.execute(
                f"WITH returned AS ({_RETURN_LOAN} RETURNING id), "  # noqa: S608 - constants
                f"item AS ({_MARK_ITEM} {after_return}), "
                f"days AS ({_FREE_DAYS} {after_return}), "
                f"settle AS ({_SETTLE} {after_return}), "
                f"audit AS ({audit_sql}) "
                "SELECT count(*) FROM returned",
                [*return_loan, *mark_item, *free_days, *settle, *audit_params],
            )
            if cursor.fetchone()[0] != 1:
                return False
        else:
            cursor.execute(_RETURN_LOAN, return_loan)
            if cursor.rowcount != 1:
                return False
            cursor.execute(_MARK_ITEM, mark_item)
            cursor.execute(_FREE_DAYS, free_days)
            cursor.execute(*audit_insert(**audit))
            cursor.execute(_SETTLE, settle)
    loan.returned_at, loan.returned_by, loan.returned_via = now, actor, via
    loan.missing_components, loan.parts_checked_at, loan.was_late = (
        missing,
        parts_checked_at,
        was_late,
    )
    item.status = Item.Status.AWAITING_INSPECTION
    return True


def _db(model, name: str, value):
    """``value`` as the ORM sends it for ``model.name`` (dates, times, JSON differ by database)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


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
