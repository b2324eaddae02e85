"""Cron (every morning, e.g. 07:00): remind residents and volunteers of their class.

Residents with a confirmed place get an e-mail, or a call on 総務課's list, for every
class up to the next day the office is open (Friday's run covers Monday's classes);
volunteers get their mail the day before. Running it twice records nothing new.
"""

from django.core.management.base import BaseCommand

from outreach.services import application_reminders_send, signup_reminders_send


class Command(BaseCommand):
    help = "Remind residents (e-mail or the call list) and volunteers of their class; idempotent."

    def handle(self, *args, **options):
        residents = application_reminders_send()
        volunteers = signup_reminders_send()
        self.stdout.write(
            f"{residents} reminder(s) to residents, {volunteers} to volunteers recorded."
        )
