"""Daily cron job of the lending desk (run once each morning, e.g. 07:00 JST).

- mails groups whose pickup is on the next open day (a reminder),
- mails groups with overdue units (once per reservation; then the desk phones),
- expires 仮予約 whose hold has run out (freeing their units),
- keeps overdue units occupied through today so the database knows they are not free.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from core import office_calendar
from lending.mails import send_reservation_mail
from lending.models import Loan, Reservation
from lending.services import loans_hold_overdue_days, reservation_expire_provisional


class Command(BaseCommand):
    help = "Send pickup reminders and overdue notices; expire provisional bookings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is this day (YYYY-MM-DD)."
        )

    def handle(self, *args, today: date | None = None, **options):
        now = timezone.now()
        today = today or timezone.localdate(now)
        expired = reservation_expire_provisional(now=now)
        held = loans_hold_overdue_days(today=today)

        # Tomorrow's pickups; on the last open day before a closed stretch, the
        # reminder goes out for the next open day.
        next_open = office_calendar.next_open_day(today, include_today=False)
        reminders = 0
        upcoming = Reservation.objects.filter(
            state=Reservation.State.APPROVED,
            pickup_date__gt=today,
            pickup_date__lte=next_open,
            pickup_reminder_sent_at__isnull=True,
        ).select_related("organisation")
        for reservation in upcoming:
            if send_reservation_mail(reservation, "pickup_reminder"):
                reminders += 1
            Reservation.objects.filter(pk=reservation.pk).update(pickup_reminder_sent_at=now)

        notices = 0
        overdue = (
            Reservation.objects.filter(
                loans__handed_out_at__isnull=False,
                loans__returned_at__isnull=True,
                loans__due_date__lt=today,
            )
            # One notice per reservation; then the desk phones (contacts on the desk page).
            .filter(overdue_notice_sent_at__isnull=True)
            .distinct()
            .select_related("organisation")
        )
        for reservation in overdue:
            loans = Loan.objects.filter(
                reservation=reservation, handed_out_at__isnull=False, returned_at__isnull=True
            ).select_related("item__equipment_type")
            if send_reservation_mail(reservation, "overdue", loans=list(loans)):
                notices += 1
            Reservation.objects.filter(pk=reservation.pk).update(overdue_notice_sent_at=now)

        self.stdout.write(
            f"expired={len(expired)} overdue_days_held={held} reminders={reminders} overdue_notices={notices}"
        )
