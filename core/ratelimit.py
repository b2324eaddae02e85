"""The one rate limiter: atomic, and keyed on the real client behind the city's proxy.

``RateLimit("outreach.apply", limit=20, window=3600).exceeded(request)`` counts one
attempt for the client and says whether it went past the limit. Counting is a
single atomic step whatever the deployment: Redis ``INCR`` when a Redis cache is
configured, otherwise one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on our
own table (Django's database cache ``incr`` reads then writes, so simultaneous
requests slipped past it).

Who the client is: behind a TLS proxy every request comes from the proxy's
address. With ``TRUSTED_PROXY_COUNT`` = N (the number of proxies in front of
Tsunagu, from the environment) and a request whose peer is one of
``TRUSTED_PROXY_ADDRESSES``, the client is the N-th address from the right of
``X-Forwarded-For``. A header sent by anyone else is ignored, so it cannot be
forged to dodge a limit. allauth's sign-in limits use the same function (see
``core.adapters``).
"""

import ipaddress
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction


@cache
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(text, strict=False) for text in settings.TSUNAGU_TRUSTED_PROXIES
    )


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


def client_ip(request) -> str:
    """The address of the person's device, looking through the trusted proxies only."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TSUNAGU_TRUSTED_PROXY_COUNT
    if count <= 0 or not _is_trusted_proxy(remote):
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return remote


def _uses_redis() -> bool:
    return "redis" in caches["default"].__class__.__module__


def _count_in_redis(key: str, window: int) -> int:
    store = caches["default"]
    store.add(key, 0, timeout=window * 2)
    return store.incr(key)


def _count_in_database(key: str, window_start: int) -> int:
    from core.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [key, window_start],
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` attempts per client in each ``window`` seconds (a fixed window)."""

    scope: str
    limit: int
    window: int

    def hit(self, identity: str) -> int:
        """Count one attempt by ``identity``; returns the attempts in this window so far."""
        window_start = int(time.time() // self.window) * self.window
        key = f"rl:{self.scope}:{identity}:{window_start}"[:200]
        if _uses_redis():
            return _count_in_redis(key, self.window)
        return _count_in_database(key, window_start)

    def exceeded(self, request, *, identity: str | None = None) -> bool:
        """Count this request (by client address unless ``identity`` is given); True past the limit."""
        return self.hit(identity if identity is not None else client_ip(request)) > self.limit


def purge_old_counters(*, older_than_seconds: int = 2 * 24 * 3600) -> int:
    """Delete database counters of windows long gone (run by the daily job)."""
    from core.models import RateCounter

    cutoff = int(time.time()) - older_than_seconds
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
