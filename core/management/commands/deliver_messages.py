"""Deliver every message that is due: new ones whose task was lost, retries whose time has come,
messages claimed by a worker that died. Safe to run at any time, alongside the workers: a
message is claimed before it is sent, so it goes out once.

Production runs ``manage.py db_worker`` (django-tasks) for immediate delivery and this
command from cron every few minutes as the safety net; ``--loop`` keeps it running.
"""

import time

from django.core.management.base import BaseCommand

from core.delivery import deliver_due


class Command(BaseCommand):
    help = "Deliver the outbox's due messages (e-mail); calls and postcards stay on the call list."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many messages.")
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running, delivering what is due every --interval seconds.",
        )
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args, limit=None, loop=False, interval=30.0, **options):
        while True:
            outcome = deliver_due(limit=limit)
            if outcome or not loop:
                self.stdout.write(
                    f"sent {outcome['sent']}, to retry {outcome['retry']}, failed {outcome['failed']}"
                )
            if not loop:
                return
            time.sleep(interval)
