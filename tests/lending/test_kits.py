"""Kits: one line in a reservation, all their units held, never two kits per unit, races."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import AuditEntry
from core.refusals import Refusal
from core.roles import Role
from lending.models import (
    EquipmentType,
    Item,
    ItemDay,
    Kit,
    KitMember,
    Loan,
    Organisation,
    Reservation,
    ReservationLine,
)
from lending.selectors import free_kits, kit_units_for_code
from lending.services import (
    ReservationConflict,
    kit_hand_out,
    kit_retire,
    kit_return,
    kit_save,
    reservation_approve,
    reservation_request,
)

from .conftest import at

THREADS = 20
MON, WED = date(2026, 6, 15), date(2026, 6, 17)
NOW = at(date(2026, 6, 10))


def _equipment():
    projector = EquipmentType.objects.create(
        name="プロジェクター", category="projector", default_components=["本体", "電源ケーブル"]
    )
    screen = EquipmentType.objects.create(
        name="スクリーン", category="screen", default_components=["スクリーン", "収納袋"]
    )
    cable = EquipmentType.objects.create(
        name="HDMIケーブル", category="other", default_components=["ケーブル"]
    )
    units = {
        "pj": Item.objects.create(
            equipment_type=projector, tag_number="MB-PJ-001", components=["本体", "電源ケーブル"]
        ),
        "sc": Item.objects.create(
            equipment_type=screen, tag_number="MB-SC-001", components=["スクリーン", "収納袋"]
        ),
        "hd": Item.objects.create(
            equipment_type=cable, tag_number="MB-HD-001", components=["ケーブル", "電源ケーブル"]
        ),
    }
    return projector, screen, cable, units


def _kit(staff, units, tag="MB-KIT-001"):
    return kit_save(
        kit=Kit(name="上映セット", tag_number=tag), items=list(units.values()), by=staff
    )


def _org(name="本納地区自治会"):
    return Organisation.objects.create(
        name=name, kind="neighbourhood", representative_name="代表", is_verified=True
    )


def _request(org, by, *, kits=(), lines=None):
    return reservation_request(
        organisation=org,
        pickup_date=MON,
        return_date=WED,
        lines=lines or {},
        kits=kits,
        event_name="上映会",
        purpose="防災映画の上映",
        declaration=True,
        by=by,
        now=NOW,
    )


@pytest.mark.django_db
def test_booking_a_kit_is_one_line_and_holds_every_unit(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    reservation = _request(_org(), staff, kits=[kit])
    line = ReservationLine.objects.get(reservation=reservation)
    assert (line.kit, line.equipment_type, line.quantity) == (kit, None, 1)
    assert line.label == "上映セット（MB-KIT-001）"
    assert set(reservation.loans.values_list("item__tag_number", "kit__tag_number")) == {
        ("MB-PJ-001", "MB-KIT-001"),
        ("MB-SC-001", "MB-KIT-001"),
        ("MB-HD-001", "MB-KIT-001"),
    }
    assert ItemDay.objects.count() == 3 * 3
    assert not free_kits(MON, WED, today=NOW.date()).exists()


@pytest.mark.django_db
def test_parts_checklist_is_the_union_of_the_units_parts(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    # Units in tag order (MB-HD, MB-PJ, MB-SC); a part two units share is listed once.
    assert kit.parts_checklist() == ["ケーブル", "電源ケーブル", "本体", "スクリーン", "収納袋"]


@pytest.mark.django_db
def test_a_kit_with_a_unit_in_repair_is_not_free_and_cannot_be_booked(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    assert list(free_kits(MON, WED, today=NOW.date())) == [kit]
    Item.objects.filter(pk=units["sc"].pk).update(status=Item.Status.IN_REPAIR)
    assert not free_kits(MON, WED, today=NOW.date()).exists()
    with pytest.raises(ReservationConflict, match="上映セット"):
        _request(_org(), staff, kits=[kit])
    assert Reservation.objects.count() == 0
    assert Loan.objects.count() == 0


@pytest.mark.django_db
def test_a_unit_lent_alone_makes_its_kit_not_free_on_those_days(make_user):
    staff = make_user(Role.LENDING_STAFF)
    projector, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    _request(_org("先客"), staff, lines={projector: 1})
    with pytest.raises(ReservationConflict):
        _request(_org(), staff, kits=[kit])


@pytest.mark.django_db
def test_a_type_request_takes_a_loose_unit_before_breaking_a_kit(make_user):
    staff = make_user(Role.LENDING_STAFF)
    projector, _s, _c, units = _equipment()
    _kit(staff, units)
    Item.objects.create(equipment_type=projector, tag_number="MB-PJ-009")
    reservation = _request(_org(), staff, lines={projector: 1})
    assert reservation.loans.get().item.tag_number == "MB-PJ-009"


@pytest.mark.django_db
def test_no_unit_belongs_to_two_kits(make_user):
    staff = make_user(Role.LENDING_STAFF)
    projector, screen, _c, units = _equipment()
    kit = _kit(staff, units)
    other_screen = Item.objects.create(equipment_type=screen, tag_number="MB-SC-002")
    with pytest.raises(Refusal, match="MB-PJ-001"):
        kit_save(
            kit=Kit(name="別セット", tag_number="MB-KIT-002"),
            items=[units["pj"], other_screen],
            by=staff,
        )
    assert Kit.objects.count() == 1
    # The database itself refuses, whatever the code above forgets.
    second = Kit.objects.create(name="別セット", tag_number="MB-KIT-002")
    with pytest.raises(IntegrityError), transaction.atomic():
        KitMember.objects.create(kit=second, item=units["pj"])
    assert KitMember.objects.filter(item=units["pj"]).get().kit == kit


@pytest.mark.django_db
def test_a_booked_kit_keeps_its_units_and_cannot_be_retired(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, screen, _c, units = _equipment()
    kit = _kit(staff, units)
    _request(_org(), staff, kits=[kit])
    spare = Item.objects.create(equipment_type=screen, tag_number="MB-SC-002")
    with pytest.raises(Refusal, match="予約中"):
        kit_save(kit=kit, items=[units["pj"], spare], by=staff)
    with pytest.raises(Refusal, match="予約中"):
        kit_retire(kit=kit, by=staff, reason="古くなった")
    assert kit.members.count() == 3


@pytest.mark.django_db
def test_retiring_a_kit_frees_its_units_and_is_audited(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    with pytest.raises(Refusal):
        kit_retire(kit=kit, by=staff, reason=" ")
    kit_retire(kit=kit, by=staff, reason="セットを組み直すため")
    kit.refresh_from_db()
    assert kit.is_retired and kit.retired_reason == "セットを組み直すため"
    assert KitMember.objects.count() == 0
    entry = AuditEntry.objects.get(action="lending.kit.retired")
    assert "MB-PJ-001" in str(entry.changes)
    assert Kit.objects.filter(pk=kit.pk).exists()


@pytest.mark.django_db
def test_a_kit_is_handed_out_and_returned_by_its_own_code(make_user):
    staff = make_user(Role.LENDING_STAFF)
    kiosk = make_user(Role.KIOSK)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    reservation = _request(_org(), staff, kits=[kit])
    reservation_approve(reservation=reservation, by=staff)
    found, members = kit_units_for_code(f"https://example.jp/t/{kit.qr_token}")
    assert found == kit and [u.tag_number for u in members] == [
        "MB-HD-001",
        "MB-PJ-001",
        "MB-SC-001",
    ]
    assert kit_units_for_code("ｍｂ－ｋｉｔ－００１")[0] == kit
    assert kit_units_for_code("MB-PJ-001") is None
    loans = kit_hand_out(reservation=reservation, kit=kit, by=staff, now=at(MON))
    assert len(loans) == 3 and all(loan.handed_out_at for loan in loans)
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.ON_LOAN}
    with pytest.raises(Refusal, match="すでに"):
        kit_hand_out(reservation=reservation, kit=kit, by=staff, now=at(MON))
    results = kit_return(kit=kit, by=kiosk, via="kiosk", now=at(WED, 15))
    assert [r.outcome for r in results] == ["returned"] * 3
    assert kit_return(kit=kit, by=kiosk, via="kiosk", now=at(WED, 16)) == []
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 3


@pytest.mark.django_db
def test_kit_hand_out_is_all_or_nothing(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    reservation = _request(_org(), staff, kits=[kit])
    reservation_approve(reservation=reservation, by=staff)
    Item.objects.filter(pk=units["sc"].pk).update(status=Item.Status.IN_REPAIR)
    with pytest.raises(Refusal, match="MB-SC-001"):
        kit_hand_out(reservation=reservation, kit=kit, by=staff, now=at(MON))
    assert not Loan.objects.filter(handed_out_at__isnull=False).exists()


# --- races: the database decides, once ------------------------------------------------


def _race_for_the_last_kit(make_user, race):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    orgs = [_org(f"自治会{i}") for i in range(THREADS)]

    def request(index):
        try:
            _request(orgs[index], staff, kits=[kit])
        except ReservationConflict:
            return "conflict"
        return "booked"

    results = race(THREADS, request)
    assert results.errors == []
    assert results.count("booked") == 1
    assert results.count("conflict") == THREADS - 1
    assert Reservation.objects.count() == 1
    assert Loan.objects.count() == 3
    assert ItemDay.objects.count() == 9


def _race_for_a_unit_that_is_in_a_kit(make_user, race):
    """Half the racers want the kit, half want the one projector, which is in the kit."""
    staff = make_user(Role.LENDING_STAFF)
    projector, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    orgs = [_org(f"自治会{i}") for i in range(THREADS)]

    def request(index):
        try:
            if index % 2:
                _request(orgs[index], staff, kits=[kit])
            else:
                _request(orgs[index], staff, lines={projector: 1})
        except ReservationConflict:
            return "conflict"
        return "booked"

    results = race(THREADS, request)
    assert results.errors == []
    assert results.count("booked") == 1
    assert Reservation.objects.count() == 1
    # The projector is promised once, whichever request won.
    assert Loan.objects.filter(item=units["pj"]).count() == 1
    assert ItemDay.objects.filter(item=units["pj"]).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_the_last_kit_book_it_once_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _race_for_the_last_kit(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_the_last_kit_book_it_once_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _race_for_the_last_kit(make_user, race)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_kit_and_its_unit_requested_at_once_are_booked_once_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _race_for_a_unit_that_is_in_a_kit(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_kit_and_its_unit_requested_at_once_are_booked_once_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _race_for_a_unit_that_is_in_a_kit(make_user, race)


# --- the kit's own label: /t/<token>, the kiosk, the desk's hand-out --------------------


@pytest.fixture
def booked_kit(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    reservation = _request(_org(), staff, kits=[kit])
    reservation_approve(reservation=reservation, by=staff)
    return staff, kit, reservation


@pytest.mark.django_db
def test_the_kits_qr_link_opens_what_fits_the_viewer(booked_kit, client_for, make_user, client):
    staff, kit, _reservation = booked_kit
    url = f"/t/{kit.qr_token}"
    assert client_for(staff).get(url)["Location"] == f"/lending/kits/{kit.pk}/"
    kiosk_page = client_for(make_user(Role.KIOSK)).get(url).content.decode()
    assert 'data-outcome="confirm"' in kiosk_page and "上映セット" in kiosk_page
    public = client.get(url).content.decode()
    assert "MB-KIT-001" in public and "スクリーン" in public
    assert "本納地区自治会" not in public  # who borrows it is nobody else's business


@pytest.mark.django_db
def test_scanning_the_kit_at_the_desk_hands_out_every_unit(booked_kit, client_for, settings):
    staff, kit, reservation = booked_kit
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at(MON)):
        response = client_for(staff).post(
            f"/lending/reservations/{reservation.pk}/hand-out/", {"code": kit.tag_number.lower()}
        )
    assert response.status_code == 302
    assert reservation.loans.filter(handed_out_at__isnull=False).count() == 3
    assert AuditEntry.objects.filter(action="lending.loan.handed_out").count() == 3
    detail = client_for(staff).get(f"/lending/reservations/{reservation.pk}/").content.decode()
    assert detail.count(">MB-KIT-001<") == 3  # each unit says which kit it went out in


@pytest.mark.django_db
def test_scanning_the_kit_at_the_kiosk_returns_every_unit_once(booked_kit, client_for, make_user):
    staff, kit, reservation = booked_kit
    kit_hand_out(reservation=reservation, kit=kit, by=staff, now=at(MON))
    kiosk = client_for(make_user(Role.KIOSK))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at(WED, 15)):
        first = kiosk.post("/kiosk/", {"code": kit.qr_url}).content.decode()
        again = kiosk.post("/kiosk/", {"code": kit.qr_url}).content.decode()
    assert 'data-outcome="returned"' in first
    assert 'data-outcome="already_returned"' in again
    assert Loan.objects.filter(returned_at__isnull=False, returned_via="kiosk").count() == 3
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 3


def _race_to_put_one_unit_in_two_kits(make_user, race):
    staff = make_user(Role.LENDING_STAFF)
    projector, screen, _c, units = _equipment()
    screens = [
        Item.objects.create(equipment_type=screen, tag_number=f"MB-SC-{n:03d}")
        for n in range(2, 2 + 10)
    ]

    def build(index):
        try:
            kit_save(
                kit=Kit(name=f"セット{index}", tag_number=f"MB-KIT-{index + 1:03d}"),
                items=[units["pj"], screens[index]],
                by=staff,
            )
        except Refusal:
            return "refused"
        return "built"

    results = race(10, build)
    assert results.errors == []
    assert results.count("built") == 1
    assert KitMember.objects.filter(item=units["pj"]).count() == 1
    assert Kit.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_kits_never_share_a_unit_even_when_built_at_once_on_postgresql(make_user, race):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _race_to_put_one_unit_in_two_kits(make_user, race)


@pytest.mark.django_db(transaction=True)
def test_two_kits_never_share_a_unit_even_when_built_at_once_on_sqlite_file(make_user, race):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant")
    _race_to_put_one_unit_in_two_kits(make_user, race)


@pytest.mark.django_db
def test_a_kit_counts_as_one_item_and_follows_its_units_eligibility(make_user, settings):
    staff = make_user(Role.LENDING_STAFF)
    projector, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    civic = Organisation.objects.create(
        name="市民活動団体", kind="civic", representative_name="代表", is_verified=True
    )
    settings.TSUNAGU = {
        **settings.TSUNAGU,
        "lending": {**settings.TSUNAGU["lending"], "max_items_per_reservation": 1},
    }
    # Three units, one piece of equipment: within a limit of one item.
    _request(_org(), staff, kits=[kit])
    projector.eligible_kinds = ["neighbourhood"]
    projector.save()
    kit.refresh_from_db()
    with pytest.raises(Refusal) as refusal:
        _request(civic, staff, kits=[kit])
    assert "プロジェクター" in str(refusal.value.errors)


@pytest.mark.django_db
def test_the_public_availability_page_says_whether_each_kit_is_free(make_user, client):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    url = "/lending/availability/"
    page = client.get(url, {"start": MON.isoformat(), "end": WED.isoformat()})
    assert page.context["kit_rows"] == [(kit, True)]
    _request(_org(), staff, kits=[kit])
    page = client.get(url, {"start": MON.isoformat(), "end": WED.isoformat()})
    assert page.context["kit_rows"] == [(kit, False)]
    assert "上映セット（MB-KIT-001）" in page.content.decode()


@pytest.mark.django_db
def test_at_the_counter_the_kits_label_lists_every_units_parts_and_records_what_is_missing(
    booked_kit, client_for, make_rep
):
    staff, kit, reservation = booked_kit
    kit_hand_out(reservation=reservation, kit=kit, by=staff, now=at(MON))
    client = client_for(staff)
    scan = client.post("/lending/returns/", {"code": kit.qr_url})
    assert scan["Location"] == f"/lending/returns/kits/{kit.pk}/"
    page = client.get(scan["Location"])
    assert [loan.item.tag_number for loan, _form in page.context["forms"]] == [
        "MB-HD-001",
        "MB-PJ-001",
        "MB-SC-001",
    ]
    pj, sc, hd = (Item.objects.get(tag_number=t) for t in ("MB-PJ-001", "MB-SC-001", "MB-HD-001"))
    response = client.post(
        scan["Location"],
        {
            f"unit{hd.pk}-present": ["ケーブル", "電源ケーブル"],
            f"unit{pj.pk}-present": ["本体"],  # the power cable did not come back
            f"unit{sc.pk}-present": ["スクリーン", "収納袋"],
        },
    )
    assert response.status_code == 302
    loans = {loan.item.tag_number: loan for loan in Loan.objects.select_related("item")}
    assert all(loan.returned_at and loan.returned_via == "counter" for loan in loans.values())
    assert loans["MB-PJ-001"].missing_components == ["電源ケーブル"]
    assert loans["MB-SC-001"].missing_components == []
    assert client.get(scan["Location"])["Location"] == "/lending/returns/"  # nothing left out
    assert client_for(make_rep(reservation.organisation)).get(scan["Location"]).status_code == 403


@pytest.mark.django_db
def test_a_kit_with_a_unit_due_for_maintenance_warns_before_it_goes_out(booked_kit, client_for):
    from lending.models import MaintenancePlan

    staff, kit, reservation = booked_kit
    screen = Item.objects.get(tag_number="MB-SC-001")
    MaintenancePlan.objects.create(
        equipment_type=screen.equipment_type, name="張りの点検", interval_days=30, starts_on=MON
    )
    client = client_for(staff)
    url = f"/lending/reservations/{reservation.pk}/hand-out/"
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at(MON)):
        warned = client.post(url, {"code": kit.tag_number})
        assert [d.item for d in warned.context["maintenance_due"]] == [screen]
        assert not Loan.objects.filter(handed_out_at__isnull=False).exists()
        confirmed = client.post(url, {"code": kit.tag_number, "confirm_maintenance": "on"})
    assert confirmed.status_code == 302
    assert Loan.objects.filter(handed_out_at__isnull=False).count() == 3
    entry = AuditEntry.objects.get(action="lending.item.handed_out_maintenance_due")
    assert "張りの点検" in entry.note


@pytest.mark.django_db
def test_a_busy_kit_offers_the_next_free_dates_and_a_kit_in_repair_none(make_user):
    staff = make_user(Role.LENDING_STAFF)
    _p, _s, _c, units = _equipment()
    kit = _kit(staff, units)
    _request(_org("先客"), staff, kits=[kit])
    with pytest.raises(ReservationConflict) as conflict:
        _request(_org(), staff, kits=[kit])
    # Thursday–Friday (the Saturday return is pulled back), then Monday–Wednesday, …
    assert conflict.value.free_periods == [
        (date(2026, 6, 18), date(2026, 6, 19)),
        (date(2026, 6, 22), date(2026, 6, 24)),
        (date(2026, 6, 25), date(2026, 6, 26)),
    ]
    assert "2026/06/18" in conflict.value.message
    Item.objects.filter(pk=units["hd"].pk).update(status=Item.Status.IN_REPAIR)
    with pytest.raises(ReservationConflict) as conflict:
        _request(_org("三番目"), staff, kits=[kit])
    assert conflict.value.free_periods == []
