"""How long 1,000 queued messages take from the event to sent, on this machine.

    .venv/bin/python bench/outbox.py [--database sqlite|postgres] [--messages 1000]

A fresh database (bench settings: SQLite ``var/bench-outbox.sqlite3`` or PostgreSQL
``BENCH_POSTGRES_URL``/bench_outbox). One event records N e-mail messages in one
transaction (``send_message``); then two ways of delivering them are timed, each on
its own batch: ``manage.py db_worker --batch`` in a process of its own (the
production path: the task enqueued on commit, console e-mail backend to /dev/null),
and ``deliver_due()`` in-process with the locmem backend (the delivery code alone).
Prints one JSON object.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_outbox"
)


def fresh_environment(kind: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BENCH_SQLITE"}}
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if kind == "sqlite":
        path = BASE / "var" / "bench-outbox.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["BENCH_SQLITE"] = str(path)
    else:
        import psycopg

        url = urlparse(POSTGRES_URL)
        name = url.path.lstrip("/")
        if not name.startswith("bench"):
            raise SystemExit(f"Refusing to drop {name!r}: benchmark databases start with 'bench'.")
        with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = POSTGRES_URL
    return env


def record(count: int, run: str):
    from django.db import transaction

    from core.messaging import Recipient, send_message
    from core.models import Facility

    about, _created = Facility.objects.get_or_create(
        name="ベンチ公民館", defaults={"name_kana": "ベンチ", "address": "茂原市"}
    )
    started = time.perf_counter()
    with transaction.atomic():
        send_message(
            event="core.notice.sent",
            template="core/messages/notice",
            recipients=[
                Recipient(name=f"市民 {n}", email=f"person{n}@example.jp") for n in range(count)
            ],
            context={"title": "お知らせ", "text": "本文です。"},
            about=about,
            occurrence=run,
        )
    return started, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    env = fresh_environment(args.database)
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE,
        env=env,
        check=True,
    )

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from core.delivery import deliver_due
    from core.models import Message

    result = {"database": connection.vendor, "messages": args.messages}

    # 1. The production path: enqueued on commit, a worker process delivers.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    started, recording = record(args.messages, "worker")
    result["record_seconds"] = round(recording, 3)
    worker_env = {**env, "PYTHONUNBUFFERED": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
        + ["--no-startup-delay", "--verbosity", "0"],
        cwd=BASE,
        env=worker_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result["event_to_all_sent_with_db_worker_seconds"] = round(time.perf_counter() - started, 3)
    result["sent_by_worker"] = Message.objects.filter(status=Message.Status.SENT).count()

    # 2. The delivery code alone, in this process, locmem backend.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    started, _recording = record(args.messages, "inprocess")
    delivered = time.perf_counter()
    outcome = deliver_due()
    finished = time.perf_counter()
    result["in_process_delivery_seconds"] = round(finished - delivered, 3)
    result["event_to_all_sent_in_process_seconds"] = round(finished - started, 3)
    result["in_process_outcome"] = dict(outcome)
    result["messages_sent_total"] = Message.objects.filter(status=Message.Status.SENT).count()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
