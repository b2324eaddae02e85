"""Maintenance plans: what is due on which day (office calendar), records, the hand-out warning."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from core.refusals import Refusal
from lending import maintenance
from lending.models import EquipmentType, Item, Loan, MaintenancePlan, MaintenanceRecord
from lending.services import (
    loan_return,
    maintenance_plan_save,
    maintenance_record,
    reservation_approve,
)

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

THU, FRI, SAT = date(2026, 7, 9), date(2026, 7, 10), date(2026, 7, 11)


@pytest.fixture
def tablet(make_type, make_item):
    tablets = make_type("タブレット", category=EquipmentType.Category.TABLET)
    return make_item(tablets, tag_number="MB-TB-001", storage_place="生活課 倉庫A")


def _plan(item, **extra) -> MaintenancePlan:
    values = {
        "name": "リセット・充電・更新",
        "tasks": "初期化、充電、OS更新",
        "interval_days": 30,
        "starts_on": TODAY,
    }
    values.update(extra)
    return MaintenancePlan.objects.create(equipment_type=item.equipment_type, **values)


def _due_tags(day: date) -> list[str]:
    return [d.item.tag_number for d in maintenance.desk_due(day)]


def test_a_due_date_on_a_saturday_shows_on_the_friday_desk(
    tablet, lending_staff, frozen, client_for
):
    plan = _plan(tablet)
    frozen(at(date(2026, 6, 11)))
    maintenance_record(
        item=tablet, plan=plan, by=lending_staff, work="初期化、充電", result="done", cost_yen=0
    )
    # Done Thursday 11 June + 30 days = Saturday 11 July: the office is closed then.
    assert maintenance.due_items(until=SAT)[0].due_on == SAT
    assert _due_tags(THU) == []
    assert _due_tags(FRI) == ["MB-TB-001"]

    frozen(at(FRI))
    client = client_for(lending_staff)
    desk = client.get(reverse("lending:desk"))
    assert [d.item.tag_number for d in desk.context["maintenance_due"]] == ["MB-TB-001"]
    assert "MB-TB-001" in desk.content.decode()
    # The unit's page shows the record: who, what, result, cost.
    page = client.get(reverse("lending:item_detail", args=[tablet.pk])).content.decode()
    assert "初期化、充電" in page and lending_staff.full_name in page


def test_due_on_an_open_day_shows_that_day_and_on_a_holiday_monday_the_friday_before(
    tablet, lending_staff, frozen
):
    plan = _plan(tablet)
    frozen(at(date(2026, 6, 10)))
    maintenance_record(item=tablet, plan=plan, by=lending_staff, work="点検", result="done")
    # 10 June + 30 = Friday 10 July; 20 July 2026 is 海の日 (a Monday).
    assert _due_tags(THU) == []
    assert _due_tags(FRI) == ["MB-TB-001"]
    frozen(at(date(2026, 6, 20)))
    maintenance_record(item=tablet, plan=plan, by=lending_staff, work="点検", result="done")
    # Now due Monday 20 July (海の日): shown on Friday 17 July, not on Thursday 16.
    assert _due_tags(date(2026, 7, 16)) == []
    assert _due_tags(date(2026, 7, 17)) == ["MB-TB-001"]
    # Not done by then: still on the desk, overdue, on Tuesday 21.
    [due] = maintenance.desk_due(date(2026, 7, 21))
    assert due.is_overdue(date(2026, 7, 21))


def test_a_unit_never_maintained_is_due_from_the_plans_first_day(tablet):
    _plan(tablet, starts_on=date(2026, 6, 15))
    assert _due_tags(TODAY) == []
    assert _due_tags(date(2026, 6, 15)) == ["MB-TB-001"]


def test_after_each_loan_the_unit_is_due_until_maintained(
    tablet, make_org, book, lending_staff, frozen
):
    plan = _plan(tablet, interval_days=None, after_each_loan=True)
    assert _due_tags(TODAY) == []
    reservation = book(make_org(), {tablet.equipment_type: 1}, TODAY, date(2026, 6, 12))
    reservation_approve(reservation=reservation, by=lending_staff, now=at(TODAY))
    Loan.objects.filter(reservation=reservation).update(handed_out_at=at(TODAY))
    Item.objects.filter(pk=tablet.pk).update(status=Item.Status.ON_LOAN)
    tablet.refresh_from_db()
    frozen(at(date(2026, 6, 12), 15))
    loan_return(item=tablet, by=lending_staff, via=Loan.Via.COUNTER)
    [due] = maintenance.desk_due(date(2026, 6, 12))
    assert due.after_loan and due.due_on == date(2026, 6, 12)
    frozen(at(date(2026, 6, 12), 16))
    maintenance_record(item=tablet, plan=plan, by=lending_staff, work="初期化", result="done")
    assert _due_tags(date(2026, 6, 15)) == []


def test_a_problem_found_sends_the_unit_to_repair(tablet, lending_staff):
    record = maintenance_record(
        item=tablet, by=lending_staff, work="画面割れ", result="needs_repair", cost_yen=12000
    )
    tablet.refresh_from_db()
    assert tablet.status == Item.Status.IN_REPAIR
    assert record.plan is None and record.cost_yen == 12000
    entry = AuditEntry.objects.get(action="lending.item.maintained")
    assert entry.changes["status"] == ["available", "in_repair"]


def test_records_refuse_what_makes_no_sense(tablet, make_type, lending_staff):
    other_plan = MaintenancePlan.objects.create(
        equipment_type=make_type(), name="点検", interval_days=365
    )
    with pytest.raises(Refusal):
        maintenance_record(item=tablet, plan=other_plan, by=lending_staff, work="x", result="done")
    with pytest.raises(Refusal):
        maintenance_record(item=tablet, by=lending_staff, work=" ", result="done")
    with pytest.raises(Refusal):
        maintenance_record(
            item=tablet, by=lending_staff, work="x", result="done", done_on=date(2099, 1, 1)
        )
    with pytest.raises(Refusal):
        maintenance_plan_save(
            plan=MaintenancePlan(equipment_type=tablet.equipment_type, name="何もしない"),
            by=lending_staff,
        )


def test_staff_record_maintenance_on_the_items_page_and_see_its_history(
    tablet, lending_staff, client_for
):
    plan = _plan(tablet)
    client = client_for(lending_staff)
    url = reverse("lending:item_maintenance", args=[tablet.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "plan": plan.pk,
            "done_on": "2026-06-10",
            "work": "初期化、充電、OS更新",
            "result": "done",
            "cost_yen": "0",
        },
    )
    assert response.status_code == 302
    record = MaintenanceRecord.objects.get()
    assert (record.done_by, record.plan, record.result) == (lending_staff, plan, "done")
    history = client.get(url).content.decode()
    assert "初期化、充電、OS更新" in history and lending_staff.full_name in history


def test_staff_create_and_change_a_plan_with_its_history(tablet, lending_staff, client_for):
    client = client_for(lending_staff)
    response = client.post(
        reverse("lending:maintenance_plan_new"),
        {
            "equipment_type": tablet.equipment_type_id,
            "name": "SIM契約の確認",
            "tasks": "契約期間と容量を確認",
            "interval_days": "365",
            "starts_on": "2026-06-10",
            "is_active": "on",
        },
    )
    plan = MaintenancePlan.objects.get()
    assert response["Location"] == reverse("lending:maintenance_plan_edit", args=[plan.pk])
    refused = client.post(
        reverse("lending:maintenance_plan_edit", args=[plan.pk]),
        {"equipment_type": tablet.equipment_type_id, "name": "SIM", "starts_on": "2026-06-10"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    assert AuditEntry.objects.filter(action="lending.maintenance_plan.created").count() == 1
    page = client.get(reverse("lending:maintenance_plan_list"))
    assert "SIM契約の確認" in page.content.decode()


def test_hand_out_of_a_unit_due_for_maintenance_warns_and_asks_to_confirm(
    tablet, make_org, book, lending_staff, frozen, client_for
):
    _plan(tablet, starts_on=date(2026, 6, 1))
    reservation = book(make_org(), {tablet.equipment_type: 1}, TODAY, date(2026, 6, 12))
    reservation_approve(reservation=reservation, by=lending_staff, now=at(TODAY))
    client = client_for(lending_staff)
    url = reverse("lending:reservation_hand_out", args=[reservation.pk])

    warned = client.post(url, {"code": "MB-TB-001"})
    assert warned.status_code == 200
    assert [d.item for d in warned.context["maintenance_due"]] == [tablet]
    assert 'name="confirm_maintenance"' in warned.content.decode()
    assert not Loan.objects.filter(handed_out_at__isnull=False).exists()

    confirmed = client.post(url, {"code": "MB-TB-001", "confirm_maintenance": "on"})
    assert confirmed.status_code == 302
    assert Loan.objects.filter(item=tablet, handed_out_at__isnull=False).exists()
    entry = AuditEntry.objects.get(action="lending.item.handed_out_maintenance_due")
    assert entry.actor == lending_staff and "リセット" in entry.note


def test_maintenance_pages_are_for_lending_staff_only(tablet, client_for, dx_staff, org_rep_user):
    plan = _plan(tablet)
    urls = [
        reverse("lending:maintenance_due"),
        reverse("lending:maintenance_plan_list"),
        reverse("lending:maintenance_plan_new"),
        reverse("lending:maintenance_plan_edit", args=[plan.pk]),
        reverse("lending:item_maintenance", args=[tablet.pk]),
    ]
    for user in (dx_staff, org_rep_user):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, url


def test_maintenance_lists_use_the_same_queries_for_1_and_50_rows(
    make_type, make_item, lending_staff, client_for, django_assert_max_num_queries
):
    tablets = make_type("タブレット")
    client = client_for(lending_staff)
    urls = [
        reverse("lending:maintenance_due"),
        reverse("lending:maintenance_plan_list"),
        reverse("lending:desk"),
    ]

    def fill(count: int) -> None:
        for _n in range(count):
            item = make_item(tablets)
            MaintenancePlan.objects.create(
                equipment_type=make_type(), name="点検", interval_days=30, starts_on=TODAY
            )
            MaintenanceRecord.objects.create(
                item=item, done_by=lending_staff, work="点検", result="done", done_on=TODAY
            )

    MaintenancePlan.objects.create(
        equipment_type=tablets, name="充電", interval_days=30, starts_on=date(2026, 1, 1)
    )
    fill(1)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        counts.append(len(one))
    fill(49)
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
    assert len(client.get(urls[0]).context["due"]) == 50
