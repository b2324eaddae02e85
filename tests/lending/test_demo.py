"""The demo data shows a desk in use: loans out now, one overdue, a request to approve, KPI facts."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from lending.models import Item, Loan, Membership, Organisation, Reservation
from lending.selectors import kpi_all_loan_groups, kpi_digital_loan_groups

pytestmark = pytest.mark.django_db


def test_seed_demo_has_loans_now_an_overdue_one_a_request_and_two_years_of_facts(
    settings, make_user
):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Reservation.objects.count(), Loan.objects.count(), Item.objects.count())
    call_command("seed_demo")
    assert (Reservation.objects.count(), Loan.objects.count(), Item.objects.count()) == counts

    assert Item.objects.filter(status=Item.Status.ON_LOAN).count() >= 3
    overdue = Loan.objects.filter(
        handed_out_at__isnull=False, returned_at__isnull=True, due_date__lt=timezone.localdate()
    )
    assert overdue.count() >= 1
    assert Reservation.objects.filter(state=Reservation.State.REQUESTED).count() >= 1
    assert Item.objects.filter(status=Item.Status.AWAITING_INSPECTION).exists()
    assert kpi_digital_loan_groups(2024).value >= 3
    assert kpi_digital_loan_groups(2025).value >= 4
    assert kpi_all_loan_groups(2025).value > kpi_digital_loan_groups(2025).value
    assert Membership.objects.filter(
        user__email="jichikai@example.jp", status=Membership.Status.VERIFIED
    ).exists()
    assert Organisation.objects.filter(kind=Organisation.Kind.NEIGHBOURHOOD).count() >= 12
    # Groups hear about their reservations through the outbox: the desk's call list has
    # today's calls (a phone-only group's approval, the overdue group), earlier ones are done.
    from core.models import Message
    from core.roles import Role
    from core.selectors import call_list

    desk_calls = call_list(make_user(Role.LENDING_STAFF))
    events = set(desk_calls.values_list("event", flat=True))
    assert {"lending.reservation.approved", "lending.reservation.overdue_notified"} <= events
    assert desk_calls.count() <= 5  # a few, not the demo's whole history
    lending = Message.objects.filter(event__startswith="lending.")
    assert lending.filter(status=Message.Status.CALLED).exists()
    assert lending.filter(event="lending.loan.swapped").exists()
    assert lending.filter(event="lending.reservation.units_released").exists()
    dx_calls = call_list(make_user(Role.DX_STAFF))
    assert dx_calls.filter(event="outreach.application.promoted", name="佐々木 幸子").exists()


def test_seed_demo_has_a_stocktake_in_progress_maintenance_due_and_an_invited_representative(
    settings,
):
    from lending import maintenance
    from lending.models import MaintenanceRecord, RepresentativeInvitation, Stocktake

    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        Stocktake.objects.count(),
        MaintenanceRecord.objects.count(),
        RepresentativeInvitation.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Stocktake.objects.count(),
        MaintenanceRecord.objects.count(),
        RepresentativeInvitation.objects.count(),
    ) == counts

    stocktake = Stocktake.objects.get(state=Stocktake.State.OPEN)
    assert stocktake.lines.filter(seen_at__isnull=False).exists()
    assert stocktake.lines.filter(seen_at__isnull=True).exists()
    today = timezone.localdate()
    assert any(d.due_on == today for d in maintenance.desk_due(today))
    invitation = RepresentativeInvitation.objects.get(email="yakuin@example.jp")
    assert invitation.status == RepresentativeInvitation.Status.OPEN
    from core.models import User

    assert not User.objects.filter(email="yakuin@example.jp").exists()
    assert User.objects.get(email="seikatsu@example.jp").groups.filter(name="lending_lead").exists()


def test_seed_demo_has_two_kits_and_one_of_them_booked(settings):
    from lending.models import Kit, ReservationLine

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    kits = list(Kit.objects.filter(is_active=True).prefetch_related("members"))
    assert [kit.tag_number for kit in kits] == ["MB-KIT-001", "MB-KIT-002"]
    assert all(kit.members.count() >= 3 for kit in kits)
    assert ReservationLine.objects.filter(kit=kits[0]).count() == 1
