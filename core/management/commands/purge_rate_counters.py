"""manage.py purge_rate_counters: delete the rate-limit counters of windows long gone (daily)."""

from django.core.management.base import BaseCommand, CommandError

from core.ratelimit import purge_old_counters


class Command(BaseCommand):
    help = (
        "Delete database rate-limit counters whose window started more than --days days ago "
        "(run daily from cron; a Redis deployment expires its counters by itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=2,
            help="Keep counters of windows that started within this many days (default 2).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = purge_old_counters(older_than_seconds=days * 24 * 3600)
        self.stdout.write(f"Rate-limit counters deleted: {deleted}")
