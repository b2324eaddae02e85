"""The one rate limiter: atomic, and keyed on the real client behind the city's proxy.

``RateLimit("outreach.apply", limit=20, window=3600).exceeded(request)`` counts one
attempt for the client and says whether it went past the limit. Counting is a
single atomic step whatever the deployment: Redis ``INCR`` when a Redis cache is
configured, otherwise one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on our
own table (or, for a limit declared ``shared=False``, a counter in the worker's
memory) (Django's database cache ``incr`` reads then writes, so simultaneous
requests slipped past it).

Who the client is: behind a TLS proxy every request comes from the proxy's
address. With ``TRUSTED_PROXY_COUNT`` = N (the number of proxies in front of
Tsunagu, from the environment) and a request whose peer is one of
``TRUSTED_PROXIES`` (CIDRs), the client is the N-th address from the right of
``X-Forwarded-For``. A header sent by anyone else is ignored, so it cannot be
forged to dodge a limit. allauth's sign-in limits use the same function (see
``core.adapters``).
"""

import hashlib
import ipaddress
import threading
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.dispatch import receiver


@receiver(setting_changed)
def _forget_trusted_networks(*, setting: str, **kwargs) -> None:
    if setting == "TSUNAGU_TRUSTED_PROXIES":
        _trusted_networks.cache_clear()


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
    # A server listening on [::] sees an IPv4 proxy as ::ffff:a.b.c.d.
    ip = getattr(ip, "ipv4_mapped", None) or ip
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
    return _address(forwarded[-count]) or remote


def _address(text: str) -> str | None:
    """An address as a proxy may write it: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:443``, ``::1``."""
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _uses_redis() -> bool:
    return "redis" in caches["default"].__class__.__module__


def _count_in_redis(key: str, window: int) -> int:
    store = caches["default"]
    store.add(key, 0, timeout=window * 2)
    return store.incr(key)


def _count_in_database(key: str, window_start: int) -> int:
    from core.models import RateCounter

    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_, start, count = (quote(f) for f in ("key", "window_start", "count"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {start}, {count}) VALUES (%s, %s, 1) "  # noqa: S608 - names from the model
            f"ON CONFLICT ({key_}, {start}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {count}",
            [key, window_start],
        )
        return cursor.fetchone()[0]


class _ProcessCounters:
    """Counters in this worker process's memory, for limits that may count per process.

    No database write and no shared state: with W worker processes a client gets
    at most W × limit through, which is enough for a safety valve (the kiosk's
    stuck scanner) and not for a limit that protects people (sign-in, applications)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # key → (window_start, count)

    def count(self, key: str, window_start: int) -> int:
        with self._lock:
            start, count = self._counts.get(key, (window_start, 0))
            count = count + 1 if start == window_start else 1
            self._counts[key] = (window_start, count)
            if len(self._counts) > 10_000:
                # Forget windows that are over (every key carries its window start).
                self._counts = {k: v for k, v in self._counts.items() if v[0] >= window_start}
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_process_counters = _ProcessCounters()


MAX_WINDOW = 24 * 3600  # the daily purge keeps two days of windows (see purge_old_counters)


def _now() -> float:
    return time.time()  # one place for tests to stop the clock


def _identity_key(identity: str) -> str:
    """The identity as it may go into a cache key: short and plain, else its digest.

    Cutting a long key would drop its window (one count for ever) or merge two clients."""
    if (
        len(identity) <= 64
        and identity.isascii()
        and identity.isprintable()
        and " " not in identity
    ):
        return identity
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` attempts per client in each ``window`` seconds (a fixed window).

    ``window`` is at most a day: the daily purge keeps the counters of the last two days.

    ``shared=False`` is for safety valves on hot paths (the kiosk scan): without
    Redis they count in the worker's memory instead of writing the database on
    every request (see ``_ProcessCounters`` for what that allows)."""

    scope: str
    limit: int
    window: int
    shared: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.window <= MAX_WINDOW:
            raise ValueError(f"RateLimit {self.scope!r}: window must be 1 to {MAX_WINDOW} seconds.")
        if not 0 < len(self.scope) <= 100:
            raise ValueError(f"RateLimit scope {self.scope!r} must be 1 to 100 characters.")

    def hit(self, identity: str) -> int:
        """Count one attempt by ``identity``; returns the attempts in this window so far."""
        window_start = int(_now() // self.window) * self.window
        key = f"rl:{self.scope}:{_identity_key(identity)}:{window_start}"
        if _uses_redis():
            return _count_in_redis(key, self.window)
        if not self.shared:
            return _process_counters.count(key, window_start)
        return _count_in_database(key, window_start)

    def exceeded(self, request, *, identity: str | None = None) -> bool:
        """Count this request (by client address unless ``identity`` is given); True past the limit."""
        return self.hit(identity if identity is not None else client_ip(request)) > self.limit


def purge_old_counters(*, older_than_seconds: int = 2 * MAX_WINDOW) -> int:
    """Delete database counters of windows long gone (``manage.py purge_rate_counters``, daily).

    A window lasts at most ``MAX_WINDOW``, so one that started two days ago is over."""
    from core.models import RateCounter

    if older_than_seconds < MAX_WINDOW:
        raise ValueError(f"Counters younger than {MAX_WINDOW} seconds may still be counting.")
    cutoff = int(_now()) - older_than_seconds
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
