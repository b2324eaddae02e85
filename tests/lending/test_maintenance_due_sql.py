"""What is due (lending.maintenance.due_items, one statement of the latest facts of each
pair) is what the rule says over every record and every loan, computed the long way: the
aggregates the desk used before issue 18 are the reference. Many units, plans of every
kind, records and returns in every order, on both databases."""

import itertools
import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from lending import maintenance
from lending.models import EquipmentType, Item, Loan, MaintenancePlan, MaintenanceRecord

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def _reference(*, until, items=None, include_on_loan=False) -> list[tuple]:
    """due_items as it was: every record and every loan of every unit aggregated."""
    plans = list(MaintenancePlan.objects.filter(is_active=True, equipment_type__is_active=True))
    by_type = defaultdict(list)
    for plan in plans:
        by_type[plan.equipment_type_id].append(plan)
    units = Item.objects.filter(equipment_type_id__in=list(by_type)).exclude(
        status=Item.Status.RETIRED
    )
    if not include_on_loan:
        units = units.exclude(status=Item.Status.ON_LOAN)
    if items is not None:
        units = units.filter(pk__in=[item.pk for item in items])
    units = list(units)
    ids = [unit.pk for unit in units]
    last_done = {
        (row["item_id"], row["plan_id"]): (row["on"], row["at"])
        for row in MaintenanceRecord.objects.filter(item_id__in=ids, plan__in=plans)
        .values("item_id", "plan_id")
        .annotate(on=Max("done_on"), at=Max("recorded_at"))
    }
    last_return = {
        row["item_id"]: row["at"]
        for row in Loan.objects.filter(item_id__in=ids, returned_at__isnull=False)
        .values("item_id")
        .annotate(at=Max("returned_at"))
    }
    found = []
    for unit in units:
        for plan in by_type[unit.equipment_type_id]:
            due = maintenance._due_on(
                plan, last_done.get((unit.pk, plan.pk)), last_return.get(unit.pk)
            )
            if due is not None and due[0] <= until:
                found.append((due[0], unit.tag_number, plan.pk, due[1]))
    return sorted(found)


def _shown(due) -> list[tuple]:
    return [(d.due_on, d.item.tag_number, d.plan.pk, d.after_loan) for d in due]


@pytest.fixture
def fleet(make_type, make_item, make_org, lending_staff):
    """Tablets (every 30 days and after each loan), routers (yearly), PA sets (after each
    loan only), projectors (no plan), a retired tablet, one out on loan, an inactive plan."""
    rng = random.Random(18)
    tablets = make_type("タブレット", category=EquipmentType.Category.TABLET)
    routers = make_type("ルーター", category=EquipmentType.Category.WIFI_ROUTER)
    pa = make_type("放送設備", category=EquipmentType.Category.PA)
    make_item(make_type("プロジェクター"), tag_number="MB-PJ-001")
    plans = [
        MaintenancePlan.objects.create(
            equipment_type=tablets,
            name="初期化",
            interval_days=30,
            after_each_loan=True,
            starts_on=TODAY - timedelta(days=200),
        ),
        MaintenancePlan.objects.create(
            equipment_type=routers, name="SIM", interval_days=365, starts_on=TODAY + timedelta(5)
        ),
        MaintenancePlan.objects.create(equipment_type=pa, name="点検", after_each_loan=True),
        MaintenancePlan.objects.create(
            equipment_type=tablets, name="使わない", interval_days=7, is_active=False
        ),
    ]
    units = [
        make_item(kind, tag_number=f"{prefix}-{n:03d}")
        for kind, prefix in ((tablets, "MB-TB"), (routers, "MB-WF"), (pa, "MB-PA"))
        for n in range(1, 9)
    ]
    Item.objects.filter(pk=units[0].pk).update(status=Item.Status.RETIRED, retired_at=at(TODAY))
    Item.objects.filter(pk=units[1].pk).update(status=Item.Status.ON_LOAN)
    organisation = make_org()
    from lending.models import Reservation

    for n, unit in enumerate(units):
        plan = next(p for p in plans if p.equipment_type_id == unit.equipment_type_id)
        # Records: none for some units; several, recorded out of order, for others.
        for k in range(n % 4):
            day = TODAY - timedelta(days=rng.randrange(0, 400))
            MaintenanceRecord.objects.create(
                item=unit,
                plan=plan,
                done_on=day,
                done_by=lending_staff,
                work="点検",
                result="done",
                recorded_at=at(day + timedelta(days=k % 2), 9 + k),
            )
        # Returns: none, before the latest record, or after it.
        for k in range(n % 3):
            back = TODAY - timedelta(days=rng.randrange(0, 60))
            reservation = Reservation.objects.create(
                organisation=organisation,
                state=Reservation.State.CLOSED,
                pickup_date=back - timedelta(days=2),
                return_date=back,
                event_name="行事",
                purpose="行事",
                declaration=True,
            )
            Loan.objects.create(
                reservation=reservation,
                item=unit,
                due_date=back,
                handed_out_at=at(back - timedelta(days=2), 10),
                returned_at=at(back, 14 + k),
                parts_checked_at=at(back, 14 + k),
            )
    return units


@pytest.mark.parametrize("days", [-30, -1, 0, 1, 6, 40, 400])
def test_what_is_due_is_what_the_rule_says_over_every_fact(fleet, days):
    until = TODAY + timedelta(days=days)
    expected = _reference(until=until)
    assert _shown(maintenance.due_items(until=until)) == expected
    with_loans = _reference(until=until, include_on_loan=True)
    assert _shown(maintenance.due_items(until=until, include_on_loan=True)) == with_loans
    for unit in fleet[:4] + fleet[8:10] + fleet[16:18]:
        assert _shown(
            maintenance.due_items(until=until, items=[unit], include_on_loan=True)
        ) == _reference(until=until, items=[unit], include_on_loan=True)


def test_the_fixture_has_every_case(fleet):
    due = _reference(until=TODAY + timedelta(days=40))
    assert {row[3] for row in due} == {True, False}  # due after a loan, and by the calendar
    assert len(due) >= 8


def test_one_query_whatever_the_number_of_units_and_records(fleet, make_item):
    until = TODAY + timedelta(days=40)
    with CaptureQueriesContext(connection) as queries:
        due = maintenance.due_items(until=until)
    assert due and len(queries) == 1  # the due pairs, with their units and plans
    tablets = fleet[2].equipment_type
    for n, _ in enumerate(itertools.repeat(None, 30)):
        make_item(tablets, tag_number=f"MB-TB-{100 + n}")
    with CaptureQueriesContext(connection) as queries:
        more = maintenance.due_items(until=until)
    assert len(queries) == 1 and len(more) == len(due) + 30
    # What the desk shows of a unit and a plan is there without another query.
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (d.item.display_name, d.item.get_status_display(), d.plan.name, d.plan.tasks)
            for d in more
        ]
    assert len(queries) == 0 and shown[0][0] == "タブレット"
