"""Cron (daily): remind volunteers whose デジタル推進委員 appointment lapses soon."""

from django.core.management.base import BaseCommand

from volunteers.services import appointment_reminders_send


class Command(BaseCommand):
    help = "Mail volunteers whose デジタル推進委員 appointment ends soon and is not renewed."

    def handle(self, *args, **options):
        sent = appointment_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
