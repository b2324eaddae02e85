"""Settings for benchmark runs: production-like (DEBUG off), on a database of its own.

``BENCH_SQLITE`` names the SQLite file (never the development database);
``DATABASE_URL`` selects PostgreSQL as everywhere else. The URLs are the
project's plus the signed-in floor page (bench/urls.py), which only exists here.
"""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["NAME"] = os.environ.get(  # noqa: F405
        "BENCH_SQLITE",
        str(VAR_DIR / "bench.sqlite3"),  # noqa: F405
    )
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
# measure.py prints its results on stdout, where the console backend would write
# any mail a measured request sends; locmem keeps the mail (and its rendering).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The kiosk's safety valve against a stuck scanner (60 scans a minute) would turn
# the measured scans into "please wait" screens; the benchmark measures the scan.
TSUNAGU_KIOSK_SCANS_PER_MINUTE = 1_000_000
