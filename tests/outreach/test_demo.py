"""The demo data has what the issue asks for, and seeding twice changes nothing."""

import pytest

from core import demo as core_demo
from core.fiscal import current_fiscal_year
from outreach import demo
from outreach.models import Application, Attendance, ClassSession
from outreach.selectors import (
    kpi_resident_class_participants,
    kpi_staff_security_training_attendees,
    upcoming_sessions,
)


@pytest.mark.django_db
def test_demo_has_two_years_of_classes_an_upcoming_series_and_is_idempotent():
    core_demo.seed()
    demo.seed()
    counts = (ClassSession.objects.count(), Application.objects.count(), Attendance.objects.count())
    demo.seed()
    assert (
        ClassSession.objects.count(),
        Application.objects.count(),
        Attendance.objects.count(),
    ) == counts
    for year in (2024, 2025):
        assert kpi_resident_class_participants(year).value > 0
        assert kpi_staff_security_training_attendees(year).value > 0
    if current_fiscal_year() > 2025:
        assert kpi_resident_class_participants(2025).value >= 100
    upcoming = list(upcoming_sessions())
    assert any(s.status == ClassSession.Status.FULL for s in upcoming)
    assert any(s.status == ClassSession.Status.OPEN for s in upcoming)
    assert Application.objects.filter(status=Application.Status.WAITLISTED).exists()
    assert all(s.confirmed_count <= s.capacity for s in ClassSession.objects.all())
