"""When a unit is due for maintenance, computed from the plans and what was recorded.

Nothing is stored about "due": a unit is due under a plan

- every ``interval_days`` after its last maintenance under the plan (a unit never
  maintained under it is due from the plan's ``starts_on``), and
- when the plan says "after each loan", from the day it came back from a loan
  returned after its last maintenance under the plan (the earlier of the two wins).

So a new plan, a new unit, a return or a record changes what is due at once, and
no job has to run for it.

The desk and the office calendar: the desk shows, on an open day, every unit due
up to the day before the next open day. A due date on a closed day (a Saturday, a
holiday, 年末年始) therefore shows on the open day BEFORE it — the unit is made
ready before the office closes, never found overdue on the morning after. At
hand-out a unit whose maintenance is due today or earlier gets a warning that
staff must confirm.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import office_calendar
from core.tables.sql_rows import aware, model_rows
from lending.models import EquipmentType, Item, MaintenancePlan, MaintenanceRecord


@dataclass(frozen=True)
class Due:
    item: Item
    plan: MaintenancePlan
    due_on: date
    after_loan: bool  # due because the unit came back from a loan

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def desk_horizon(today: date) -> date:
    """The last due date the desk shows today: the day before the next open day."""
    return office_calendar.next_open_day(today, include_today=False) - timedelta(days=1)


def due_items(
    *, until: date, items: Iterable[Item] | None = None, include_on_loan: bool = False
) -> list[Due]:
    """Every (unit, plan) due on or before ``until``, earliest first; one query.

    ``items`` limits the look to those units (one unit at hand-out). Units out on
    loan are left out unless asked for: nobody can maintain them now. Each unit comes
    with its type's name (``display_name``), each plan with its name and tasks.
    """
    found = []
    plans: dict[int, MaintenancePlan] = {}
    kinds: dict[int, EquipmentType] = {}
    for row in _due_pairs(until, items, include_on_loan):
        (item_id, tag_number, name, status, type_id, type_name,
         plan_id, plan_name, tasks, interval_days, after_each_loan, starts_on,
         done_on, recorded_at, returned_at) = row  # fmt: skip
        plan = plans.get(plan_id)
        if plan is None:
            (plan,) = model_rows(
                MaintenancePlan,
                _PLAN_FIELDS,
                (),
                [(plan_id, type_id, plan_name, tasks, interval_days, bool(after_each_loan))],
            )
            plan.starts_on = _day(starts_on)  # text on SQLite: it came through a subquery
            plans[plan_id] = plan
        done = (_day(done_on), aware(_moment(recorded_at))) if done_on is not None else None
        due = _due_on(plan, done, aware(_moment(returned_at)))
        if due is None or due[0] > until:
            continue
        kind = kinds.get(type_id)
        if kind is None:
            (kind,) = model_rows(EquipmentType, ("id", "name"), (), [(type_id, type_name)])
            kinds[type_id] = kind
        found.append(
            (due[0], tag_number, plan_id, (item_id, tag_number, name, status, type_id), due[1])
        )
    found.sort(key=lambda entry: entry[:3])
    units = model_rows(Item, _UNIT_FIELDS, (), [entry[3] for entry in found])
    for unit in units:
        unit.equipment_type = kinds[unit.equipment_type_id]
    return [
        Due(item=unit, plan=plans[plan_id], due_on=due_on, after_loan=after_loan)
        for (due_on, _tag, plan_id, _row, after_loan), unit in zip(found, units, strict=True)
    ]


# What a Due shows of its unit and its plan (every other field is deferred).
_UNIT_FIELDS = ("id", "tag_number", "name", "status", "equipment_type_id")
_PLAN_FIELDS = ("id", "equipment_type_id", "name", "tasks", "interval_days", "after_each_loan")
# The (unit, plan) pairs that may be due by ``until``: the unit and the plan as the desk
# shows them, and what ``_due_on`` needs: when the unit was last maintained under the plan
# (its latest day, and for an after-each-loan plan its latest record) and when it last came
# back from a loan. Each "latest" is one step down an index (lending_maint_item_plan_done /
# _rec, lending_loan_item_returned) and only pairs that may be due come back, so the desk
# costs the same after ten years of records as after one (issue 18: aggregates over every
# record and loan of every unit grew with the years: 15 ms at N=10). ``_due_on`` decides;
# the WHERE is its rule, so that it sees every pair it would find due (tests/lending/
# test_maintenance_due_sql.py holds the result to the aggregates). Plain SQL: the ORM
# cannot pair units with their type's plans.
_DUE_PAIRS = """
SELECT id, tag_number, name, status, equipment_type_id, type_name,
       plan_id, plan_name, tasks, interval_days, after_each_loan, starts_on,
       done_on, recorded_at, returned_at
FROM (
    SELECT i.id, i.tag_number, i.name, i.status, i.equipment_type_id, t.name AS type_name,
        p.id AS plan_id, p.name AS plan_name, p.tasks, p.interval_days, p.after_each_loan,
        p.starts_on,
        (SELECT r.done_on FROM lending_maintenancerecord r
         WHERE r.item_id = i.id AND r.plan_id = p.id ORDER BY r.done_on DESC LIMIT 1)
            AS done_on,
        CASE WHEN p.after_each_loan THEN
            (SELECT r.recorded_at FROM lending_maintenancerecord r
             WHERE r.item_id = i.id AND r.plan_id = p.id ORDER BY r.recorded_at DESC LIMIT 1)
        END AS recorded_at,
        CASE WHEN p.after_each_loan THEN
            (SELECT l.returned_at FROM lending_loan l
             WHERE l.item_id = i.id AND l.returned_at IS NOT NULL
             ORDER BY l.returned_at DESC LIMIT 1)
        END AS returned_at
    FROM lending_item i
    JOIN lending_equipmenttype t ON t.id = i.equipment_type_id
    JOIN lending_maintenanceplan p ON p.equipment_type_id = i.equipment_type_id
    WHERE p.is_active AND t.is_active AND i.status NOT IN ({statuses}){only}
    {fence}
) facts
WHERE (interval_days IS NOT NULL
       AND ((done_on IS NULL AND starts_on <= %s) OR done_on <= {cutoff}))
   OR (after_each_loan AND returned_at IS NOT NULL AND returned_at < %s
       AND (recorded_at IS NULL OR returned_at > recorded_at))
"""
# An empty OFFSET keeps the planner from merging the inner query into the outer one, which
# would run each "latest" subquery again for every place the WHERE names it (PostgreSQL
# ran them five times per unit; SQLite does not merge a query with an OFFSET either).
_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}
# The day ``interval_days`` before ``until``: a pair whose latest maintenance is on or
# before it is due again by ``until``.
_CUTOFF = {
    "postgresql": "CAST(%s AS date) - interval_days",
    "sqlite": "date(%s, '-' || interval_days || ' days')",
}


def _due_pairs(until: date, items, include_on_loan: bool) -> list[tuple]:
    statuses = [Item.Status.RETIRED.value]
    if not include_on_loan:
        statuses.append(Item.Status.ON_LOAN.value)
    item_ids = None if items is None else [item.pk for item in items]
    if item_ids == []:
        return []
    sql = _DUE_PAIRS.format(
        statuses=", ".join(["%s"] * len(statuses)),
        only="" if item_ids is None else f" AND i.id IN ({', '.join(['%s'] * len(item_ids))})",
        cutoff=_CUTOFF[connection.vendor],
        fence=_FENCE[connection.vendor],
    )
    ops = connection.ops
    day = ops.adapt_datefield_value(until)
    # A return is due by ``until`` when it came back before the local midnight after it.
    midnight = datetime.combine(
        until + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone()
    )
    params = [*statuses, *(item_ids or []), day, day, ops.adapt_datetimefield_value(midnight)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value) -> date:
    """A date from a subquery: SQLite hands it over as text (no declared type to convert)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> datetime | None:
    """A date-time from a subquery (text on SQLite)."""
    return parse_datetime(value) if isinstance(value, str) else value


def _due_on(
    plan: MaintenancePlan, done: tuple[date, datetime] | None, returned: datetime | None
) -> tuple[date, bool] | None:
    candidates: list[tuple[date, bool]] = []
    if plan.interval_days:
        base = done[0] + timedelta(days=plan.interval_days) if done else plan.starts_on
        candidates.append((base, False))
    if plan.after_each_loan and returned is not None and (done is None or returned > done[1]):
        candidates.append((timezone.localdate(returned), True))
    return min(candidates) if candidates else None


def desk_due(today: date | None = None) -> list[Due]:
    """What the desk shows today (see the module's note on closed days)."""
    today = today or timezone.localdate()
    return due_items(until=desk_horizon(today))


def due_at_hand_out(item: Item, today: date | None = None) -> list[Due]:
    """The plans under which ``item`` is due today or earlier: the hand-out warns about them."""
    today = today or timezone.localdate()
    return due_items(until=today, items=[item], include_on_loan=True)


def history_of(item: Item) -> list[MaintenanceRecord]:
    return list(
        MaintenanceRecord.objects.filter(item=item)
        .select_related("plan", "done_by")
        .order_by("-done_on", "-recorded_at", "-pk")[:50]
    )
