"""The daily cron command: reminders, overdue notices, expiring 仮予約."""

from datetime import date

import pytest
from django.core.management import call_command

from lending.models import ItemDay, Reservation
from lending.services import loan_hand_out, reservation_approve

from .conftest import at

pytestmark = pytest.mark.django_db


def test_reminders_overdue_notices_and_expiry(
    frozen,
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
    for _ in range(3):
        make_item(projector)
    tomorrow_group, late_group = make_org(), make_org()
    tomorrow_rep, late_rep = make_rep(tomorrow_group), make_rep(late_group)
    # Friday 12 June: Monday 15 is the next open day, so its pickup gets a reminder today.
    friday = date(2026, 6, 12)
    monday = book(
        tomorrow_group,
        {projector: 1},
        date(2026, 6, 15),
        date(2026, 6, 16),
        now=at(date(2026, 6, 1)),
    )
    reservation_approve(reservation=monday, by=lending_staff)
    late = book(
        late_group, {projector: 1}, date(2026, 6, 8), date(2026, 6, 10), now=at(date(2026, 6, 1))
    )
    reservation_approve(reservation=late, by=lending_staff)
    late_item = late.loans.get().item
    loan_hand_out(
        reservation=late, code=late_item.tag_number, by=lending_staff, now=at(date(2026, 6, 8))
    )
    held = book(
        make_org(),
        {projector: 1},
        date(2026, 6, 22),
        date(2026, 6, 22),
        now=at(date(2026, 6, 8)),
        provisional=True,
    )
    frozen(at(friday, 7))
    # Mails leave once their transaction commits (core.messaging).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lending_send_reminders")
    recipients = sorted(tuple(m.to) for m in mailoutbox)
    assert recipients == sorted([(tomorrow_rep.email,), (late_rep.email,)])
    assert any(late_item.tag_number in m.body for m in mailoutbox)
    held.refresh_from_db()
    assert held.state == Reservation.State.EXPIRED
    # The overdue unit now holds 11 and 12 June as well.
    assert set(ItemDay.objects.filter(item=late_item).values_list("day", flat=True)) >= {
        date(2026, 6, 11),
        date(2026, 6, 12),
    }
    # Running again the same day sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lending_send_reminders")
    assert len(mailoutbox) == 2
