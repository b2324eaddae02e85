"""Helpers of the kiosk, label and link tests: put an item out on loan with plain ORM writes.

The desk's own services have their own tests; here a loan only has to exist.
"""

from datetime import date, timedelta

from django.utils import timezone

from lending.models import Item, ItemDay, Loan, Reservation


def put_on_loan(
    item: Item,
    organisation,
    *,
    pickup: date | None = None,
    due: date | None = None,
    event_name: str = "夏祭り",
) -> Loan:
    """A handed-out loan of ``item`` to ``organisation`` (item status on_loan)."""
    today = timezone.localdate()
    pickup = pickup or today - timedelta(days=2)
    due = due or today + timedelta(days=3)
    reservation = Reservation.objects.create(
        organisation=organisation,
        state=Reservation.State.HANDED_OUT,
        pickup_date=pickup,
        return_date=max(due, pickup),
        event_name=event_name,
        purpose="地域の行事で使います",
        declaration=True,
        handed_out_at=timezone.now(),
    )
    loan = Loan.objects.create(
        reservation=reservation,
        item=item,
        due_date=due,
        handed_out_at=timezone.now(),
        was_digital_ready=item.equipment_type.is_digital_ready,
    )
    day = pickup
    while day <= max(due, pickup):
        ItemDay.objects.create(item=item, day=day, loan=loan)
        day += timedelta(days=1)
    Item.objects.filter(pk=item.pk).update(status=Item.Status.ON_LOAN)
    item.refresh_from_db()
    return loan
