"""Races between real parallel transactions: the database decides, once."""

from datetime import date

import pytest
from django.db import connection

from core.models import AuditEntry
from lending.models import EquipmentType, Item, Loan, Organisation, Reservation
from lending.services import (
    ReservationConflict,
    loan_hand_out,
    loan_return,
    reservation_approve,
    reservation_request,
)

from .conftest import at

THREADS = 20
MON, WED = date(2026, 6, 15), date(2026, 6, 17)
NOW = at(date(2026, 6, 10))


def _race_for_the_last_unit(make_user, race):
    from core.roles import Role

    staff = make_user(Role.LENDING_STAFF)
    projector = EquipmentType.objects.create(name="プロジェクター", category="projector")
    Item.objects.create(equipment_type=projector, tag_number="MB-PJ-001")
    Item.objects.create(equipment_type=projector, tag_number="MB-PJ-002")
    orgs = [
        Organisation.objects.create(
            name=f"自治会{i}", kind="neighbourhood", representative_name="代表", is_verified=True
        )
        for i in range(THREADS + 1)
    ]
    reservation_request(
        organisation=orgs[-1],
        pickup_date=MON,
        return_date=WED,
        lines={projector: 1},
        event_name="先客",
        purpose="先客",
        declaration=True,
        by=staff,
        now=NOW,
    )
    assert Loan.objects.get().item.tag_number == "MB-PJ-001"  # MB-PJ-002 is the last free unit

    def request(index):
        try:
            reservation_request(
                organisation=orgs[index],
                pickup_date=MON,
                return_date=WED,
                lines={projector: 1},
                event_name="祭り",
                purpose="地域行事",
                declaration=True,
                by=staff,
                now=NOW,
            )
        except ReservationConflict as conflict:
            return ("conflict", conflict.message)
        return ("booked", None)

    results = race(THREADS, request)
    assert results.errors == []
    booked = [r for r in results if r[0] == "booked"]
    conflicts = [r for r in results if r[0] == "conflict"]
    assert len(booked) == 1
    assert len(conflicts) == THREADS - 1
    assert all("プロジェクター" in message for _kind, message in conflicts)
    assert Reservation.objects.count() == 2
    assert Loan.objects.count() == 2
    assert set(Loan.objects.values_list("item__tag_number", flat=True)) == {
        "MB-PJ-001",
        "MB-PJ-002",
    }


def _two_returns_at_once(make_user, race):
    from core.roles import Role

    staff = make_user(Role.LENDING_STAFF)
    kiosk = make_user(Role.KIOSK)
    projector = EquipmentType.objects.create(name="プロジェクター", category="projector")
    item = Item.objects.create(equipment_type=projector, tag_number="MB-PJ-001")
    org = Organisation.objects.create(
        name="本納地区自治会", kind="neighbourhood", representative_name="代表", is_verified=True
    )
    reservation = reservation_request(
        organisation=org,
        pickup_date=MON,
        return_date=WED,
        lines={projector: 1},
        event_name="祭り",
        purpose="地域行事",
        declaration=True,
        by=staff,
        now=NOW,
    )
    reservation_approve(reservation=reservation, by=staff)
    loan_hand_out(reservation=reservation, code=item.qr_token, by=staff, now=at(MON))

    def give_back(index):
        who, via = (kiosk, "kiosk") if index == 0 else (staff, "counter")
        return loan_return(item=item, by=who, via=via, now=at(WED, 15)).outcome

    outcomes = race(2, give_back)
    assert outcomes.errors == []
    assert sorted(outcomes) == ["already_returned", "returned"]
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 1
    item.refresh_from_db()
    assert item.status == Item.Status.AWAITING_INSPECTION


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_the_last_unit_book_it_once_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _race_for_the_last_unit(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_the_last_unit_book_it_once_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    assert ":memory:" not in str(connection.settings_dict["NAME"])
    assert "mode=memory" not in str(connection.settings_dict["NAME"])
    _race_for_the_last_unit(make_user, race)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_returns_record_one_return_and_one_audit_entry_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _two_returns_at_once(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_two_parallel_returns_record_one_return_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _two_returns_at_once(make_user, race)


def _many_requests_for_two_types(make_user, race):
    from core.roles import Role

    staff = make_user(Role.LENDING_STAFF)
    projector = EquipmentType.objects.create(name="プロジェクター", category="projector")
    screen = EquipmentType.objects.create(name="スクリーン", category="screen")
    for i in range(1, 6):
        Item.objects.create(equipment_type=projector, tag_number=f"MB-PJ-{i:03d}")
        Item.objects.create(equipment_type=screen, tag_number=f"MB-SC-{i:03d}")
    orgs = [
        Organisation.objects.create(
            name=f"団体{i}", kind="neighbourhood", representative_name="代表", is_verified=True
        )
        for i in range(12)
    ]

    def request(index):
        # Half ask screen-first, half projector-first: crossing orders must not deadlock.
        lines = {projector: 1, screen: 1} if index % 2 else {screen: 1, projector: 1}
        try:
            reservation_request(
                organisation=orgs[index],
                pickup_date=MON,
                return_date=WED,
                lines=lines,
                event_name="会議",
                purpose="会議",
                declaration=True,
                by=staff,
                now=NOW,
            )
        except ReservationConflict:
            return "conflict"
        return "booked"

    results = race(12, request)
    assert results.errors == []
    assert results.count("booked") == 5
    assert results.count("conflict") == 7
    assert Loan.objects.count() == 10
    assert Loan.objects.values("item").distinct().count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_two_type_requests_never_oversell_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _many_requests_for_two_types(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_concurrent_two_type_requests_never_oversell_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _many_requests_for_two_types(make_user, race)
