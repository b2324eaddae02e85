"""Cron (daily): mail volunteers whose class is tomorrow.

Kept for existing cron entries: ``outreach_send_reminders`` does this and the
residents' reminders in one run.
"""

from django.core.management.base import BaseCommand

from outreach.services import signup_reminders_send


class Command(BaseCommand):
    help = "Mail every confirmed volunteer whose class is tomorrow (once per class)."

    def handle(self, *args, **options):
        sent = signup_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
