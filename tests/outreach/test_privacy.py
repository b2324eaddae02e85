"""Participants' personal data is anonymised after retention while every count stays."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from outreach.models import Application, Attendance
from outreach.selectors import (
    attendance_totals,
    class_analysis,
    class_breakdowns,
    kpi_resident_class_participants,
    nobody_to_ask_share,
)
from outreach.services import (
    attendance_add_walk_in,
    attendance_mark,
    participants_anonymise,
    retention_cutoff_fiscal_year,
)

from .conftest import jst


def _all_counts(fiscal_year):
    return (
        kpi_resident_class_participants(fiscal_year).value,
        [r["attended"] for r in kpi_resident_class_participants(fiscal_year).rows],
        attendance_totals(fiscal_year=fiscal_year),
        {k: f.rows for k, f in class_breakdowns(fiscal_year=fiscal_year).items()},
        nobody_to_ask_share(fiscal_year=fiscal_year),
        Application.objects.count(),
        Attendance.objects.count(),
    )


@pytest.fixture
def two_years_of_classes(make_session, make_application, dx_staff):
    """FY2023 (past retention in FY2025) and FY2024 (still kept in FY2025)."""
    for start in (jst(2023, 6, 13, 10), jst(2024, 1, 9, 13), jst(2024, 6, 11, 10)):
        session = make_session(starts_at=start)
        regular = make_application(session, name="常連 花子", phone="0475-11-2222", age_band="70s")
        attendance_mark(
            application=regular,
            status="attended",
            by=dx_staff,
            survey={
                "has_someone_to_ask": False,
                "comment": "孫に聞けない",
                "wants_follow_up": True,
            },
        )
        absent = make_application(session, age_band="80s")
        attendance_mark(application=absent, status="absent", by=dx_staff)
        attendance_add_walk_in(
            session=session, by=dx_staff, name="飛込 太郎", phone="0475-33-4444", age_band="60s"
        )
        attendance_add_walk_in(session=session, by=dx_staff)


def test_retention_default_keeps_one_fiscal_year_after_the_session(settings):
    assert retention_cutoff_fiscal_year(2025) == 2023
    settings.TSUNAGU = {**settings.TSUNAGU, "privacy": {"participant_retention_fiscal_years": 2}}
    assert retention_cutoff_fiscal_year(2025) == 2022


@pytest.mark.django_db
def test_anonymisation_keeps_every_count_and_removes_names_and_phones(two_years_of_classes):
    before = {fy: _all_counts(fy) for fy in (2023, 2024)}
    report = participants_anonymise(today_fiscal_year=2025)
    assert report.up_to_fiscal_year == 2023
    assert (report.sessions, report.applications, report.attendances) == (2, 4, 8)
    assert {fy: _all_counts(fy) for fy in (2023, 2024)} == before
    for fy in (2023, 2024):  # the analysis counts 実人数 in Python: the same as in SQL
        analysis = class_analysis(fiscal_year=fy)
        assert analysis.totals == attendance_totals(fiscal_year=fy) == before[fy][2]
        assert analysis.nobody == nobody_to_ask_share(fiscal_year=fy) == before[fy][4]
    old_apps = Application.objects.filter(session__starts_at__lt=jst(2024, 4, 1))
    old_rows = Attendance.objects.filter(session__starts_at__lt=jst(2024, 4, 1))
    assert not old_apps.exclude(name="").exists()
    assert not old_apps.exclude(phone="").exists()
    assert not old_apps.exclude(name_kana="").exists()
    assert not old_rows.exclude(name="").exists() and not old_rows.exclude(phone="").exists()
    assert not old_rows.exclude(comment="").exists()
    assert all(app.anonymised_at for app in old_apps)
    # The regular's two FY2023 attendances still count as one person.
    assert attendance_totals(fiscal_year=2023).people == before[2023][2].people
    # FY2024 is untouched.
    assert Application.objects.filter(name="常連 花子").count() == 1
    assert participants_anonymise(today_fiscal_year=2025).applications == 0
    # The audit trail never held the personal data in the first place.
    trail = " ".join(f"{e.target_repr} {e.changes} {e.note}" for e in AuditEntry.objects.all())
    for secret in ("常連", "飛込", "0475-11-2222", "0475-33-4444", "孫に聞けない"):
        assert secret not in trail


@pytest.mark.django_db
def test_dry_run_command_changes_nothing(two_years_of_classes, monkeypatch):
    import outreach.services.privacy as privacy

    monkeypatch.setattr(privacy, "current_fiscal_year", lambda: 2025)
    out = StringIO()
    call_command("outreach_anonymise", "--dry-run", stdout=out)
    assert "4" in out.getvalue() and "would anonymise" in out.getvalue()
    assert Application.objects.filter(anonymised_at__isnull=False).count() == 0
    call_command("outreach_anonymise", stdout=StringIO())
    assert Application.objects.filter(anonymised_at__isnull=False).count() == 4
