"""The test suite: fast hashing, mail in memory, a file-backed SQLite test DB."""

import os

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Deliveries run right when the transaction commits (tests that capture on-commit
# callbacks see the mail in mail.outbox); tests/core/test_delivery.py proves the
# database backend and its worker once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# A file (not :memory:) so concurrency tests meet SQLite's real locking; one per
# process so parallel runs on one machine never share it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
# The cache in memory, emptied before every test (tests/conftest.py): the database cache's
# table is not flushed between transactional tests, so a cached public page would outlive
# the test that rendered it (core.pagecache versions start again at 0 after a flush).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
