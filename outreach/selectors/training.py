"""Security training per person: who of the staff on the personnel list has attended.

Attended means an ``Attendance`` marked attended, with the staff member named, at a
held session of a security-training course whose start (Asia/Tokyo) falls in the
window: the fiscal year, or the ``years`` fiscal years ending with it. The KPI
stays 延べ受講者数 (``kpi_staff_security_training_attendees``), walk-ins included.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.fiscal import fiscal_year_bounds
from outreach.models import Attendance, ClassSession, Course, Section, StaffMember

MAX_YEARS = 5


def trained_in(*, fiscal_year: int, years: int = 1) -> QuerySet[Attendance]:
    """Named staff attendances of security training in the window (for ``__in``)."""
    start, _end = fiscal_year_bounds(fiscal_year - years + 1)
    _start, end = fiscal_year_bounds(fiscal_year)
    return Attendance.objects.filter(
        status=Attendance.Status.ATTENDED,
        staff_member__isnull=False,
        session__status=ClassSession.Status.HELD,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__course__category=Course.Category.SECURITY_TRAINING,
    ).values("staff_member")


def untrained_staff(
    *, fiscal_year: int, years: int = 1, section: Section | None = None
) -> QuerySet[StaffMember]:
    """Active staff with no security training in the window, by section."""
    staff = StaffMember.objects.filter(is_active=True).exclude(
        pk__in=trained_in(fiscal_year=fiscal_year, years=years)
    )
    if section is not None:
        staff = staff.filter(section=section)
    return staff.select_related("section").order_by(
        "section__sort_order", "section__name", "name_kana", "employee_number"
    )


@dataclass(frozen=True)
class SectionTraining:
    section: Section
    staff: int
    trained: int

    @property
    def untrained(self) -> int:
        return self.staff - self.trained


def training_by_section(*, fiscal_year: int, years: int = 1) -> list[SectionTraining]:
    """Per section: active staff and how many of them attended (one SQL query)."""
    active = Q(staff__is_active=True)
    trained = active & Q(staff__pk__in=trained_in(fiscal_year=fiscal_year, years=years))
    sections = (
        Section.objects.annotate(
            staff_count=Count("staff", filter=active, distinct=True),
            trained_count=Count("staff", filter=trained, distinct=True),
        )
        .filter(staff_count__gt=0)
        .order_by("sort_order", "name")
    )
    return [
        SectionTraining(section=s, staff=s.staff_count, trained=s.trained_count) for s in sections
    ]
