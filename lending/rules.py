"""The lending rules of the city's 要綱: one ``LendingRule`` row per kind of borrower
and effective date, changed by 生活課's lead on ``/lending/rules/``.

The city file (``settings.TSUNAGU["lending"]``) gives the first values only: a kind
of group for which nobody has recorded a rule yet reads them from there; from the
first change on, the database decides (and the city file is no longer read for it).
A rule applies to the requests made from its effective date on (by the request's
day, Japan time); each reservation keeps the row it was checked under
(``Reservation.rule``), so changing a rule never changes a reservation already made.
What varies per equipment type stays on the type (``eligible_kinds``,
``max_per_reservation``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import office_calendar
from core.fiscal import short_date
from lending.models import EquipmentType, Kit, LendingRule, Organisation, Reservation

# The values a rule carries, in the order the pages show them.
RULE_FIELDS = (
    "may_borrow",
    "max_loan_days",
    "booking_window_days",
    "max_items_per_reservation",
    "max_open_reservations_per_group",
    "provisional_hold_days",
)


@dataclass(frozen=True)
class LendingRules:
    """The rules for one kind of borrower; ``rule`` is the row they come from (None:
    the city file's first values)."""

    kind: str
    may_borrow: bool
    max_loan_days: int
    booking_window_days: int
    max_items_per_reservation: int
    max_open_reservations_per_group: int
    provisional_hold_days: int
    rule: LendingRule | None = None

    def last_bookable_day(self, today: date) -> date:
        return today + timedelta(days=self.booking_window_days)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in RULE_FIELDS}


def city_file_rules(kind: str) -> LendingRules:
    """The first values, from the city file (``[lending]``)."""
    values = settings.TSUNAGU.get("lending", {})
    window = (
        values.get("booking_window_days_neighbourhood", 90)
        if kind == Organisation.Kind.NEIGHBOURHOOD
        else values.get("booking_window_days_other", 60)
    )
    return LendingRules(
        kind=kind,
        may_borrow=True,
        max_loan_days=int(values.get("max_loan_days", 14)),
        booking_window_days=int(window),
        max_items_per_reservation=int(values.get("max_items_per_reservation", 10)),
        max_open_reservations_per_group=int(values.get("max_open_reservations_per_group", 3)),
        provisional_hold_days=int(values.get("provisional_hold_days", 3)),
    )


def rules_from_row(rule: LendingRule) -> LendingRules:
    return LendingRules(
        kind=rule.borrower_kind, rule=rule, **{name: getattr(rule, name) for name in RULE_FIELDS}
    )


def rules_by_kind(on: date | None = None) -> dict[str, LendingRules]:
    """{kind: the rules in force on ``on``} for every kind of group, in one query."""
    on = on or timezone.localdate()
    found: dict[str, LendingRules] = {}
    # Newest first: the first row met per kind is the one in force.
    for rule in LendingRule.objects.filter(effective_from__lte=on).order_by(
        "-effective_from", "-created_at", "-pk"
    ):
        found.setdefault(rule.borrower_kind, rules_from_row(rule))
    return {kind: found.get(kind) or city_file_rules(kind) for kind in Organisation.Kind.values}


def rules_for(kind: str, on: date | None = None) -> LendingRules:
    """The rules for ``kind`` in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    rule = (
        LendingRule.objects.filter(borrower_kind=kind, effective_from__lte=on)
        .order_by("-effective_from", "-created_at", "-pk")
        .first()
    )
    return rules_from_row(rule) if rule else city_file_rules(kind)


def rules_of_reservation(reservation: Reservation) -> LendingRules:
    """The rules a reservation was made under (never the ones in force today)."""
    if reservation.rule_id:
        return rules_from_row(reservation.rule)
    return city_file_rules(reservation.organisation.kind)


def _day(value: date) -> str:
    return short_date(value)


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
                    office_calendar.last_open_day_on_or_before(
                        pickup_date + timedelta(days=rules.max_loan_days)
                    )
                ),
            },
        )
    last = rules.last_bookable_day(today)
    if pickup_date > last:
        add(
            "pickup_date",
            _(
                "Your group can book at most %(days)d days ahead: choose a pickup date up to %(last)s."
            )
            % {"days": rules.booking_window_days, "last": _day(last)},
        )
    return errors


def open_reservations(organisation: Organisation, today: date, *, exclude=None):
    """The group's reservations that count towards its limit of open requests."""
    found = Reservation.objects.filter(
        organisation=organisation, state__in=Reservation.HOLDING_STATES, return_date__gte=today
    )
    return found.exclude(pk=exclude.pk) if exclude is not None else found


@dataclass(frozen=True)
class GroupLimit:
    """Where a group stands against its rules, shown before it fills in a request."""

    organisation: Organisation
    rules: LendingRules
    open_count: int

    @property
    def at_limit(self) -> bool:
        return self.open_count >= self.rules.max_open_reservations_per_group

    @property
    def may_request(self) -> bool:
        return self.rules.may_borrow and not self.at_limit


def group_limits(organisations, today: date | None = None) -> list[GroupLimit]:
    today = today or timezone.localdate()
    return [
        GroupLimit(
            organisation=organisation,
            rules=rules_for(organisation.kind, today),
            open_count=open_reservations(organisation, today).count(),
        )
        for organisation in organisations
    ]


def _units_owned(wanted: Mapping[EquipmentType, int]) -> dict[int, int]:
    """{type pk: units that can be lent at all} for the requested types, in one query."""
    from lending.selectors import RESERVABLE_STATUSES

    counts = dict.fromkeys((t.pk for t in wanted), 0)
    for type_id, count in (
        EquipmentType.objects.filter(pk__in=list(counts))
        .annotate(n=Count("items", filter=Q(items__status__in=RESERVABLE_STATUSES)))
        .values_list("pk", "n")
    ):
        counts[type_id] = count
    return counts


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
    kits: Sequence[Kit] = (),
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
    if not rules.may_borrow:
        add(
            "__all__",
            _("Under the current rules, groups of this kind (%(kind)s) cannot borrow equipment.")
            % {"kind": organisation.get_kind_display()},
        )
    if not declaration:
        add(
            "declaration",
            _(
                "Please confirm that the equipment is not used for religious, political or commercial purposes."
            ),
        )
    wanted = {t: q for t, q in lines.items() if q}
    if not wanted and not kits:
        add("__all__", _("Choose at least one piece of equipment."))
    # A kit goes out as one piece of equipment and counts as one towards the limit.
    total = sum(wanted.values()) + len(kits)
    for kit in kits:
        if not kit.is_active:
            add("__all__", _("The kit %(kit)s is no longer lent.") % {"kit": kit.name})
        for item in kit.member_items():
            if not item.equipment_type.is_eligible(organisation.kind):
                add(
                    "__all__",
                    _(
                        "The kit %(kit)s contains %(type)s, which cannot be lent to this kind of group (%(kind)s)."
                    )
                    % {
                        "kit": kit.name,
                        "type": item.equipment_type.name,
                        "kind": organisation.get_kind_display(),
                    },
                )
    if total > rules.max_items_per_reservation:
        add(
            "__all__",
            _("One reservation may include at most %(count)d items.")
            % {"count": rules.max_items_per_reservation},
        )
    owned = _units_owned(wanted)
    for equipment_type, quantity in wanted.items():
        if quantity > owned[equipment_type.pk]:
            # More than exist is never possible, on any date: say so, not "only n free".
            add(
                f"quantity_{equipment_type.pk}",
                _("The city has only %(count)d %(type)s.")
                % {"count": owned[equipment_type.pk], "type": equipment_type.name},
            )
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
    if (
        open_reservations(organisation, today, exclude=exclude_reservation).count()
        >= rules.max_open_reservations_per_group
    ):
        add(
            "__all__",
            _(
                "Your group already has %(count)d open reservations, the most allowed. "
                "Please wait until one is returned or cancel one."
            )
            % {"count": rules.max_open_reservations_per_group},
        )
    return errors
