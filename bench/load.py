"""A bounded load run against a real gunicorn on PostgreSQL: kiosk scans and availability look-ups.

    .venv/bin/python bench/load.py [--requests 2000] [--concurrency 16] [--time-limit 60]
                                   [--workers 4] [--scale 1] [--skip-prepare]

What it does, and nothing more:
1. (unless --skip-prepare) a fresh PostgreSQL database ``BENCH_POSTGRES_URL``
   (default bench_tsunagu), migrate, ``generate_bench_data --scale N``;
2. starts gunicorn with the production settings (bench/prod_settings.py: only the
   kiosk's per-session scan limit is raised) and ``--workers`` workers on
   127.0.0.1 only, waits for /healthz;
3. signs the kiosk in through the real form, then sends a
   FIXED number of requests from ``--concurrency`` threads, stopping early at
   ``--time-limit`` seconds; records throughput, latency percentiles, status codes
   and errors;
4. the race check: ``--race 50`` representatives reserve the last unit of one item
   for the same day at the same moment (a barrier lines the threads up); exactly one
   may succeed;
5. stops its gunicorn (by its own process id) and writes bench/load-results.json.

Why not locust: it is not installed here and we may not add dependencies for a
tool; the standard library's threads and http.client are enough for a bounded
run on loopback, and they keep the measured path obvious (one TCP connection per
request, as gunicorn's sync workers close each connection anyway).
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
PYTHON = sys.executable
RESULTS = BASE / "bench" / "load-results.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Session:
    """One browser-like visitor over plain HTTP to gunicorn, as if behind the TLS proxy."""

    def __init__(self, host: str, port: int):
        if host not in LOOPBACK:
            raise SystemExit("bench/load.py only talks to loopback addresses.")
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        timeout: float = 30,
        extra_headers: dict | None = None,
    ):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {
            # Production settings trust the proxy's header; without it every page redirects to https.
            "X-Forwarded-Proto": "https",
            "Host": f"{self.host}:{self.port}",
            "Accept-Language": "ja",
            **(extra_headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, content.decode("utf-8", "replace")
        finally:
            connection.close()

    def csrf_from(self, html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not found:
            raise RuntimeError("no CSRF token in the page")
        return found.group(1)

    def sign_in(self, email: str, password: str) -> None:
        status, _h, html = self.request("GET", "/accounts/login/")
        token = self.csrf_from(html)
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {email} failed: HTTP {status}")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, millis: float, status: int | str) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(millis)
            self.statuses.setdefault(kind, Counter())[str(status)] += 1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, int(round(fraction * len(ordered) + 0.5))) - 1]


def run_load(
    scenarios: list[tuple[str, Callable[[int], tuple[int, str]]]],
    *,
    total: int,
    concurrency: int,
    time_limit: float,
) -> dict:
    """Send ``total`` requests (round-robin over the scenarios) from ``concurrency`` threads."""
    tally = Tally()
    counter = iter(range(total))
    counter_lock = threading.Lock()
    deadline = time.monotonic() + time_limit
    stopped_by_time = threading.Event()

    def worker():
        while True:
            if time.monotonic() > deadline:
                stopped_by_time.set()
                return
            with counter_lock:
                n = next(counter, None)
            if n is None:
                return
            kind, action = scenarios[n % len(scenarios)]
            started = time.perf_counter()
            try:
                status, expectation = action(n)
                ok = expectation == ""
            except Exception as exc:  # a refused or broken connection is an error we count
                status, ok, expectation = type(exc).__name__, False, str(exc)
            tally.add(kind, (time.perf_counter() - started) * 1000, status)
            if not ok:
                with tally.lock:
                    tally.errors.append(f"{kind} #{n}: {status} {expectation}"[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = sum(len(v) for v in tally.latencies.values())
    return {
        "requests_planned": total,
        "requests_done": done,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "stopped_by_time_limit": stopped_by_time.is_set(),
        "throughput_per_second": round(done / elapsed, 1),
        "errors": len(tally.errors),
        "error_examples": tally.errors[:10],
        "by_kind": {
            kind: {
                "requests": len(values),
                "median_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "max_ms": round(max(values), 1),
                "statuses": dict(tally.statuses[kind]),
            }
            for kind, values in tally.latencies.items()
        },
    }


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    log = open(BASE / "var" / "load-gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
        ],
        cwd=BASE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: we stop exactly what we started
    )
    probe = Session("127.0.0.1", port)
    for _ in range(100):
        try:
            if probe.request("GET", "/healthz", timeout=2)[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; see var/load-gunicorn.log")
        time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz in 20 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BENCH_SQLITE"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.prod_settings",
        DATABASE_URL=database_url,
        SECRET_KEY="load-test-only-" + "k3Y9!x" * 8,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://127.0.0.1",
        TSUNAGU_STAFF_MFA_REQUIRED="false",
        LOG_LEVEL="WARNING",
    )
    return env


def main() -> None:
    from bench.run import POSTGRES_URL, fresh_database, manage

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--race", type=int, default=50)
    parser.add_argument("--skip-prepare", action="store_true")
    parser.add_argument(
        "--throughput-requests",
        type=int,
        default=0,
        help="Before the mixed run: this many requests of /healthz alone, then of kiosk scans "
        "alone (half of them real first returns), each as fast as the server answers.",
    )
    options = parser.parse_args()

    if not options.skip_prepare:
        env = fresh_database("postgres", options.scale)
        print("load: migrate and generate benchmark data …", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "createcachetable")
        manage(env, "generate_bench_data", "--scale", str(options.scale))
    server_env = server_environment(POSTGRES_URL)
    manage(server_env, "collectstatic", "--no-input", "-v", "0")
    # The scenarios read item codes etc. straight from the database: set Django up on it.
    # Same SECRET_KEY as the server: sessions made here must be valid there.
    os.environ.update(
        DATABASE_URL=POSTGRES_URL,
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=server_env["SECRET_KEY"],
    )
    import django

    django.setup()
    from bench import load_scenarios

    gunicorn = start_gunicorn(server_env, options.port, options.workers)
    throughput = {}
    try:
        if options.throughput_requests:
            throughput = load_scenarios.throughput(
                Session,
                "127.0.0.1",
                options.port,
                run_load,
                total=options.throughput_requests,
                concurrency=options.concurrency,
                time_limit=options.time_limit,
            )
        scenarios, notes, outcomes = load_scenarios.build(Session, "127.0.0.1", options.port)
        print(f"load: {options.requests} requests, {options.concurrency} threads", flush=True)
        load = run_load(
            scenarios,
            total=options.requests,
            concurrency=options.concurrency,
            time_limit=options.time_limit,
        )
        load["kiosk_outcomes"] = dict(outcomes)
        race = load_scenarios.race(Session, "127.0.0.1", options.port, options.race)
    finally:
        stop(gunicorn)
    results = {
        "server": f"gunicorn, {options.workers} sync workers, bench.prod_settings (prod), PostgreSQL",
        "scale": options.scale,
        "notes": notes,
        "load": load,
        "race": race,
    }
    if throughput:
        results["throughput"] = throughput
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
