"""Cron (daily, e.g. 17:00): mail volunteers whose class is tomorrow."""

from django.core.management.base import BaseCommand

from outreach.services import signup_reminders_send


class Command(BaseCommand):
    help = "Mail every confirmed volunteer whose class is tomorrow (once per class)."

    def handle(self, *args, **options):
        sent = signup_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
