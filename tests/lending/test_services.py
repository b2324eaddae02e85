"""Reservation, hand-out, return and inspection services."""

from datetime import date, timedelta

import pytest

from core.models import AuditEntry
from core.refusals import Refusal
from lending.models import Item, ItemDay, Loan, Reservation
from lending.selectors import free_items, item_find_by_code
from lending.services import (
    ReservationConflict,
    item_retire,
    loan_hand_out,
    loan_inspect,
    loan_return,
    reservation_approve,
    reservation_cancel,
    reservation_expire_provisional,
    reservation_reject,
    reservation_release_unhanded,
)

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db

MON = date(2026, 6, 15)
WED = date(2026, 6, 17)
FRI = date(2026, 6, 19)


def test_request_assigns_free_units_and_holds_every_day(make_org, make_type, make_item, book):
    projector = make_type()
    items = [make_item(projector) for _ in range(3)]
    reservation = book(make_org(), {projector: 2}, MON, WED)
    assert reservation.state == Reservation.State.REQUESTED
    loans = list(reservation.loans.order_by("item__tag_number"))
    assert [loan.item for loan in loans] == items[:2]
    assert ItemDay.objects.filter(loan__reservation=reservation).count() == 2 * 3
    assert list(free_items(projector, MON, WED, today=TODAY)) == [items[2]]
    assert AuditEntry.objects.filter(action="lending.reservation.requested").count() == 1


def test_request_beyond_free_units_is_a_conflict_with_free_dates(
    make_org, make_type, make_item, book
):
    projector = make_type(name="プロジェクター")
    make_item(projector)
    book(make_org(), {projector: 1}, MON, WED)
    with pytest.raises(ReservationConflict) as caught:
        book(make_org(), {projector: 1}, MON, FRI)
    conflict = caught.value
    assert conflict.free == 0
    # The unit is free again from Thursday 18 June; 4 nights from then ends on Monday 22.
    assert conflict.free_periods[0] == (date(2026, 6, 18), date(2026, 6, 22))
    assert "プロジェクター" in conflict.message
    assert "2026/06/18" in conflict.message
    assert Reservation.objects.count() == 1  # nothing half-written


def test_cancel_and_reject_free_the_units_again(
    make_org,
    make_type,
    make_item,
    book,
    lending_staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    projector = make_type()
    make_item(projector)
    org = make_org(representative_email="kaicho@example.jp")
    first = book(org, {projector: 1}, MON, WED)
    reservation_cancel(reservation=first, by=lending_staff, reason="行事中止")
    second = book(org, {projector: 1}, MON, WED)
    with pytest.raises(Refusal) as caught:
        reservation_reject(reservation=second, by=lending_staff, reason="  ")
    assert caught.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        reservation_reject(
            reservation=second, by=lending_staff, reason="同じ日に市の行事で使います"
        )
    assert mailoutbox[-1].to == ["kaicho@example.jp"]
    assert "市の行事" in mailoutbox[-1].body
    third = book(org, {projector: 1}, MON, WED)
    assert third.loans.count() == 1
    assert ItemDay.objects.count() == 3


def test_approval_mails_the_group_and_cannot_repeat(
    make_org,
    make_type,
    make_item,
    make_rep,
    book,
    lending_staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    projector = make_type()
    make_item(projector)
    org = make_org()
    rep = make_rep(org)
    reservation = book(org, {projector: 1}, MON, WED)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_approve(reservation=reservation, by=lending_staff)
    assert mailoutbox[-1].to == [rep.email]
    assert "承認しました" in mailoutbox[-1].body
    with pytest.raises(Refusal):
        reservation_approve(reservation=reservation, by=lending_staff)


def test_provisional_booking_by_phone_expires_and_frees_units(
    make_org, make_type, make_item, book, org_rep_user, lending_staff
):
    projector = make_type()
    make_item(projector)
    org = make_org()
    with pytest.raises(Refusal):
        book(org, {projector: 1}, MON, WED, by=org_rep_user, provisional=True)
    held = book(org, {projector: 1}, MON, WED, provisional=True)
    assert held.state == Reservation.State.PROVISIONAL
    assert held.provisional_expires_at == at(TODAY) + timedelta(days=3)
    assert reservation_expire_provisional(now=at(TODAY + timedelta(days=2))) == []
    expired = reservation_expire_provisional(now=at(TODAY + timedelta(days=3)))
    assert [r.pk for r in expired] == [held.pk]
    held.refresh_from_db()
    assert held.state == Reservation.State.EXPIRED
    assert not ItemDay.objects.exists()


def _approved(book, org, lines, pickup, ret, staff):
    reservation = book(org, lines, pickup, ret)
    return reservation_approve(reservation=reservation, by=staff)


def test_hand_out_by_scanned_url_then_return_at_counter(
    make_org, make_type, make_item, book, lending_staff, settings
):
    projector = make_type()
    item = make_item(projector)
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    scanned = f"{settings.SITE_URL}/t/{item.qr_token}"
    with pytest.raises(Refusal, match="06/15"):
        loan_hand_out(
            reservation=reservation, code=scanned, by=lending_staff, now=at(FRI - timedelta(days=5))
        )
    loan = loan_hand_out(reservation=reservation, code=scanned, by=lending_staff, now=at(MON, 9))
    item.refresh_from_db()
    reservation.refresh_from_db()
    assert loan.handed_out_at == at(MON, 9)
    assert item.status == Item.Status.ON_LOAN
    assert reservation.state == Reservation.State.HANDED_OUT
    result = loan_return(item=item, by=lending_staff, via="counter", now=at(WED, 16))
    assert result.outcome == "returned"
    assert result.was_late is False
    item.refresh_from_db()
    reservation.refresh_from_db()
    assert item.status == Item.Status.AWAITING_INSPECTION
    assert reservation.state == Reservation.State.RETURNED
    again = loan_return(item=item, by=lending_staff, via="kiosk", now=at(WED, 17))
    assert again.outcome == "already_returned"
    assert again.loan.pk == loan.pk
    assert AuditEntry.objects.filter(action="lending.loan.returned").count() == 1


def test_hand_out_by_typed_tag_number_in_full_width(
    make_org, make_type, make_item, book, lending_staff
):
    projector = make_type()
    item = make_item(projector, tag_number="MB-PJ-001")
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    loan = loan_hand_out(
        reservation=reservation, code="ｍｂ－ｐｊ－００１", by=lending_staff, now=at(MON)
    )
    assert loan.item == item


def test_staff_may_swap_units_at_hand_out_but_not_into_a_booked_one(
    make_org, make_type, make_item, book, lending_staff
):
    projector = make_type()
    assigned, spare, booked = (make_item(projector) for _ in range(3))
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    other = book(make_org(), {projector: 1}, WED, FRI)
    assert other.loans.get().item == spare
    with pytest.raises(Refusal, match="別の予約|another"):
        loan_hand_out(reservation=reservation, code=spare.tag_number, by=lending_staff, now=at(MON))
    loan = loan_hand_out(
        reservation=reservation, code=booked.tag_number, by=lending_staff, now=at(MON)
    )
    assert loan.item == booked
    assert set(ItemDay.objects.filter(loan=loan).values_list("item_id", flat=True)) == {booked.pk}
    assert not ItemDay.objects.filter(item=assigned).exists()


def test_unknown_foreign_and_retired_codes_are_refused_clearly(
    make_org, make_type, make_item, book, lending_staff
):
    projector, tent = make_type(), make_type(name="テント")
    make_item(projector)
    stranger = make_item(tent)
    retired = make_item(projector)
    item_retire(item=retired, by=lending_staff, reason="レンズ破損")
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    for code in ["nonsense", stranger.tag_number, retired.tag_number]:
        with pytest.raises(Refusal):
            loan_hand_out(reservation=reservation, code=code, by=lending_staff, now=at(MON))


def test_late_return_is_flagged_and_overdue_unit_is_not_free(
    make_org, make_type, make_item, book, lending_staff
):
    projector = make_type()
    item = make_item(projector)
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    loan_hand_out(reservation=reservation, code=item.qr_token, by=lending_staff, now=at(MON))
    # Thursday: the unit should have come back yesterday; it is free on no day from today.
    thursday = WED + timedelta(days=1)
    assert not free_items(projector, date(2026, 6, 24), date(2026, 6, 25), today=thursday).exists()
    result = loan_return(
        item=item, by=None, via="kiosk", missing_components=["リモコン"], now=at(thursday)
    )
    assert result.was_late is True
    assert result.loan.missing_components == ["リモコン"]
    assert result.loan.returned_by is None


def test_return_of_an_item_not_on_loan(make_item, lending_staff):
    result = loan_return(item=make_item(), by=lending_staff, via="counter")
    assert result.outcome == "not_on_loan"
    assert result.loan is None


def test_inspection_ok_makes_available_damage_goes_to_repair_and_closes(
    make_org, make_type, make_item, book, lending_staff
):
    projector = make_type()
    good, broken = make_item(projector), make_item(projector)
    reservation = _approved(book, make_org(), {projector: 2}, MON, WED, lending_staff)
    for item in (good, broken):
        loan_hand_out(reservation=reservation, code=item.tag_number, by=lending_staff, now=at(MON))
        loan_return(item=item, by=lending_staff, via="counter", now=at(WED))
    loans = {loan.item_id: loan for loan in reservation.loans.all()}
    loan_inspect(loan=loans[good.pk], by=lending_staff, result="ok")
    with pytest.raises(Refusal):
        loan_inspect(loan=loans[broken.pk], by=lending_staff, result="damaged", note="")
    inspected = loan_inspect(
        loan=loans[broken.pk],
        by=lending_staff,
        result="damaged",
        note="レンズに傷",
        compensation_required=True,
    )
    good.refresh_from_db()
    broken.refresh_from_db()
    reservation.refresh_from_db()
    assert good.status == Item.Status.AVAILABLE
    assert broken.status == Item.Status.IN_REPAIR
    assert inspected.compensation_required is True
    assert reservation.state == Reservation.State.CLOSED


def test_units_not_taken_can_be_released_after_hand_out(
    make_org, make_type, make_item, book, lending_staff
):
    projector = make_type()
    first, second = make_item(projector), make_item(projector)
    reservation = _approved(book, make_org(), {projector: 2}, MON, WED, lending_staff)
    loan_hand_out(reservation=reservation, code=first.tag_number, by=lending_staff, now=at(MON))
    assert reservation_release_unhanded(reservation=reservation, by=lending_staff) == 1
    assert not ItemDay.objects.filter(item=second).exists()
    loan_return(item=first, by=lending_staff, via="counter", now=at(WED))
    reservation.refresh_from_db()
    assert reservation.state == Reservation.State.RETURNED


def test_cancel_is_refused_after_hand_out(make_org, make_type, make_item, book, lending_staff):
    projector = make_type()
    item = make_item(projector)
    reservation = _approved(book, make_org(), {projector: 1}, MON, WED, lending_staff)
    loan_hand_out(reservation=reservation, code=item.tag_number, by=lending_staff, now=at(MON))
    with pytest.raises(Refusal):
        reservation_cancel(reservation=reservation, by=lending_staff)
    assert Loan.objects.get().returned_at is None


def test_item_find_by_code_reads_urls_tokens_and_tag_numbers(make_item, settings):
    item = make_item(tag_number="MB-PJ-001")
    assert item_find_by_code(f"{settings.SITE_URL}/t/{item.qr_token}") == item
    assert item_find_by_code(f"https://old-host.example.jp/t/{item.qr_token}/") == item
    assert item_find_by_code(item.qr_token) == item
    assert item_find_by_code(" mb-pj-001 ") == item
    assert item_find_by_code("ＭＢ－ＰＪ－００１") == item
    assert item_find_by_code("MBーPJー001") == item  # katakana prolonged sound mark from an IME
    assert item_find_by_code("") is None
    assert item_find_by_code("MB-PJ-999") is None


def test_item_find_by_code_returns_retired_items_and_forgets_old_tokens(make_item, lending_staff):
    from lending.models import new_qr_token

    item = make_item()
    old = item.qr_token
    item.qr_token = new_qr_token()
    item.save()
    assert item_find_by_code(old) is None
    assert item_find_by_code(item.qr_token) == item
    item_retire(item=item, by=lending_staff, reason="故障")
    found = item_find_by_code(item.tag_number)
    assert found == item
    assert found.is_retired
