"""Measure server time and query count of Tsunagu's pages in-process, with Django's test Client.

Run by bench/run.py once per database and scale, on a database filled by
``generate_bench_data``; prints one JSON document on stdout. Server time is the
wall time of ``client.get``/``client.post`` (the whole Django stack, no network),
so results are compared as ratios to two pages measured in the same run:
``/healthz`` (one query, no template) and the signed-in floor (a staff page with
the base layout and nothing else, bench/urls.py).

The timed requests run without ``setup_test_environment``: it makes every
template render send a signal whose receiver copies the whole context, which
production never pays. Query counts come from one separate, untimed request per
page. The timed requests go round by round over all pages (each round times
every page once), so a burst of load from elsewhere on the machine falls on all
pages alike instead of on whichever page happened to be running; within a round
each page is requested twice in a row and the second request is timed.

Beside the wall time, each timed request records CPU time: of this process, plus,
on a local PostgreSQL, of the server process behind our connection (from
/proc/<pid>/schedstat). On a shared machine wall time grows with everyone else's
load; CPU time much less, so it is the steadier figure to compare runs by.

A page whose URL does not exist yet (its app has not landed) is reported as
skipped with a note instead of failing the run.
"""

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.bench_data import bench_users  # noqa: E402
from core.roles import Role  # noqa: E402

HEALTHZ = "healthz"
FLOOR = "signed-in floor (生活課)"


class Skip(Exception):
    """This page cannot be measured on this code base (yet); the message says why."""


@dataclass
class Page:
    name: str
    role: str | None  # None: anonymous
    request: Callable[[], tuple[str, str, dict]]  # → (method, path, data); may raise Skip
    note: str = ""
    # A request that changes data (a kiosk scan) gets a fresh target each time.
    fresh_each_time: bool = False
    # Text the measured response must contain (so we time the path we mean).
    expect: str = ""
    # Request headers, e.g. the kiosk script's ``X-Requested-With: fetch``.
    headers: dict = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    cpu_samples: list[float] = field(default_factory=list)  # this process
    db_cpu_samples: list[float] = field(default_factory=list)  # the PostgreSQL backend
    # Set by prepare(): the signed-in (or anonymous) client and the request it times.
    client: Client | None = None
    current: tuple[str, str, dict] = ("GET", "", {})


def reverse_or_skip(name: str, *args, **kwargs) -> str:
    from django.urls import reverse

    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch as exc:
        raise Skip(f"URL {name} does not exist yet") from exc


def get(name: str, *args, query: str = "", **kwargs) -> Callable:
    def build():
        path = reverse_or_skip(name, *args, **kwargs)
        return "GET", path + (f"?{query}" if query else ""), {}

    return build


def pages() -> list[Page]:
    """What we measure. Each app's part is looked up by URL name, so a missing app is skipped."""
    from bench import targets

    today = timezone.localdate()
    return [
        Page("healthz", None, lambda: ("GET", "/healthz", {}), "baseline: one query, no template"),
        Page(
            FLOOR,
            Role.LENDING_STAFF,
            get("bench_floor"),
            "baseline: base layout only, signed in as the staff account of the 生活課 pages",
        ),
        Page(
            "signed-in floor (DX)",
            Role.DX_STAFF,
            get("bench_floor"),
            "the same floor signed in as the staff account of the DX pages (for comparison)",
        ),
        Page("home", None, get("core:home")),
        Page("dashboard (生活課)", Role.LENDING_STAFF, get("core:dashboard")),
        *targets.pages(Page, get, reverse_or_skip, Skip, today),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the value below which ``fraction`` of the samples fall."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def client_for(role: str | None, cache: dict) -> Client:
    if role is None:
        return Client()
    if role not in cache:
        user = bench_users(role).first()
        if user is None:
            raise Skip(f"no benchmark account with role {role}")
        client = Client()
        client.force_login(user)
        cache[role] = client
    return cache[role]


def request(client: Client, method: str, path: str, data: dict, headers: dict | None = None):
    if method == "POST":
        # As a browser's form and kiosk.js send it (the test Client would send multipart).
        return client.post(
            path,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.get(path, data, headers=headers)


def prepare(page: Page, clients: dict, warmup: int) -> dict:
    """Warm the page up and count its queries on one untimed request.

    Returns the result skeleton; a page that cannot be measured comes back skipped.
    """
    client = client_for(page.role, clients)
    method, path, data = page.request()
    for _ in range(warmup):
        response = request(client, method, path, data, page.headers)
        if page.fresh_each_time:
            method, path, data = page.request()
    if response.status_code >= 400:
        return {"skipped": True, "note": f"{method} {path} answered {response.status_code}"}
    with CaptureQueriesContext(connection) as queries:
        response = request(client, method, path, data, page.headers)
    if page.expect and page.expect not in response.content.decode():
        return {"skipped": True, "note": f"{method} {path} did not show {page.expect!r}"}
    page.client, page.current = client, (method, path, data)
    return {
        "method": method,
        "path": path.split("?")[0],
        "status": response.status_code,
        "queries": len(queries.captured_queries),
    }


def database_cpu_reader() -> Callable[[], float]:
    """Milliseconds of CPU the database has spent for this connection so far.

    SQLite runs inside this process (process CPU time covers it): always 0. For a
    PostgreSQL server on this machine, the run time of the backend process serving
    our connection; the test Client keeps that one connection for the whole run.
    """
    if connection.vendor != "postgresql":
        return lambda: 0.0
    schedstat = Path(f"/proc/{backend_pid()}/schedstat")
    try:
        schedstat.read_text()
    except OSError as exc:
        raise SystemExit(f"PostgreSQL must run on this machine to measure its CPU: {exc}") from exc
    return lambda: int(schedstat.read_text().split()[0]) / 1e6


def backend_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def time_once(page: Page, database_cpu: Callable[[], float]) -> None:
    """One timed request of ``page``, right after an untimed one of the same page.

    The untimed request keeps the page's own warm caches, as a run of requests of
    one page had them, instead of timing what the previous (other) page left
    behind. A page that changes data gets a fresh target for each request.
    """
    method, path, data = page.request() if page.fresh_each_time else page.current
    request(page.client, method, path, data, page.headers)
    if page.fresh_each_time:
        method, path, data = page.request()
    database_started = database_cpu()
    cpu_started = time.process_time()
    started = time.perf_counter()
    response = request(page.client, method, path, data, page.headers)
    page.samples.append((time.perf_counter() - started) * 1000)
    page.cpu_samples.append((time.process_time() - cpu_started) * 1000)
    page.db_cpu_samples.append(database_cpu() - database_started)
    if response.status_code >= 400:
        raise RuntimeError(f"{page.name}: {method} {path} answered {response.status_code}")


def summary(page: Page, prepared: dict) -> dict:
    cpu = [a + b for a, b in zip(page.cpu_samples, page.db_cpu_samples, strict=True)]
    return {
        **prepared,
        "median_ms": round(statistics.median(page.samples), 2),
        "p95_ms": round(percentile(page.samples, 0.95), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "django_cpu_median_ms": round(statistics.median(page.cpu_samples), 2),
        "db_cpu_median_ms": round(statistics.median(page.db_cpu_samples), 2),
        "samples": len(page.samples),
        "note": page.note,
    }


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    warmup = int(os.environ.get("BENCH_WARMUP", "3"))
    # BENCH_PAGES (names, comma-separated) measures those pages only, with both floors.
    chosen = {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}
    clients: dict = {}
    results: dict = {}
    measured: list[tuple[Page, dict]] = []
    for page in pages():
        if chosen and page.name not in chosen | {HEALTHZ, FLOOR}:
            continue
        try:
            prepared = prepare(page, clients, warmup)
        except Skip as exc:
            prepared = {"skipped": True, "note": str(exc)}
        if prepared.get("skipped"):
            results[page.name] = prepared
        else:
            measured.append((page, prepared))
            results[page.name] = None  # keeps the order of pages()
    database_cpu, pid = database_cpu_reader(), backend_pid()
    for _ in range(repeat):
        for page, _prepared in measured:
            time_once(page, database_cpu)
    if backend_pid() != pid:
        raise SystemExit("The database connection changed during the run: its CPU time is wrong.")
    for page, prepared in measured:
        results[page.name] = summary(page, prepared)
    healthz, floor = results[HEALTHZ], results[FLOOR]
    if floor.get("skipped"):
        raise SystemExit(f"The signed-in floor could not be measured: {floor['note']}")
    for result in results.values():
        if not result.get("skipped"):
            result["ratio_median"] = round(result["median_ms"] / healthz["median_ms"], 1)
            result["ratio_p95"] = round(result["p95_ms"] / healthz["p95_ms"], 1)
            result["floor_ratio_median"] = round(result["median_ms"] / floor["median_ms"], 2)
            result["floor_ratio_p95"] = round(result["p95_ms"] / floor["p95_ms"], 2)
            result["floor_ratio_cpu"] = round(result["cpu_median_ms"] / floor["cpu_median_ms"], 2)
    json.dump({"vendor": connection.vendor, "pages": results}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
