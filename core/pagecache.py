"""Cached pages whose copy is thrown away by the very transaction that changes them.

Used by the public class list (``outreach.public_classes``), each type's public month
calendar, the KPI sheet and public report (``kpi.sheets``, core.figures.KPI_CACHE) and
the class and Wi-Fi analyses (``outreach.analysis``, ``wifi.analysis``): pages that many
people read and few writes change. Personal data (the analysis's follow-up list) is
never part of a cached copy: it is read afresh on each request.

A page (or the costly part of it, with ``{% cache %}``) is cached under a key that
includes the current *version* of what it shows. Services that change it call
``bump(key)`` inside their ``transaction.atomic()`` block: the version row is
updated in the same transaction as the data, so

- a reader that still sees the old data also sees the old version (its copy is
  stored under the old key, which nobody asks for after the commit), and
- the first request after the commit reads the new version and renders afresh.

Bumping from ``transaction.on_commit`` or in the cache itself would leave a window in
which a request renders the old data under the new version and keeps it cached.
The row lock of the bump serialises writers of one key; keys are per page kind
(per equipment type for the calendars) so that unrelated writes do not queue. Bump
after taking the row locks the write needs (``select_for_update``), never before:
one order of locks everywhere, so two writers cannot wait for each other.
Fragments also expire after ``PUBLIC_CACHE_SECONDS`` (the analyses after ten minutes):
the clock changes what they show as well (a class that has started leaves the list),
and a few rare writes outside the services (the admin site) bump nothing.
When one write bumps several keys it passes them in one ``bump()`` call, which locks
them in sorted order, so two writers always take the version rows in one order.
"""

from django.db import connection

from core.models import CacheVersion

PUBLIC_CACHE_SECONDS = 60


def bump(*keys: str) -> None:
    """New versions for ``keys``: call inside the atomic block of the write, after its locks.

    One statement per key, the same whether the key exists yet or not (an upsert that
    SQLite and PostgreSQL both understand), so query counts do not depend on history."""
    table = connection.ops.quote_name(CacheVersion._meta.db_table)
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute(
                f"INSERT INTO {table} (key, version) VALUES (%s, 1) "  # noqa: S608 - our table
                f"ON CONFLICT (key) DO UPDATE SET version = {table}.version + 1",
                [key],
            )


def version(key: str) -> int:
    """The current version of ``key`` (one query)."""
    return CacheVersion.objects.filter(key=key).values_list("version", flat=True).first() or 0
