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

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from core import office_calendar
from lending.models import Item, Loan, MaintenancePlan, MaintenanceRecord


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
    """Every (unit, plan) due on or before ``until``, earliest first; four queries.

    ``items`` limits the look to those units (one unit at hand-out). Units out on
    loan are left out unless asked for: nobody can maintain them now.
    """
    plans = list(
        MaintenancePlan.objects.filter(is_active=True, equipment_type__is_active=True)
        .select_related("equipment_type")
        .order_by("pk")
    )
    if not plans:
        return []
    by_type: dict[int, list[MaintenancePlan]] = defaultdict(list)
    for plan in plans:
        by_type[plan.equipment_type_id].append(plan)
    units = Item.objects.filter(equipment_type_id__in=list(by_type)).exclude(
        status=Item.Status.RETIRED
    )
    if not include_on_loan:
        units = units.exclude(status=Item.Status.ON_LOAN)
    if items is not None:
        units = units.filter(pk__in=[item.pk for item in items])
    units = list(units.select_related("equipment_type").order_by("tag_number"))
    if not units:
        return []
    unit_ids = [unit.pk for unit in units]
    last_done: dict[tuple[int, int], tuple[date, datetime]] = {
        (row["item_id"], row["plan_id"]): (row["on"], row["at"])
        for row in MaintenanceRecord.objects.filter(item_id__in=unit_ids, plan__in=plans)
        .values("item_id", "plan_id")
        .annotate(on=Max("done_on"), at=Max("recorded_at"))
    }
    last_return: dict[int, datetime] = {
        row["item_id"]: row["at"]
        for row in Loan.objects.filter(item_id__in=unit_ids, returned_at__isnull=False)
        .values("item_id")
        .annotate(at=Max("returned_at"))
    }
    found = []
    for unit in units:
        for plan in by_type[unit.equipment_type_id]:
            due = _due_on(plan, last_done.get((unit.pk, plan.pk)), last_return.get(unit.pk))
            if due is not None and due[0] <= until:
                found.append(Due(item=unit, plan=plan, due_on=due[0], after_loan=due[1]))
    return sorted(found, key=lambda d: (d.due_on, d.item.tag_number, d.plan.pk))


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
