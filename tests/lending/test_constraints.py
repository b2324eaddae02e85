"""The database itself refuses double bookings (both SQLite and PostgreSQL)."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from lending.models import ItemDay, Loan, Reservation


def _reservation(org, pickup, ret):
    return Reservation.objects.create(
        organisation=org,
        pickup_date=pickup,
        return_date=ret,
        event_name="夏祭り",
        purpose="地域の夏祭り",
        declaration=True,
    )


@pytest.mark.django_db
def test_raw_insert_of_overlapping_occupancy_fails_at_the_database(make_org, make_item):
    item = make_item()
    first = _reservation(make_org(), date(2026, 7, 1), date(2026, 7, 3))
    second = _reservation(make_org(), date(2026, 7, 3), date(2026, 7, 6))
    loan1 = Loan.objects.create(reservation=first, item=item, due_date=first.return_date)
    loan2 = Loan.objects.create(reservation=second, item=item, due_date=second.return_date)
    ItemDay.objects.create(item=item, day=date(2026, 7, 3), loan=loan1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemDay.objects.create(item=item, day=date(2026, 7, 3), loan=loan2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemDay.objects.bulk_create([ItemDay(item=item, day=date(2026, 7, 3), loan=loan2)])
    assert ItemDay.objects.filter(item=item).count() == 1


@pytest.mark.django_db
def test_database_refuses_two_active_loans_of_one_item(make_org, make_item):
    from django.utils import timezone

    item = make_item()
    first = _reservation(make_org(), date(2026, 7, 1), date(2026, 7, 3))
    second = _reservation(make_org(), date(2026, 7, 10), date(2026, 7, 12))
    Loan.objects.create(
        reservation=first, item=item, due_date=first.return_date, handed_out_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            reservation=second, item=item, due_date=second.return_date, handed_out_at=timezone.now()
        )


@pytest.mark.django_db
def test_reservation_without_declaration_or_with_return_before_pickup_is_refused(make_org):
    org = make_org()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            organisation=org,
            pickup_date=date(2026, 7, 3),
            return_date=date(2026, 7, 1),
            event_name="x",
            purpose="x",
            declaration=True,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            organisation=org,
            pickup_date=date(2026, 7, 1),
            return_date=date(2026, 7, 1),
            event_name="x",
            purpose="x",
            declaration=False,
        )


@pytest.mark.django_db
def test_qr_token_is_random_url_safe_and_at_least_128_bits(make_item):
    a, b = make_item(), make_item()
    assert a.qr_token != b.qr_token
    assert len(a.qr_token) >= 22  # 24 random bytes → 32 URL-safe characters
    assert a.qr_url.endswith("/t/" + a.qr_token)
