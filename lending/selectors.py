"""Reads of the lending app: lookups by scanned code, availability, desk lists, KPIs.

Other apps (kpi) use only what is here and in ``services``.
"""

import functools
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import office_calendar
from core.figures import Column, Figure, LazyRows
from core.fiscal import (
    fiscal_year_bounds,
    fiscal_year_label,
    short_date,
    to_local_date,
)
from core.tables.dates import LocalDateFormat
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

# The badge of each reservation state, as ``lending/_state.html`` draws it.
STATE_BADGES = {
    Reservation.State.APPROVED: "badge--ok",
    Reservation.State.CLOSED: "badge--ok",
    Reservation.State.RETURNED: "badge--ok",
    Reservation.State.REJECTED: "badge--danger",
    Reservation.State.CANCELLED: "badge--danger",
    Reservation.State.EXPIRED: "badge--danger",
}

# The desk is opened all day, and through the ORM its five queues took seven queries and
# most of the page's time: building and compiling each query cost several times what the
# database needed to answer it. So the queues are two statements written out, one for the
# reservations (with their groups and lines) and one for the loans; each queue is the
# soonest rows of one filter with a window count of all its rows, planned like the
# queryset it stands for (``desk_querysets``; tests/lending/test_desk.py holds each
# statement to them on both databases): the loan queues on their partial indexes, the
# reservation queues on (state, pickup_date).
_DESK_RESERVATIONS_SQL = """
SELECT q.queue, q.total, q.id, q.state, q.pickup_date, q.return_date, o.name,
       l.quantity, t.name, k.name, k.tag_number
FROM (
    SELECT * FROM (
        SELECT 0 AS queue, COUNT(*) OVER () AS total,
               r.id, r.state, r.pickup_date, r.return_date, r.organisation_id
        FROM lending_reservation r
        WHERE r.state = %(approved)s AND r.pickup_date <= %(today)s
        ORDER BY r.pickup_date, r.id LIMIT %(length)s
    ) AS pickups_today
    UNION ALL
    SELECT * FROM (
        SELECT 1 AS queue, COUNT(*) OVER () AS total,
               r.id, r.state, r.pickup_date, r.return_date, r.organisation_id
        FROM lending_reservation r
        WHERE r.state = %(handed_out)s AND r.return_date = %(today)s
        ORDER BY r.id LIMIT %(length)s
    ) AS returns_today
    UNION ALL
    SELECT * FROM (
        SELECT 2 AS queue, COUNT(*) OVER () AS total,
               r.id, r.state, r.pickup_date, r.return_date, r.organisation_id
        FROM lending_reservation r
        WHERE r.state IN (%(requested)s, %(provisional)s)
        ORDER BY r.pickup_date, r.id LIMIT %(length)s
    ) AS awaiting_approval
) AS q
JOIN lending_organisation o ON o.id = q.organisation_id
LEFT JOIN lending_reservationline l ON l.reservation_id = q.id
LEFT JOIN lending_equipmenttype t ON t.id = l.equipment_type_id
LEFT JOIN lending_kit k ON k.id = l.kit_id
-- Each queue in its own order: returns by number, the others by pickup date.
ORDER BY q.queue, CASE WHEN q.queue = 1 THEN q.id END, q.pickup_date, q.id, l.id
"""

_DESK_LOANS_SQL = """
SELECT q.queue, q.total, q.id, q.item_id, i.tag_number, t.name, q.reservation_id, o.name,
       o.return_contact_name, o.return_contact_phone, o.representative_name,
       o.representative_phone, q.due_date, q.returned_at, q.was_late, q.missing_components
FROM (
    SELECT * FROM (
        SELECT 0 AS queue, COUNT(*) OVER () AS total,
               l.id, l.item_id, l.reservation_id, l.due_date, l.returned_at, l.was_late,
               l.missing_components
        FROM lending_loan l JOIN lending_item i ON i.id = l.item_id
        WHERE l.handed_out_at IS NOT NULL AND l.returned_at IS NULL
          AND l.due_date < %(today)s
        ORDER BY l.due_date, i.tag_number, l.id LIMIT %(length)s
    ) AS overdue
    UNION ALL
    SELECT * FROM (
        SELECT 1 AS queue, COUNT(*) OVER () AS total,
               l.id, l.item_id, l.reservation_id, l.due_date, l.returned_at, l.was_late,
               l.missing_components
        FROM lending_loan l
        WHERE l.returned_at IS NOT NULL AND l.inspected_at IS NULL
        ORDER BY l.returned_at, l.id LIMIT %(length)s
    ) AS awaiting_inspection
) AS q
JOIN lending_item i ON i.id = q.item_id
JOIN lending_equipmenttype t ON t.id = i.equipment_type_id
JOIN lending_reservation r ON r.id = q.reservation_id
JOIN lending_organisation o ON o.id = r.organisation_id
-- Each queue in its own order: overdue by due date and tag, the others by return (the
-- overdue loans are not back, so their returned_at is NULL).
ORDER BY q.queue, CASE WHEN q.queue = 0 THEN q.due_date END,
         CASE WHEN q.queue = 0 THEN i.tag_number END, q.returned_at, q.id
"""


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


class _Cells:
    """A row that templates read: Django tries ``row[name]`` before ``getattr(row, name)``,
    and a row that answers it spares a raised and caught TypeError in every cell."""

    __slots__ = ()

    def __getitem__(self, name: str) -> object:
        return getattr(self, name)


@dataclass(slots=True)
class DeskReservation(_Cells):
    """A reservation as a desk queue shows it, links and labels worked out once."""

    pk: int
    number: str  # the pk as shown: 18392, never 18,392
    url: str
    hand_out_url: str
    organisation: str
    pickup_date: date
    return_date: date
    dates: str  # 2026/12/08（火）〜2026/12/09（水）
    state: str
    state_label: str
    state_badge: str
    equipment: str = ""  # what it asks for: プロジェクター×1、テント×2


@dataclass(frozen=True, slots=True)
class DeskLoan(_Cells):
    """A loan as the overdue and inspection queues show it."""

    pk: int
    item_url: str
    inspect_url: str
    tag_number: str
    type_name: str
    reservation_url: str
    organisation: str
    contact_name: str
    contact_phone: str
    due_date: date
    due: str
    returned_at: datetime | None
    returned: str
    was_late: bool
    missing_components: list[str]


@dataclass(frozen=True)
class Desk:
    pickups_today: Queue
    returns_today: Queue
    awaiting_approval: Queue
    overdue: Queue
    awaiting_inspection: Queue


def desk_querysets(today: date) -> dict[str, QuerySet]:
    """What each desk queue is, in the ORM: ``desk`` reads the soonest rows of each."""
    reservations = Reservation.objects.order_by("pickup_date", "pk")
    return {
        "pickups_today": reservations.filter(
            state=Reservation.State.APPROVED, pickup_date__lte=today
        ),
        "returns_today": reservations.filter(
            state=Reservation.State.HANDED_OUT, return_date=today
        ).order_by("pk"),
        "awaiting_approval": reservations.filter(
            state__in=[Reservation.State.REQUESTED, Reservation.State.PROVISIONAL]
        ),
        "overdue": _overdue_loans(today).order_by("due_date", "item__tag_number", "pk"),
        "awaiting_inspection": awaiting_inspection(),
    }


@functools.lru_cache(maxsize=1024)
def _short_date(language: str, day: date) -> str:
    """``short_date`` remembered: it costs more than the rest of a row, and the desk's days
    (this week's pickups and returns) come back on every request. A day's text depends on
    the language alone, so nothing ever makes an entry stale."""
    return short_date(day)


def _link(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many rows at the cost of one ``reverse`` (at the
    first row: an empty queue reverses nothing)."""
    marker = "2147483647"
    parts: list[str] = []

    def link(pk: int) -> str:
        if not parts:
            parts.extend(reverse(name, args=[int(marker)]).rsplit(marker, 1))
        return f"{parts[0]}{pk}{parts[1]}"

    return link


def _fetch(sql: str, params: dict) -> list[tuple]:
    """The rows of one of the desk's statements, as the database driver returns them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _with_constants(sql: str) -> str:
    """``sql`` with the states and the queue length written in as literals (our own
    constants, never input), ``today`` left a parameter. PostgreSQL keeps one plan of a
    prepared statement only when that plan is as good as planning each call: with the
    states and the LIMIT as parameters it was not, so both statements were planned on every
    request (1.6 ms of the database's CPU, 0.6 written in; issue 18)."""
    states = Reservation.State
    constants = {
        "approved": states.APPROVED,
        "handed_out": states.HANDED_OUT,
        "requested": states.REQUESTED,
        "provisional": states.PROVISIONAL,
    }
    for name, state in constants.items():
        sql = sql.replace(f"%({name})s", f"'{state.value}'")
    return sql.replace("%(length)s", str(int(DESK_QUEUE_LENGTH)))


_DESK_RESERVATIONS_SQL = _with_constants(_DESK_RESERVATIONS_SQL)
_DESK_LOANS_SQL = _with_constants(_DESK_LOANS_SQL)


def desk(today: date | None = None) -> Desk:
    """Everything the desk handles today, soonest first, in two queries."""
    params = {"today": connection.ops.adapt_datefield_value(today or timezone.localdate())}
    return Desk(
        *_reservation_queues(_fetch(_DESK_RESERVATIONS_SQL, params)),
        *_loan_queues(_fetch(_DESK_LOANS_SQL, params)),
    )


def _reservation_queues(rows: list[tuple]) -> list[Queue]:
    """The three reservation queues from their rows (one row per line, soonest first)."""
    detail, hand_out = _link("lending:reservation_detail"), _link("lending:reservation_hand_out")
    language = get_language()
    state_label = functools.cache(lambda state: str(Reservation.State(state).label))
    queues: list[list[DeskReservation]] = [[], [], []]
    totals = [0, 0, 0]
    seen: set[int] = set()
    lines: dict[int, list[str]] = defaultdict(list)
    for queue, total, pk, state, pickup, ret, name, quantity, type_name, kit, kit_tag in rows:
        if pk not in seen:
            seen.add(pk)
            totals[queue] = total
            queues[queue].append(
                DeskReservation(
                    pk=pk,
                    number=str(pk),
                    url=detail(pk),
                    hand_out_url=hand_out(pk),
                    organisation=name,
                    pickup_date=pickup,
                    return_date=ret,
                    dates=f"{_short_date(language, pickup)}〜{_short_date(language, ret)}",
                    state=state,
                    state_label=state_label(state),
                    state_badge=STATE_BADGES.get(state, "badge--warn"),
                )
            )
        if quantity is not None:
            # ReservationLine.label: the kit's name and tag, or the type's name.
            label = f"{kit}（{kit_tag}）" if kit_tag is not None else type_name
            lines[pk].append(f"{label}×{quantity}")
    for queue in queues:
        for reservation in queue:
            reservation.equipment = "、".join(lines[reservation.pk])
    return [Queue(rows, total) for rows, total in zip(queues, totals, strict=True)]


def _loan_queues(rows: list[tuple]) -> list[Queue]:
    """The overdue and awaiting-inspection queues from their rows, soonest first."""
    item, inspect, reservation = (
        _link("lending:item_detail"),
        _link("lending:loan_inspect"),
        _link("lending:reservation_detail"),
    )
    language = get_language()
    # short_datetime, remembering each day's and each minute's text (core.tables.dates).
    returned_text = LocalDateFormat("SHORT_DATETIME_FORMAT")
    queues: list[list[DeskLoan]] = [[], []]
    totals = [0, 0]
    for (
        queue,
        total,
        pk,
        item_id,
        tag_number,
        type_name,
        reservation_id,
        name,
        return_name,
        return_phone,
        representative,
        representative_phone,
        due_date,
        returned_at,
        was_late,
        missing,
    ) in rows:
        totals[queue] = total
        if returned_at is not None and timezone.is_naive(returned_at):
            # SQLite hands a naive UTC time to raw SQL; the ORM would have made it aware.
            returned_at = timezone.make_aware(returned_at, connection.timezone)
        queues[queue].append(
            DeskLoan(
                pk=pk,
                item_url=item(item_id),
                inspect_url=inspect(pk),
                tag_number=tag_number,
                type_name=type_name,
                reservation_url=reservation(reservation_id),
                organisation=name,
                contact_name=return_name or representative,
                contact_phone=return_phone or representative_phone,
                due_date=due_date,
                due=_short_date(language, due_date),
                returned_at=returned_at,
                returned=returned_text(returned_at) if returned_at else "",
                was_late=bool(was_late),
                missing_components=json.loads(missing) if isinstance(missing, str) else missing,
            )
        )
    return [Queue(rows, total) for rows, total in zip(queues, totals, strict=True)]


def awaiting_inspection() -> QuerySet[Loan]:
    """Loans back (at the kiosk or the counter) and not inspected yet, oldest return first."""
    return Loan.objects.filter(returned_at__isnull=False, inspected_at__isnull=True).order_by(
        "returned_at", "pk"
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
