"""Cached public pages whose copy is thrown away by the very transaction that changes them.

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
(per equipment type for the calendars) so that unrelated writes do not queue.
Fragments also expire after ``PUBLIC_CACHE_SECONDS``: the clock changes what they
show as well (a class that has started leaves the list).
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from core.models import CacheVersion

PUBLIC_CACHE_SECONDS = 60


def bump(*keys: str) -> None:
    """New versions for ``keys``: call inside the atomic block of the write."""
    for key in keys:
        if CacheVersion.objects.filter(key=key).update(version=F("version") + 1):
            continue
        try:
            with transaction.atomic():
                CacheVersion.objects.create(key=key, version=1)
        except IntegrityError:  # created meanwhile by another writer
            CacheVersion.objects.filter(key=key).update(version=F("version") + 1)


def version(key: str) -> int:
    """The current version of ``key`` (one query)."""
    return CacheVersion.objects.filter(key=key).values_list("version", flat=True).first() or 0
