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


@pytest.mark.django_db
def test_demo_has_a_staff_list_with_a_few_untrained_people(mid_year_clock):
    from outreach.models import StaffMember
    from outreach.selectors import training_by_section, untrained_staff

    # mid_year_clock, 30 November 2026: two of 令和8年度's three training days have been held.
    core_demo.seed()
    demo.seed()
    before = kpi_staff_security_training_attendees(2026).value
    named = Attendance.objects.filter(staff_member__isnull=False).count()
    demo.seed()
    assert Attendance.objects.filter(staff_member__isnull=False).count() == named
    assert StaffMember.objects.count() == 22
    untrained = [m.name for m in untrained_staff(fiscal_year=2026)]
    assert untrained == ["庁南 真理", "豊岡 浩二", "二宮 和也", "押日 大輔", "早野 拓海"]
    assert sum(row.untrained for row in training_by_section(fiscal_year=2026)) == 5
    # naming the rows did not change the KPI (延べ)
    assert kpi_staff_security_training_attendees(2026).value == before > 0
