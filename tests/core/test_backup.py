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
    """Every loan, reservation, class attendance… of the apps, row by row."""
    from django.apps import apps

    facts = {}
    for label, model_name in [
        ("lending", "Organisation"),
        ("lending", "Item"),
        ("lending", "Reservation"),
        ("lending", "Loan"),
        ("lending", "ItemDay"),
        ("outreach", "ClassSession"),
        ("outreach", "Application"),
        ("outreach", "Attendance"),
        ("outreach", "VolunteerSignup"),
        ("volunteers", "VolunteerProfile"),
        ("wifi", "Machine"),
        ("wifi", "MonthlyUsage"),
    ]:
        model = apps.get_model(label, model_name)
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
        audit_record(actor=lending_staff, action="core.facility.changed", target=facility)
    return {"facilities": facilities, "users": users}


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_loan_and_attendance_after_changes_and_deletions(tmp_path):
    from lending.models import ItemDay, Loan
    from outreach.models import Attendance

    _needs_backup_tools()
    # A year of every app's facts: thousands of loans, class attendances, sign-ups.
    call_command("generate_bench_data", scale=1)
    lone_user = User.objects.create_user(email="leaves-later@example.jp", password="x" * 12)
    facility = Facility.objects.order_by("pk").first()
    audit_record(actor=lone_user, action="core.facility.changed", target=facility)
    before = _snapshot()
    assert before["facilities"] and before["audit"]
    assert len(before["lending.Loan"]) > 1000 and len(before["outreach.Attendance"]) > 1000
    backup = tmp_path / "tsunagu.backup"

    call_command("backup", output=backup)
    assert backup.stat().st_size > 0

    # After the backup: changes, deletions and new rows, all undone by the restore.
    Facility.objects.filter(pk=facility.pk).update(phone="changed")
    User.objects.filter(email__startswith="rep-").order_by(
        "pk"
    ).last().emailaddress_set.all().delete()
    Facility.objects.create(name="後から作った施設", name_kana="アト", address="茂原市")
    Loan.objects.filter(returned_at__isnull=False).order_by("pk")[:1].get().days.all().delete()
    Loan.objects.filter(pk=Loan.objects.order_by("pk").first().pk).update(was_late=True)
    Attendance.objects.filter(pk__in=Attendance.objects.order_by("pk").values("pk")[:10]).delete()
    assert ItemDay.objects.count() < len(before["lending.ItemDay"])
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
