"""Anonymise class participants whose retention period has ended (run yearly from cron)."""

from django.core.management.base import BaseCommand

from core.fiscal import fiscal_year_label
from outreach.services import participants_anonymise


class Command(BaseCommand):
    help = "Anonymise participants of sessions past the retention period; counts stay the same."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be anonymised."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = participants_anonymise(dry_run=dry_run)
        verb = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(
            f"{verb}: {report.applications} applications, {report.attendances} attendance rows "
            f"in {report.sessions} sessions up to {fiscal_year_label(report.up_to_fiscal_year)}"
        )
