"""Reads of the lending app: lookups by scanned code, availability, desk lists, KPIs.

Other apps (kpi) use only what is here and in ``services``.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Window,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import office_calendar
from core.figures import Column, Figure, LazyRows
from core.fiscal import fiscal_year_bounds, fiscal_year_label, to_local_date
from lending.models import (
    EquipmentType,
    Item,
    ItemDay,
    Kit,
    KitMember,
    Loan,
    Membership,
    Organisation,
    Reservation,
)

# Items that can be promised for a future day. Items awaiting inspection count:
# the desk inspects within a day or two. Items in repair or retired do not.
RESERVABLE_STATUSES = (
    Item.Status.AVAILABLE,
    Item.Status.ON_LOAN,
    Item.Status.AWAITING_INSPECTION,
)

# Dashes a Japanese keyboard or IME may type instead of "-" in a 備品番号.
_DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff70\u2500]")
_TOKEN_IN_URL = re.compile(r"/t/([A-Za-z0-9_\-]+)")


# --- finding an item by what was scanned or typed ---------------------------


def normalise_code(code: str) -> str:
    """NFKC (full-width → half-width), trimmed, dashes unified."""
    text = unicodedata.normalize("NFKC", code or "").strip()
    return _DASHES.sub("-", text)


def code_terms(code: str) -> tuple[str, str | None] | None:
    """How a scanned or typed code is read: ``(token, tag_number)``, or None when it can
    name nothing. ``tag_number`` is None for a scanned URL, whose token alone counts.

    Accepts a full scanned URL (``{SITE_URL}/t/{token}``, any host: labels stay
    valid when the site moves), a bare token, or a typed 備品番号 in any width and
    case (``ｍｂ－ｐｊ－００１`` finds MB-PJ-001). Tokens are case-sensitive; 備品番号
    are not. A token never equals a tag number in practice (32 random characters),
    and a token match wins.
    """
    text = normalise_code(code)
    if not text:
        return None
    if match := _TOKEN_IN_URL.search(text):
        return match.group(1), None
    if "/" in text or " " in text:
        return None
    return text, text


def item_find_by_code(code: str) -> Item | None:
    """The item a scanned or typed code names (``code_terms``), or None.

    A re-issued label's old token finds nothing. Retired items ARE returned so the
    caller can tell the person "this item is retired" instead of "unknown code";
    check ``item.is_retired``. (The kiosk reads the code the same way, in the
    statement that locks the loan: ``lending.services.loans.loan_return_by_code``.)
    """
    terms = code_terms(code)
    if terms is None:
        return None
    token, tag_number = terms
    items = Item.objects.select_related("equipment_type")
    item = items.filter(qr_token=token).first()
    if item is None and tag_number is not None:
        item = items.filter(tag_number__iexact=tag_number).first()
    return item


def kit_find_by_code(code: str) -> Kit | None:
    """The kit a scanned or typed code names (its QR URL, token or 備品番号), or None.

    Same reading as ``item_find_by_code``; retired kits are returned too.
    """
    terms = code_terms(code)
    if terms is None:
        return None
    token, tag_number = terms
    kit = Kit.objects.filter(qr_token=token).first()
    if kit is None and tag_number is not None:
        kit = Kit.objects.filter(tag_number__iexact=tag_number).first()
    return kit


def kit_units_for_code(code: str) -> tuple[Kit, list[Item]] | None:
    """For a scan path: the kit a code names and its member units (two queries), or None.

    The kiosk and the desk call this when ``item_find_by_code`` found no unit, so a
    kit's own label hands out or returns all of its units at once.
    """
    kit = kit_find_by_code(code)
    if kit is None:
        return None
    units = list(
        Item.objects.filter(kit_memberships__kit=kit)
        .select_related("equipment_type")
        .order_by("tag_number")
    )
    return kit, units


# --- what is free when --------------------------------------------------------


def _overdue_loans(today: date) -> QuerySet[Loan]:
    return Loan.objects.filter(
        handed_out_at__isnull=False, returned_at__isnull=True, due_date__lt=today
    )


def free_items(
    equipment_type: EquipmentType, start: date, end: date, *, today: date | None = None
) -> QuerySet[Item]:
    """Units of a type not held on any day of [start, end] and not out overdue."""
    today = today or timezone.localdate()
    # Loose units first: a kit is broken up only when no other unit of the type is free.
    in_kit = Exists(KitMember.objects.filter(item=OuterRef("pk")))
    return (
        Item.objects.filter(equipment_type=equipment_type, status__in=RESERVABLE_STATUSES)
        .exclude(Exists(ItemDay.objects.filter(item=OuterRef("pk"), day__range=(start, end))))
        .exclude(Exists(_overdue_loans(today).filter(item=OuterRef("pk"))))
        .order_by(in_kit.asc(), "tag_number")
    )


def _busy_items(start: date, end: date, today: date) -> QuerySet[Item]:
    """Units that cannot be promised for [start, end]: held, out overdue, in repair or retired."""
    return Item.objects.filter(
        ~Q(status__in=RESERVABLE_STATUSES)
        | Exists(ItemDay.objects.filter(item=OuterRef("pk"), day__range=(start, end)))
        | Exists(_overdue_loans(today).filter(item=OuterRef("pk")))
    )


def free_kits(start: date, end: date, *, today: date | None = None) -> QuerySet[Kit]:
    """Kits in use whose every unit is free all of [start, end] (a unit in repair makes the
    kit not free); one query."""
    today = today or timezone.localdate()
    return (
        Kit.objects.filter(is_active=True)
        .filter(Exists(KitMember.objects.filter(kit=OuterRef("pk"))))
        .exclude(
            Exists(
                KitMember.objects.filter(
                    kit=OuterRef("pk"), item__in=_busy_items(start, end, today).values("pk")
                )
            )
        )
        .order_by("tag_number")
    )


def kit_is_free(kit: Kit, start: date, end: date, *, today: date | None = None) -> bool:
    return free_kits(start, end, today=today).filter(pk=kit.pk).exists()


@dataclass(frozen=True)
class TypeAvailability:
    equipment_type: EquipmentType
    total: int
    free: int


def availability(
    start: date, end: date, *, today: date | None = None, types: Iterable[int] | None = None
) -> list[TypeAvailability]:
    """For each active type, how many units exist and how many are free all of [start, end].

    One query whatever the number of items or days.
    """
    today = today or timezone.localdate()
    busy = Item.objects.filter(
        Exists(ItemDay.objects.filter(item=OuterRef("pk"), day__range=(start, end)))
        | Exists(_overdue_loans(today).filter(item=OuterRef("pk")))
    ).values("pk")
    reservable = Q(items__status__in=RESERVABLE_STATUSES)
    queryset = EquipmentType.objects.filter(is_active=True).annotate(
        total=Count("items", filter=reservable),
        busy=Count("items", filter=reservable & Q(items__in=busy)),
    )
    if types is not None:
        queryset = queryset.filter(pk__in=list(types))
    return [
        TypeAvailability(equipment_type=t, total=t.total, free=t.total - t.busy) for t in queryset
    ]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    free: int
    total: int
    closed_reason: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None


def free_by_day(
    equipment_type: EquipmentType, start: date, end: date, *, today: date | None = None
) -> dict[date, int]:
    """{day: free units} for every day of [start, end]; three queries."""
    return _free_by_day(equipment_type, start, end, today=today)[1]


def _free_by_day(
    equipment_type: EquipmentType, start: date, end: date, *, today: date | None = None
) -> tuple[int, dict[date, int]]:
    today = today or timezone.localdate()
    items = Item.objects.filter(equipment_type=equipment_type, status__in=RESERVABLE_STATUSES)
    total = items.count()
    busy: dict[date, set[int]] = defaultdict(set)
    for item_id, day in ItemDay.objects.filter(
        item__in=items.values("pk"), day__range=(start, end)
    ).values_list("item_id", "day"):
        busy[day].add(item_id)
    # An overdue unit is not free on any day from today on: nobody knows when it comes back.
    overdue = set(
        _overdue_loans(today).filter(item__in=items.values("pk")).values_list("item_id", flat=True)
    )
    result = {}
    day = start
    while day <= end:
        held = busy[day] | overdue if day >= today else busy[day]
        result[day] = total - len(held)
        day += timedelta(days=1)
    return total, result


def availability_cache_key(equipment_type_id: int) -> str:
    """core.pagecache key of the public month calendars of one type."""
    return f"lending.availability.{equipment_type_id}"


def type_calendar(
    equipment_type: EquipmentType, year: int, month: int, *, today: date | None = None
) -> list[CalendarDay]:
    """Each day of a month with the number of free units of a type."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    total, counts = _free_by_day(equipment_type, first, last, today=today)
    return [
        CalendarDay(day=d, free=n, total=total, closed_reason=office_calendar.closed_reason(d))
        for d, n in counts.items()
    ]


def free_periods(
    equipment_type: EquipmentType,
    quantity: int,
    *,
    nights: int,
    near: date,
    last_pickup: date,
    today: date | None = None,
    limit: int = 3,
) -> list[tuple[date, date]]:
    """Up to ``limit`` (pickup, return) pairs of open days from ``near`` on, each at most
    ``nights`` long, when ``quantity`` units of the type are free throughout."""
    today = today or timezone.localdate()
    start = max(near, today)
    if start > last_pickup:
        return []
    horizon = last_pickup + timedelta(days=nights + office_calendar.MAX_SEARCH_DAYS)
    counts = free_by_day(equipment_type, start, horizon, today=today)
    return _periods(
        lambda day: counts.get(day, 0) >= quantity,
        start=start,
        last_pickup=last_pickup,
        nights=nights,
        limit=limit,
    )


def kit_free_periods(
    kit: Kit,
    *,
    nights: int,
    near: date,
    last_pickup: date,
    today: date | None = None,
    limit: int = 3,
) -> list[tuple[date, date]]:
    """Like ``free_periods``, for a whole kit: days on which none of its units is held.

    None while a unit is in repair, retired or out overdue: nobody can say when it is back.
    """
    today = today or timezone.localdate()
    start = max(near, today)
    units = Item.objects.filter(kit_memberships__kit=kit)
    if start > last_pickup or not kit.is_active or not units.exists():
        return []
    if units.exclude(status__in=RESERVABLE_STATUSES).exists() or (
        _overdue_loans(today).filter(item__in=units.values("pk")).exists()
    ):
        return []
    horizon = last_pickup + timedelta(days=nights + office_calendar.MAX_SEARCH_DAYS)
    held = set(
        ItemDay.objects.filter(item__in=units.values("pk"), day__range=(start, horizon))
        .values_list("day", flat=True)
        .distinct()
    )
    return _periods(
        lambda day: day not in held,
        start=start,
        last_pickup=last_pickup,
        nights=nights,
        limit=limit,
    )


def _periods(
    is_free, *, start: date, last_pickup: date, nights: int, limit: int
) -> list[tuple[date, date]]:
    """(pickup, return) pairs of open days, at most ``nights`` long, free on every day."""
    found: list[tuple[date, date]] = []
    pickup = start
    while pickup <= last_pickup and len(found) < limit:
        if office_calendar.is_open_day(pickup):
            ret = pickup + timedelta(days=nights)
            # Pull a closed return day back to the last open day (never lengthen the loan).
            while ret > pickup and not office_calendar.is_open_day(ret):
                ret -= timedelta(days=1)
            span = [pickup + timedelta(days=i) for i in range((ret - pickup).days + 1)]
            if all(is_free(d) for d in span):
                found.append((pickup, ret))
                pickup = ret
        pickup += timedelta(days=1)
    return found


# --- who may see which reservation ---------------------------------------------


def user_organisations(user) -> QuerySet[Organisation]:
    """Organisations ``user`` acts for (staff-verified links only)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.VERIFIED
    )


def reservations_for_user(user) -> QuerySet[Reservation]:
    return Reservation.objects.filter(organisation__in=user_organisations(user).values("pk"))


def get_reservation_for_user(user, pk: int) -> Reservation:
    """The reservation if it belongs to one of the user's organisations; 404 for anyone else."""
    reservation = reservations_for_user(user).select_related("organisation").filter(pk=pk).first()
    if reservation is None:
        raise Http404
    return reservation


def reservation_with_details(pk: int) -> Reservation:
    reservation = (
        Reservation.objects.select_related("organisation", "requested_by", "decided_by")
        .prefetch_related(
            "lines__equipment_type", "lines__kit", "loans__item__equipment_type", "loans__kit"
        )
        .filter(pk=pk)
        .first()
    )
    if reservation is None:
        raise Http404
    return reservation


# --- the staff desk -------------------------------------------------------------


# Each desk queue shows its soonest rows and a count, with a link to the full list: a desk
# that renders every request of a backlog grows with the backlog (issue 18).
DESK_QUEUE_LENGTH = 20


@dataclass(frozen=True)
class Queue:
    """The first rows of one desk queue, and how many rows the queue has in all."""

    rows: list
    total: int

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def queue_of(queryset: QuerySet, length: int = DESK_QUEUE_LENGTH) -> Queue:
    """The first ``length`` rows of ``queryset`` and the total, in one query (a window count)."""
    rows = list(queryset.annotate(queue_total=Window(Count("pk")))[:length])
    return Queue(rows, rows[0].queue_total if rows else 0)


@dataclass(frozen=True)
class Desk:
    pickups_today: Queue
    returns_today: Queue
    awaiting_approval: Queue
    overdue: Queue
    awaiting_inspection: Queue


def desk(today: date | None = None) -> Desk:
    """Everything the desk handles today, soonest first, in a fixed number of queries."""
    today = today or timezone.localdate()
    reservations = Reservation.objects.order_by("pickup_date", "pk")
    queues = {
        "pickups_today": queue_of(
            reservations.filter(state=Reservation.State.APPROVED, pickup_date__lte=today)
        ),
        "returns_today": queue_of(
            reservations.filter(state=Reservation.State.HANDED_OUT, return_date=today).order_by(
                "pk"
            )
        ),
        "awaiting_approval": queue_of(
            reservations.filter(
                state__in=[Reservation.State.REQUESTED, Reservation.State.PROVISIONAL]
            )
        ),
    }
    # The groups and lines of the three reservation queues in one query each, after the
    # queues: a join to the groups in the queue queries made SQLite walk every reservation
    # of every group instead of the few in the queue.
    prefetch_related_objects(
        [r for queue in queues.values() for r in queue.rows],
        "organisation",
        "lines__equipment_type",
        "lines__kit",
    )
    return Desk(
        **queues,
        overdue=queue_of(
            _overdue_loans(today)
            .select_related("item__equipment_type", "reservation__organisation")
            .order_by("due_date", "item__tag_number")
        ),
        awaiting_inspection=queue_of(awaiting_inspection()),
    )


def awaiting_inspection() -> QuerySet[Loan]:
    return (
        Loan.objects.filter(returned_at__isnull=False, inspected_at__isnull=True)
        .select_related("item__equipment_type", "reservation__organisation")
        .order_by("returned_at")
    )


def open_loan_for_item(item: Item) -> Loan | None:
    return (
        Loan.objects.filter(item=item, handed_out_at__isnull=False, returned_at__isnull=True)
        .select_related("reservation__organisation")
        .first()
    )


def returned_loan_awaiting_inspection(item: Item) -> Loan | None:
    """The item's last loan when it is back (at the kiosk or the counter) but not inspected."""
    return (
        Loan.objects.filter(item=item, returned_at__isnull=False, inspected_at__isnull=True)
        .select_related("item", "reservation__organisation")
        .order_by("-returned_at")
        .first()
    )


# --- KPI sources (read by the kpi app) -------------------------------------------


def first_digital_loans_of_year(fiscal_year: int) -> QuerySet[Loan]:
    """Digital-ready loans handed out in ``fiscal_year`` (JST) whose reservation had no
    digital-ready hand-out before the year: one or more per counted reservation.

    Digital-ready is read from the loan (``was_digital_ready``, copied from the type at
    hand-out), so a tent handed out on 30 March and a tablet on 1 April count in the
    year of the tablet, and changing a type's flag later does not move a past year.
    """
    start, end = fiscal_year_bounds(fiscal_year)
    digital_loans = Loan.objects.filter(was_digital_ready=True, handed_out_at__isnull=False)
    earlier = digital_loans.filter(reservation=OuterRef("reservation"), handed_out_at__lt=start)
    return digital_loans.filter(handed_out_at__gte=start, handed_out_at__lt=end).filter(
        ~Exists(earlier)
    )


def digital_reservations_of_year(fiscal_year: int) -> QuerySet[Reservation]:
    """Reservations whose first digital-ready hand-out falls in ``fiscal_year`` (JST)."""
    return Reservation.objects.filter(
        pk__in=first_digital_loans_of_year(fiscal_year).values("reservation")
    )


def reservations_handed_out_in_year(fiscal_year: int) -> QuerySet[Reservation]:
    """Reservations whose first hand-out of any unit falls in ``fiscal_year`` (JST)."""
    start, end = fiscal_year_bounds(fiscal_year)
    return Reservation.objects.filter(handed_out_at__gte=start, handed_out_at__lt=end)


class _Names(Aggregate):
    """Distinct names of a group, comma-joined, in the same query (no portable one in Django 5.2)."""

    function = "GROUP_CONCAT"
    allow_distinct = True
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # Aggregate.as_sql passes its own template when there is a filter: set ours on a copy.
        clone = self.copy()
        clone.function = "STRING_AGG"
        clone.template = "%(function)s(%(distinct)s%(expressions)s, ',')"
        return clone.as_sql(compiler, connection, **extra_context)


def _loan_group_rows(reservations: QuerySet[Reservation], *, digital_only: bool) -> list[dict]:
    handed = Q(loans__handed_out_at__isnull=False)
    digital = handed & Q(loans__was_digital_ready=True)
    annotated = reservations.select_related("organisation").annotate(
        items_count=Count("loans", filter=handed),
        digital_count=Count("loans", filter=digital),
        first_digital_at=Min("loans__handed_out_at", filter=digital),
        # What was lent, by type: the public drill-down shows this, not the event name.
        type_names=_Names("loans__item__equipment_type__name", distinct=True, filter=handed),
    )
    counted_at = "first_digital_at" if digital_only else "handed_out_at"
    kinds = dict(Organisation.Kind.choices)
    return [
        {
            "handed_out_on": to_local_date(getattr(r, counted_at)),
            "reservation": r.pk,
            "organisation": r.organisation.name,
            "organisation_kind": str(kinds.get(r.organisation.kind, r.organisation.kind)),
            "event_name": r.event_name,
            "item_types": "、".join(sorted(set((r.type_names or "").split(",")) - {""})),
            "items": r.items_count,
            "digital_items": r.digital_count,
        }
        for r in annotated.order_by(counted_at, "pk")
    ]


LOAN_GROUP_COLUMNS = (
    Column("handed_out_on", gettext_lazy("Handed out on")),
    Column("reservation", gettext_lazy("Reservation no."), staff_only=True),
    Column("organisation", gettext_lazy("Organisation")),
    Column("organisation_kind", gettext_lazy("Kind")),
    Column("event_name", gettext_lazy("Event"), staff_only=True),
    Column("item_types", gettext_lazy("Equipment types")),
    Column("items", gettext_lazy("Items handed out")),
    Column("digital_items", gettext_lazy("Digital-ready items")),
)


def _loan_groups(fiscal_year: int, *, digital_only: bool) -> Figure:
    """The value is one SQL ``COUNT``; the rows are built only for the drill-down."""
    if digital_only:
        reservations = digital_reservations_of_year(fiscal_year)
        # Counted on the loans (DISTINCT reservation): ten times faster than counting
        # reservations ``pk IN`` the loans on a decade of data.
        value = first_digital_loans_of_year(fiscal_year).values("reservation").distinct().count()
        explanation = _(
            "One count per group for each reservation whose first digital-ready unit was "
            "handed out in %(year)s (Japan time); whether a unit was digital-ready is taken "
            "as recorded at hand-out."
        ) % {"year": fiscal_year_label(fiscal_year)}
    else:
        reservations = reservations_handed_out_in_year(fiscal_year)
        value = reservations.count()
        explanation = _(
            "One count per group for each loan handed out in %(year)s (Japan time), any equipment."
        ) % {"year": fiscal_year_label(fiscal_year)}
    return Figure(
        value=value,
        rows=LazyRows(lambda: _loan_group_rows(reservations, digital_only=digital_only)),
        columns=LOAN_GROUP_COLUMNS,
        explanation=explanation,
    )


def kpi_digital_loan_groups(fiscal_year: int) -> Figure:
    """延べ貸出団体数 (digital-ready): loans handed out in the fiscal year with a digital-ready item."""
    return _loan_groups(fiscal_year, digital_only=True)


def kpi_all_loan_groups(fiscal_year: int) -> Figure:
    """延べ貸出団体数 of all equipment handed out in the fiscal year."""
    return _loan_groups(fiscal_year, digital_only=False)
