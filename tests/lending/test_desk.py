"""The desk's queues: two written-out statements that must read what their querysets say."""

from datetime import timedelta

from django.urls import reverse
from django.utils import translation

from core.fiscal import short_date, short_datetime
from lending import selectors
from lending.models import Item, Kit, Loan, Reservation, ReservationLine
from lending.selectors import DESK_QUEUE_LENGTH

from .conftest import TODAY, at

S = Reservation.State


def _reservations(make_org, make_type):
    """More than a queue's length of every desk state, on dates with ties, and some that
    the desk must leave out; one, two or a kit's line each."""
    orgs = [make_org(), make_org(return_contact_name="返却 係", return_contact_phone="090")]
    projector, tent = make_type(), make_type(name="テント<大>")
    kit = Kit.objects.create(name="上映セット", tag_number="MB-KIT-001")
    shown = [
        (S.APPROVED, lambda i: TODAY - timedelta(days=i % 4), lambda i: TODAY + timedelta(days=1)),
        (S.HANDED_OUT, lambda i: TODAY - timedelta(days=i % 3), lambda i: TODAY),
        (S.REQUESTED, lambda i: TODAY + timedelta(days=i % 7), lambda i: TODAY + timedelta(9)),
        (S.PROVISIONAL, lambda i: TODAY + timedelta(days=i % 5), lambda i: TODAY + timedelta(9)),
    ]
    left_out = [
        (S.APPROVED, lambda i: TODAY + timedelta(days=1), lambda i: TODAY + timedelta(days=2)),
        (S.HANDED_OUT, lambda i: TODAY - timedelta(days=1), lambda i: TODAY + timedelta(days=1)),
        (S.CLOSED, lambda i: TODAY - timedelta(days=3), lambda i: TODAY),
    ]
    reservations = Reservation.objects.bulk_create(
        [
            Reservation(
                organisation=orgs[i % 2],
                state=state,
                pickup_date=pickup(i),
                return_date=ret(i),
                provisional_expires_at=at(TODAY + timedelta(days=3)),
                event_name="防災訓練",
                purpose="訓練",
                declaration=True,
            )
            for state, pickup, ret in shown * 2 + left_out
            for i in range(DESK_QUEUE_LENGTH + 3)
        ]
    )
    lines = []
    for i, reservation in enumerate(reservations):
        if i % 5 == 0:
            lines.append(ReservationLine(reservation=reservation, kit=kit, quantity=1))
            continue
        lines.append(ReservationLine(reservation=reservation, equipment_type=tent, quantity=2))
        if i % 3:
            lines.append(
                ReservationLine(reservation=reservation, equipment_type=projector, quantity=1)
            )
    ReservationLine.objects.bulk_create(lines)
    return reservations, projector


def _loans(reservations, equipment_type):
    """Overdue loans and loans awaiting inspection (ties in due date and return time), and
    loans the desk leaves out (out but not due, back and inspected)."""
    out = [r for r in reservations if r.state == S.HANDED_OUT]
    loans = []
    for i in range(DESK_QUEUE_LENGTH + 5):
        item = Item.objects.create(
            equipment_type=equipment_type, tag_number=f"MB-PJ-{(i * 7) % 31:03d}-{i}"
        )
        handed_out = at(TODAY - timedelta(days=10))
        kind = i % 4
        loans.append(
            Loan(
                reservation=out[i % len(out)],
                item=item,
                due_date=TODAY - timedelta(days=1 + i % 3) if kind != 2 else TODAY,
                handed_out_at=handed_out,
                returned_at=None if kind in (0, 2) else at(TODAY - timedelta(days=i % 2), 14, 5),
                inspected_at=at(TODAY) if kind == 3 and i % 8 == 3 else None,
                was_late=bool(i % 3),
                missing_components=["ケーブル", "<袋>"] if i % 5 == 1 else [],
            )
        )
    Loan.objects.bulk_create(loans)


def test_every_desk_queue_reads_the_soonest_rows_of_its_queryset(make_org, make_type, db):
    reservations, projector = _reservations(make_org, make_type)
    _loans(reservations, projector)

    desk = selectors.desk(TODAY)

    for name, queryset in selectors.desk_querysets(TODAY).items():
        queue = getattr(desk, name)
        expected = list(queryset.values_list("pk", flat=True)[:DESK_QUEUE_LENGTH])
        assert [row.pk for row in queue] == expected, name
        assert queue.total == queryset.count(), name
        assert queue.total > 0, name
    assert desk.awaiting_approval.total > DESK_QUEUE_LENGTH
    assert desk.overdue.total < DESK_QUEUE_LENGTH  # a short queue shows all its rows


def test_desk_rows_show_what_the_models_say(make_org, make_type, db):
    reservations, projector = _reservations(make_org, make_type)
    _loans(reservations, projector)

    desk = selectors.desk(TODAY)

    rows = [*desk.pickups_today, *desk.returns_today, *desk.awaiting_approval]
    for row in rows:
        reservation = Reservation.objects.select_related("organisation").get(pk=row.pk)
        lines = reservation.lines.select_related("equipment_type", "kit").order_by("pk")
        assert row.organisation == reservation.organisation.name
        assert row.equipment == "、".join(f"{line.label}×{line.quantity}" for line in lines)
        assert row.state_label == reservation.get_state_display()
        assert row.dates == f"{short_date(row.pickup_date)}〜{short_date(row.return_date)}"
        assert row.url == reverse("lending:reservation_detail", args=[row.pk])
        assert row.hand_out_url == reverse("lending:reservation_hand_out", args=[row.pk])
    assert any(row.equipment == "上映セット（MB-KIT-001）×1" for row in rows)
    for row in [*desk.overdue, *desk.awaiting_inspection]:
        loan = Loan.objects.select_related("item__equipment_type", "reservation__organisation").get(
            pk=row.pk
        )
        organisation = loan.reservation.organisation
        assert row.tag_number == loan.item.tag_number
        assert row.type_name == loan.item.equipment_type.name
        assert row.organisation == organisation.name
        assert row.contact_name == (
            organisation.return_contact_name or organisation.representative_name
        )
        assert row.contact_phone == (
            organisation.return_contact_phone or organisation.representative_phone
        )
        assert (row.due_date, row.due) == (loan.due_date, short_date(loan.due_date))
        assert row.returned_at == loan.returned_at
        assert row.returned == (short_datetime(loan.returned_at) if loan.returned_at else "")
        assert (row.was_late, row.missing_components) == (loan.was_late, loan.missing_components)
        assert row.item_url == reverse("lending:item_detail", args=[loan.item_id])
        assert row.inspect_url == reverse("lending:loan_inspect", args=[loan.pk])
        assert row.reservation_url == reverse(
            "lending:reservation_detail", args=[loan.reservation_id]
        )
    # A return at 14:05 JST is shown at 14:05, not at its UTC time.
    assert desk.awaiting_inspection.rows[0].returned.endswith("14:05")


def test_an_empty_desk_has_empty_queues(db):
    desk = selectors.desk(TODAY)

    for name in selectors.desk_querysets(TODAY):
        assert (getattr(desk, name).rows, getattr(desk, name).total) == ([], 0)


def test_desk_dates_and_states_follow_the_language_of_the_request(make_org, make_type, db):
    _reservations(make_org, make_type)
    japanese = selectors.desk(TODAY).awaiting_approval.rows[0]

    with translation.override("en"):
        english = selectors.desk(TODAY).awaiting_approval.rows[0]
        expected = f"{short_date(english.pickup_date)}〜{short_date(english.return_date)}"

    assert japanese.dates != english.dates
    assert english.dates == expected
    assert (japanese.state_label, english.state_label) == ("承認待ち", "Awaiting approval")
