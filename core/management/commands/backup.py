"""manage.py backup --output PATH: a complete, consistent copy of the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Back up the whole database to a new file: SQLite with its backup API, "
        "PostgreSQL with pg_dump --format=custom."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="New file to write.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output: Path, database: str, **options):
        try:
            written = backup_database(output, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written to {written} ({size:,} bytes)."))
