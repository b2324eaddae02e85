"""Daily cron job of the lending desk (run once each morning, e.g. 07:00 JST).

- mails groups whose pickup is on the next open day (a reminder),
- mails groups with overdue units (once per reservation; then the desk phones),
- expires 仮予約 whose hold has run out (freeing their units),
- keeps overdue units occupied through today so the database knows they are not free.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from lending.services import (
    loans_hold_overdue_days,
    reservation_expire_provisional,
    reservations_send_overdue_notices,
    reservations_send_pickup_reminders,
)


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
        reminders = reservations_send_pickup_reminders(today=today, now=now)
        notices = reservations_send_overdue_notices(today=today, now=now)
        self.stdout.write(
            f"expired={len(expired)} overdue_days_held={held} reminders={reminders} overdue_notices={notices}"
        )
