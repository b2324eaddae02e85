"""The lending rules of the city's 要綱, read from ``settings.TSUNAGU["lending"]``.

Why settings and not a database table: the rules change with the 要綱 (rarely,
by a decision, with a date), a deployment reads them from the city file, and
every rule here has one value per city. What does vary per record lives on the
records: which borrower kinds may borrow a type (``EquipmentType.eligible_kinds``)
and the most units of a type per reservation (``EquipmentType.max_per_reservation``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from core import office_calendar
from lending.models import EquipmentType, Organisation, Reservation


@dataclass(frozen=True)
class LendingRules:
    max_loan_days: int
    booking_window_days_neighbourhood: int
    booking_window_days_other: int
    max_items_per_reservation: int
    max_open_reservations_per_group: int
    provisional_hold_days: int

    def booking_window_days(self, kind: str) -> int:
        if kind == Organisation.Kind.NEIGHBOURHOOD:
            return self.booking_window_days_neighbourhood
        return self.booking_window_days_other

    def last_bookable_day(self, kind: str, today: date) -> date:
        return today + timedelta(days=self.booking_window_days(kind))


def current_rules() -> LendingRules:
    values = settings.TSUNAGU.get("lending", {})
    return LendingRules(
        max_loan_days=int(values.get("max_loan_days", 14)),
        booking_window_days_neighbourhood=int(values.get("booking_window_days_neighbourhood", 90)),
        booking_window_days_other=int(values.get("booking_window_days_other", 60)),
        max_items_per_reservation=int(values.get("max_items_per_reservation", 10)),
        max_open_reservations_per_group=int(values.get("max_open_reservations_per_group", 3)),
        provisional_hold_days=int(values.get("provisional_hold_days", 3)),
    )


def _day(value: date) -> str:
    return (
        formats.date_format(value, "SHORT_DATE_FORMAT") + f"（{'月火水木金土日'[value.weekday()]}）"
    )


def check_dates(
    *, kind: str, pickup_date: date, return_date: date, today: date, rules: LendingRules
) -> dict[str, list[str]]:
    """Errors of the dates alone, keyed by form field ("pickup_date", "return_date")."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if pickup_date < today:
        add("pickup_date", _("The pickup date has already passed."))
    for field, day in (("pickup_date", pickup_date), ("return_date", return_date)):
        reason = office_calendar.closed_reason(day)
        if reason:
            add(
                field,
                _("The office is closed on %(day)s (%(reason)s). The next open day is %(next)s.")
                % {
                    "day": _day(day),
                    "reason": reason,
                    "next": _day(office_calendar.next_open_day(day)),
                },
            )
    if return_date < pickup_date:
        add("return_date", _("The return date must be on or after the pickup date."))
    elif (return_date - pickup_date).days > rules.max_loan_days:
        add(
            "return_date",
            _("A loan may last at most %(days)d days: return by %(last)s at the latest.")
            % {
                "days": rules.max_loan_days,
                "last": _day(
                    _last_open_day_on_or_before(pickup_date + timedelta(days=rules.max_loan_days))
                ),
            },
        )
    last = rules.last_bookable_day(kind, today)
    if pickup_date > last:
        add(
            "pickup_date",
            _(
                "Your group can book at most %(days)d days ahead: choose a pickup date up to %(last)s."
            )
            % {"days": rules.booking_window_days(kind), "last": _day(last)},
        )
    return errors


def _last_open_day_on_or_before(day: date) -> date:
    for _step in range(office_calendar.MAX_SEARCH_DAYS):
        if office_calendar.is_open_day(day):
            return day
        day -= timedelta(days=1)
    return day


def check_request(
    *,
    organisation: Organisation,
    pickup_date: date,
    return_date: date,
    lines: Mapping[EquipmentType, int],
    declaration: bool,
    today: date,
    rules: LendingRules,
    exclude_reservation: Reservation | None = None,
) -> dict[str, list[str]]:
    """Every rule a new reservation must meet; {} when it may be booked."""
    errors = check_dates(
        kind=organisation.kind,
        pickup_date=pickup_date,
        return_date=return_date,
        today=today,
        rules=rules,
    )

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not organisation.is_verified or not organisation.is_active:
        add("__all__", _("This group has not been verified by staff yet, so it cannot book."))
    if not declaration:
        add(
            "declaration",
            _(
                "Please confirm that the equipment is not used for religious, political or commercial purposes."
            ),
        )
    wanted = {t: q for t, q in lines.items() if q}
    if not wanted:
        add("__all__", _("Choose at least one piece of equipment."))
    total = sum(wanted.values())
    if total > rules.max_items_per_reservation:
        add(
            "__all__",
            _("One reservation may include at most %(count)d items.")
            % {"count": rules.max_items_per_reservation},
        )
    for equipment_type, quantity in wanted.items():
        if quantity < 0:
            add("__all__", _("Quantities cannot be negative."))
        if not equipment_type.is_active:
            add("__all__", _("%(type)s is no longer lent.") % {"type": equipment_type.name})
        if not equipment_type.is_eligible(organisation.kind):
            add(
                "__all__",
                _("%(type)s cannot be lent to this kind of group (%(kind)s).")
                % {"type": equipment_type.name, "kind": organisation.get_kind_display()},
            )
        if equipment_type.max_per_reservation and quantity > equipment_type.max_per_reservation:
            add(
                "__all__",
                _("At most %(count)d of %(type)s per reservation.")
                % {"count": equipment_type.max_per_reservation, "type": equipment_type.name},
            )
    open_reservations = Reservation.objects.filter(
        organisation=organisation,
        state__in=Reservation.HOLDING_STATES,
        return_date__gte=today,
    )
    if exclude_reservation is not None:
        open_reservations = open_reservations.exclude(pk=exclude_reservation.pk)
    if open_reservations.count() >= rules.max_open_reservations_per_group:
        add(
            "__all__",
            _(
                "Your group already has %(count)d open reservations, the most allowed. "
                "Please wait until one is returned or cancel one."
            )
            % {"count": rules.max_open_reservations_per_group},
        )
    return errors
