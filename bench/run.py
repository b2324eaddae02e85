"""Run the benchmarks: for SQLite and PostgreSQL, for N=1 and N=10 years of data.

    .venv/bin/python bench/run.py [--databases sqlite,postgres] [--scales 1,10] [--repeat 50]
                                  [--note "what else ran on the machine"]

For each database and scale: a fresh database, ``migrate``, ``generate_bench_data
--scale N`` (timed; it ends with ANALYZE), then bench/measure.py in its own
process. The load average before and after each measurement is recorded, since
the machine may be shared. Writes
bench/results.json and the table in bench/README.md (between the BENCH-TABLE
markers). PostgreSQL is at ``BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432/bench_tsunagu); the database is dropped and
created again, so never point it at real data.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_tsunagu"
)
RESULTS = BASE / "bench" / "results.json"
README = BASE / "bench" / "README.md"
BEGIN, END = "<!-- BENCH-TABLE:BEGIN -->", "<!-- BENCH-TABLE:END -->"


def fresh_database(kind: str, scale: int) -> dict[str, str]:
    """Environment for manage.py pointing at a new, empty database of ``kind``."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BENCH_SQLITE"}}
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if kind == "sqlite":
        path = BASE / "var" / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["BENCH_SQLITE"] = str(path)
    else:
        import psycopg

        url = urlparse(POSTGRES_URL)
        name = url.path.lstrip("/")
        if not name.startswith("bench"):
            raise SystemExit(f"Refusing to drop {name!r}: benchmark databases start with 'bench'.")
        admin = url._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = POSTGRES_URL
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_one(kind: str, scale: int, repeat: int, pages: str = "") -> dict:
    env = fresh_database(kind, scale)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    started = time.perf_counter()
    generation_log = manage(env, "generate_bench_data", "--scale", str(scale))
    generation_seconds = round(time.perf_counter() - started, 1)
    print(f"  generated N={scale} on {kind} in {generation_seconds} s", flush=True)
    env["BENCH_REPEAT"] = str(repeat)
    env["BENCH_PAGES"] = pages
    load_before = load_average()
    started = time.perf_counter()
    measured = subprocess.run(
        [PYTHON, "bench/measure.py"], cwd=BASE, env=env, capture_output=True, text=True
    )
    if measured.returncode != 0:
        raise SystemExit(f"measure failed on {kind} N={scale}:\n{measured.stderr}")
    data = json.loads(measured.stdout)
    return {
        "database": kind,
        "scale": scale,
        "generation_seconds": generation_seconds,
        "generation_log": generation_log.strip().splitlines(),
        "measure_seconds": round(time.perf_counter() - started, 1),
        "load_average": {"before": load_before, "after": load_average()},
        "pages": data["pages"],
    }


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (other work on a shared machine skews times)."""
    return [round(x, 2) for x in os.getloadavg()]


def growth(runs: list[dict]) -> dict:
    """For each database and page: N=max over N=min, for time and queries."""
    out: dict = {}
    for kind in sorted({r["database"] for r in runs}):
        mine = sorted((r for r in runs if r["database"] == kind), key=lambda r: r["scale"])
        if len(mine) < 2:
            continue
        low, high = mine[0], mine[-1]
        key = f"N={low['scale']}→N={high['scale']}"
        out[kind] = {"compare": key, "pages": {}}
        for name, small in low["pages"].items():
            big = high["pages"].get(name, {})
            if small.get("skipped") or big.get("skipped"):
                continue
            out[kind]["pages"][name] = {
                "median_growth": round(big["median_ms"] / small["median_ms"], 2),
                "cpu_growth": round(big["cpu_median_ms"] / small["cpu_median_ms"], 2),
                "ratio_to_healthz": [small["ratio_median"], big["ratio_median"]],
                "ratio_to_floor": [small["floor_ratio_median"], big["floor_ratio_median"]],
                "queries": [small["queries"], big["queries"]],
            }
    return out


def table(results: dict) -> str:
    lines = []
    for kind in sorted({r["database"] for r in results["runs"]}):
        runs = sorted(
            (r for r in results["runs"] if r["database"] == kind), key=lambda r: r["scale"]
        )
        header = "| page | " + " | ".join(
            f"N={r['scale']} median ms | ×healthz | ×floor | N={r['scale']} p95 ms (×floor) "
            f"| N={r['scale']} CPU ms (×floor) | N={r['scale']} queries"
            for r in runs
        )
        header += " | growth (median) | growth (CPU) |" if len(runs) > 1 else " |"
        lines += [f"**{kind}**", "", header, "|" + "---|" * (header.count("|") - 1)]
        grow = results["growth"].get(kind, {}).get("pages", {})
        for name in runs[0]["pages"]:
            cells = []
            skipped_note = ""
            for run in runs:
                p = run["pages"].get(name, {"skipped": True, "note": "not measured"})
                if p.get("skipped"):
                    cells += ["–"] * 6
                    skipped_note = p.get("note", "")
                else:
                    cells += [
                        f"{p['median_ms']:.1f}",
                        f"×{p['ratio_median']}",
                        f"×{p['floor_ratio_median']}",
                        f"{p['p95_ms']:.1f} (×{p['floor_ratio_p95']})",
                        f"{p['cpu_median_ms']:.1f} (×{p['floor_ratio_cpu']})",
                        str(p["queries"]),
                    ]
            g = grow.get(name)
            if len(runs) > 1:
                if g:
                    cells += [f"×{g['median_growth']}", f"×{g['cpu_growth']}"]
                else:
                    cells += [f"skipped: {skipped_note}", "–"]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        gen = ", ".join(f"N={r['scale']}: {r['generation_seconds']} s" for r in runs)
        load = "; ".join(
            f"N={r['scale']}: {fmt_load(r['load_average']['before'])} before, "
            f"{fmt_load(r['load_average']['after'])} after"
            for r in runs
            if "load_average" in r
        )
        lines += ["", f"Data generation on {kind} (including ANALYZE): {gen}."]
        if load:
            lines.append(f"Load average (1/5/15 min) around the measurement: {load}.")
        lines.append("")
    return "\n".join(lines)


def fmt_load(values: list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def write_readme_table(results: dict, section: str = "") -> None:
    """The table between the markers (a focused run: between its section's own markers)."""
    begin, end = (
        (f"<!-- BENCH-TABLE:{section}:BEGIN -->", f"<!-- BENCH-TABLE:{section}:END -->")
        if section
        else (BEGIN, END)
    )
    text = README.read_text(encoding="utf-8")
    machine = results["machine"]
    note = f"\n\n{results['note']}" if results.get("note") else ""
    block = (
        f"{BEGIN}\nMeasured {results['generated_at']} on {machine['platform']}, "
        f"{machine['cpus']} CPUs, Python {machine['python']}, {results['repeat']} requests per page."
        f"{note}\n\n" + table(results) + f"\n{end}"
    )
    block = begin + block[len(BEGIN) :]
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text += "\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--note", default="", help="Conditions of the run, for the README.")
    parser.add_argument(
        "--pages",
        default="",
        help="Measure only these pages (names, comma-separated; the floors always). The results "
        "go to results.json under sections[--section] and to their own README table, leaving "
        "the full run's figures as they are.",
    )
    parser.add_argument("--section", default="focus", help="Name of a --pages run's section.")
    options = parser.parse_args()
    runs = []
    for kind in options.databases.split(","):
        for scale in (int(s) for s in options.scales.split(",")):
            print(f"bench: {kind}, N={scale}", flush=True)
            runs.append(run_one(kind, scale, options.repeat, options.pages))
    results = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "platform": platform.platform(terse=True),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "repeat": options.repeat,
        "note": options.note,
        "runs": runs,
    }
    results["growth"] = growth(runs)
    earlier = (
        json.loads(options.output.read_text(encoding="utf-8")) if options.output.exists() else {}
    )
    if options.pages:
        # A focused run: its own section, the full run's figures untouched.
        results["pages_chosen"] = options.pages
        sections = {**earlier.get("sections", {}), options.section: results}
        kept = {**earlier, "sections": sections}
    else:
        kept = {**results, "sections": earlier.get("sections", {})}
    options.output.write_text(
        json.dumps(kept, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if options.output == RESULTS:
        write_readme_table(results, options.section if options.pages else "")
    print(table(results))


if __name__ == "__main__":
    main()
