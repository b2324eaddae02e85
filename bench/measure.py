"""Measure server time and query count of Tsunagu's pages in-process, with Django's test Client.

Run by bench/run.py once per database and scale, on a database filled by
``generate_bench_data``; prints one JSON document on stdout. Server time is the
wall time of ``client.get``/``client.post`` (the whole Django stack, no network),
so results are compared as ratios to ``/healthz`` measured in the same run.

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.bench_data import bench_users  # noqa: E402
from core.roles import Role  # noqa: E402


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
    samples: list[float] = field(default_factory=list)


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
        Page("healthz", None, lambda: ("GET", "/healthz", {}), "baseline"),
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


def request(client: Client, method: str, path: str, data: dict):
    if method == "POST":
        return client.post(path, data)
    return client.get(path, data)


def measure(page: Page, clients: dict, repeat: int, warmup: int) -> dict:
    client = client_for(page.role, clients)
    method, path, data = page.request()
    for _ in range(warmup):
        response = request(client, method, path, data)
        if page.fresh_each_time:
            method, path, data = page.request()
    if response.status_code >= 400:
        return {"skipped": True, "note": f"{method} {path} answered {response.status_code}"}
    with CaptureQueriesContext(connection) as queries:
        response = request(client, method, path, data)
    query_count = len(queries.captured_queries)
    if page.expect and page.expect not in response.content.decode():
        return {"skipped": True, "note": f"{method} {path} did not show {page.expect!r}"}
    samples = []
    for _ in range(repeat):
        if page.fresh_each_time:
            method, path, data = page.request()
        started = time.perf_counter()
        response = request(client, method, path, data)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "method": method,
        "path": path.split("?")[0],
        "status": response.status_code,
        "queries": query_count,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "samples": len(samples),
        "note": page.note,
    }


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    warmup = int(os.environ.get("BENCH_WARMUP", "3"))
    setup_test_environment()  # lets the test Client record templates/context like in tests
    clients: dict = {}
    results = {}
    for page in pages():
        try:
            results[page.name] = measure(page, clients, repeat, warmup)
        except Skip as exc:
            results[page.name] = {"skipped": True, "note": str(exc)}
    baseline = results["healthz"]
    for result in results.values():
        if not result.get("skipped"):
            result["ratio_median"] = round(result["median_ms"] / baseline["median_ms"], 1)
            result["ratio_p95"] = round(result["p95_ms"] / baseline["p95_ms"], 1)
    json.dump({"vendor": connection.vendor, "pages": results}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
