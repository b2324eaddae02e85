"""A backup taken with `manage.py backup` brings back every record with `manage.py restore`."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.audit import audit_record
from core.models import AuditEntry, Facility, User


def _snapshot() -> dict[str, list]:
    """Every row of the facts we back up, as plain values, in a stable order."""
    snapshot = {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "full_name")),
        "facilities": list(Facility.objects.order_by("pk").values_list("pk", "name", "phone")),
        "audit": list(
            AuditEntry.objects.order_by("pk").values_list("pk", "action", "target_id", "changes")
        ),
    }
    snapshot.update(_app_facts())
    return snapshot


def _app_facts() -> dict[str, list]:
    """Loans and class attendance, once those apps exist (each adds its facts here)."""
    from django.apps import apps

    facts = {}
    for label, model_name in [
        ("lending", "Loan"),
        ("lending", "Reservation"),
        ("outreach", "Attendance"),
        ("outreach", "Participant"),
        ("volunteers", "Signup"),
        ("wifi", "Machine"),
    ]:
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        facts[f"{label}.{model_name}"] = list(model.objects.order_by("pk").values_list())
    return facts


def _needs_backup_tools():
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump/pg_restore are not installed")


@pytest.fixture
def facts(make_user, make_facility, lending_staff):
    """Some records of every kind we have, including an audit trail."""
    facilities = [make_facility(phone=f"0475-00-000{i}") for i in range(3)]
    users = [make_user(full_name=f"利用者 {i}") for i in range(3)]
    for facility in facilities:
        audit_record(actor=lending_staff, action="facility.change", target=facility)
    return {"facilities": facilities, "users": users}


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_row_after_changes_and_deletions(facts, tmp_path):
    _needs_backup_tools()
    before = _snapshot()
    assert before["facilities"] and before["audit"]
    backup = tmp_path / "tsunagu.backup"

    call_command("backup", output=backup)
    assert backup.stat().st_size > 0

    # After the backup: a change, a deletion and a new row, all undone by the restore.
    Facility.objects.filter(pk=facts["facilities"][0].pk).update(phone="changed")
    facts["users"][0].delete()
    Facility.objects.create(name="後から作った施設", name_kana="アト", address="茂原市")
    assert _snapshot() != before

    call_command("restore", source=backup, interactive=False)

    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_to_overwrite_an_existing_file(facts, tmp_path):
    _needs_backup_tools()
    existing = tmp_path / "keep.backup"
    existing.write_bytes(b"precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=existing)
    assert existing.read_bytes() == b"precious"


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_damaged_file_changes_nothing(facts, tmp_path):
    _needs_backup_tools()
    before = _snapshot()
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"this is not a database backup" * 100)
    with pytest.raises(CommandError):
        call_command("restore", source=damaged, interactive=False)
    assert _snapshot() == before
