"""Back up and restore the whole database: SQLite through its backup API, PostgreSQL with pg_dump.

Used by ``manage.py backup`` and ``manage.py restore``. Both write nothing half-way:
a backup goes to a temporary file first and is renamed when complete; a restore
into PostgreSQL runs in one transaction, and into SQLite copies pages with the
backup API under SQLite's own lock.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """A backup or restore could not be done; the message says why, for the operator."""


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_environment(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    params = connections[alias].settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed; install the PostgreSQL client tools.")
    return path


def backup_database(output: Path, *, alias: str = "default") -> Path:
    """Write a complete copy of the database to ``output`` (which must not exist yet)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    # Same folder, so the final rename is atomic and never crosses file systems.
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=output.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        if _vendor(alias) == "sqlite":
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(temporary)
            try:
                # The backup API copies a consistent snapshot even while others write.
                connection.connection.backup(target)
            finally:
                target.close()
        elif _vendor(alias) == "postgresql":
            args, env = _pg_environment(alias)
            name = connections[alias].settings_dict["NAME"]
            result = subprocess.run(  # noqa: S603 - fixed tool and arguments, no shell
                [_require("pg_dump"), "--format=custom", "--no-owner", "--file", str(temporary)]
                + args
                + [name],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"Backups of {_vendor(alias)} databases are not supported.")
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return output


def _check_sqlite_file(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = source.execute("PRAGMA integrity_check").fetchone()[0]
            tables = source.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
    if status != "ok" or tables == 0:
        raise BackupError(f"{path} is damaged or empty ({status}).")


def restore_database(source: Path, *, alias: str = "default") -> None:
    """Replace the whole database with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    connection = connections[alias]
    if connection.vendor == "sqlite":
        _check_sqlite_file(source)
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_environment(alias)
        # Our own idle connection must not hold locks on the tables pg_restore drops.
        connection.close()
        result = subprocess.run(  # noqa: S603 - fixed tool and arguments, no shell
            [
                _require("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
            ]
            + args
            + [str(source)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()}")
    else:
        raise BackupError(f"Restoring {connection.vendor} databases is not supported.")
