"""manage.py generate_bench_data --scale N: N years of realistic volume for the benchmarks.

Core writes its part (facilities, accounts), then every app of ours that has a
``bench_data`` module with ``generate(scale, rng)`` adds its own, in
INSTALLED_APPS order, like ``seed_demo`` does with ``demo``. Deterministic: each
app gets its own ``random.Random`` seeded from ``--seed`` and its name.
Refused on a database that already has accounts, so it can never flood real data.
Ends with fresh planner statistics and, on PostgreSQL, a vacuumed visibility map
(``VACUUM ANALYZE``), as production has them.
"""

import importlib
import importlib.util
import random
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.models import User


class Command(BaseCommand):
    help = "Fill an EMPTY database with N years of benchmark data (items, loans, classes…)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="Years of data (1–20).")
        parser.add_argument("--seed", type=int, default=20_250_401)

    def handle(self, *args, scale: int, seed: int, **options):
        if not 1 <= scale <= 20:
            raise CommandError("--scale must be between 1 and 20 years.")
        if User.objects.exists():
            raise CommandError(
                "This database already has accounts. Benchmark data goes into a fresh, "
                "migrated database only (see bench/README.md)."
            )
        total_started = time.perf_counter()
        for config in apps.get_app_configs():
            if config.name not in settings.TSUNAGU_APPS:
                continue
            module_name = f"{config.name}.bench_data"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            rng = random.Random(f"{seed}:{config.name}")
            started = time.perf_counter()
            with transaction.atomic():
                counts = module.generate(scale, rng) or {}
            elapsed = time.perf_counter() - started
            summary = ", ".join(f"{label} {count:,}" for label, count in counts.items())
            self.stdout.write(f"{config.name}: {summary} ({elapsed:.1f} s)")
        started = time.perf_counter()
        refresh_planner_statistics()
        self.stdout.write(f"statistics: (VACUUM) ANALYZE ({time.perf_counter() - started:.1f} s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark data for {scale} year(s) ready in {time.perf_counter() - total_started:.1f} s."
            )
        )


def refresh_planner_statistics() -> None:
    """Give the query planner statistics for the rows just bulk-loaded.

    A production database has them: PostgreSQL's autovacuum analyses tables as they
    grow, and SQLite's documentation asks for ``PRAGMA optimize`` on every long-lived
    connection. Without them the benchmark would time plans production never runs.
    Autovacuum also vacuums a table after many inserts, which sets its visibility map:
    without that every index-only scan (a list's COUNT) reads the table's rows as well,
    and the benchmark's counts grew with the data as production's do not (issue 18).
    VACUUM cannot run in a transaction (a test's): there, ANALYZE alone.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            # PRAGMA optimize alone only analyses tables that earlier queries on the
            # same connection found wanting; a fresh bulk load needs a full ANALYZE.
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
