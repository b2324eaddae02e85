"""Print a fiscal year's KPI sheet exactly as /kpi/<fy>.csv or /kpi/<fy>.json serves it."""

from django.core.management.base import BaseCommand, CommandError

from kpi.exports import FORMATS, sheet_export


class Command(BaseCommand):
    help = "Print the KPI check sheet of a fiscal year as CSV or JSON (same bytes as the URLs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fiscal-year", type=int, required=True, help="For example 2025 (令和7年度)."
        )
        parser.add_argument("--format", choices=FORMATS, default="json")

    def handle(self, *args, fiscal_year: int, format: str, **options):
        content = sheet_export(fiscal_year, format)
        if content is None:
            raise CommandError(f"No plan period covers fiscal year {fiscal_year}.")
        self.stdout.write(content.decode("utf-8"), ending="")
