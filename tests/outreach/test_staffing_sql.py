"""The staffing list's page in plain SQL (selectors.staffing_page) says what the ORM
statement of the same rows (selectors.staffing_rows) says: the same sessions in the same
order, every column, with each filter and from every offset, on both databases."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from outreach import selectors
from outreach.models import ClassSession, Course, VolunteerSignup
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db

COLUMNS = (
    "pk",
    "title",
    "starts_at",
    "venue_name",
    "confirmed_count",
    "instructor_places",
    "assistant_places",
    "confirmed_instructors",
    "confirmed_assistants",
    "staffed",
)


@pytest.fixture
def sessions(make_session, make_course, make_facility, make_user):
    """Sessions of every kind the rule and the filters tell apart: staffed and not, ties on
    the start, held, cancelled, past, a staff-only course, two venues."""
    now = timezone.now()
    halls = [make_facility(), make_facility()]
    residents = make_course()
    staff_only = make_course(audience=Course.Audience.STAFF)
    volunteers = [build_profile(make_user, status="active", trained=True) for _ in range(6)]
    made = []
    shapes = itertools.product(
        (0, 1, 2),  # confirmed 講師
        (0, 1, 3),  # confirmed 補助
        (0, 5),  # participants
    )
    for n, (instructors, assistants, participants) in enumerate(shapes):
        starts_at = now + timedelta(days=1 + n % 6, hours=n % 2)  # many equal starts
        session = make_session(
            course=residents,
            venue=halls[n % 2],
            starts_at=starts_at,
            confirmed_count=participants,
            instructor_places=3,
            assistant_places=4,
            title=f"教室{n:02d}",
        )
        signups = [VolunteerSignup.Role.INSTRUCTOR] * instructors + [
            VolunteerSignup.Role.ASSISTANT
        ] * assistants
        for volunteer, role in zip(volunteers, signups, strict=False):
            VolunteerSignup.objects.create(
                session=session, volunteer=volunteer, role=role, status="confirmed"
            )
        # Sign-ups that count for nothing: waiting and cancelled.
        VolunteerSignup.objects.create(
            session=session,
            volunteer=volunteers[5],
            role=VolunteerSignup.Role.INSTRUCTOR,
            status=VolunteerSignup.Status.WAITLISTED if n % 2 else VolunteerSignup.Status.CANCELLED,
        )
        made.append(session)
    for status in (ClassSession.Status.HELD, ClassSession.Status.CANCELLED):
        made.append(make_session(course=residents, status=status, starts_at=now + timedelta(1)))
    made.append(make_session(course=residents, starts_at=now - timedelta(days=1)))
    made.append(make_session(course=staff_only, starts_at=now + timedelta(days=2)))
    return {"now": now, "halls": halls, "sessions": made}


def _columns(rows):
    return [tuple(getattr(row, name) for name in COLUMNS) for row in rows]


@pytest.mark.parametrize("venue", [False, True])
@pytest.mark.parametrize("until_days", [None, 5])
def test_staffing_page_is_the_orm_rows(sessions, venue, until_days):
    now = sessions["now"]
    filters = {"now": now}
    if venue:
        filters["venue"] = sessions["halls"][1]
    if until_days:
        filters["date_to"] = timezone.localdate(now) + timedelta(days=until_days)
    expected = _columns(
        selectors.staffing_rows(selectors.staffing_overview(**filters, grouped=False))
    )
    assert len(expected) > 3
    assert {row[-1] for row in expected} == {True, False}  # both sides of the rule
    assert _columns(selectors.staffing_page(**filters)) == expected
    for offset, limit in ((0, 5), (5, 5), (len(expected) - 2, 5), (len(expected), 5)):
        page = selectors.staffing_page(**filters, offset=offset, limit=limit)
        assert _columns(page) == expected[offset : offset + limit]


def test_staffing_page_rows_are_sessions_with_only_those_fields(sessions):
    row = selectors.staffing_page(now=sessions["now"], limit=1)[0]
    assert isinstance(row, ClassSession) and row._state.adding is False
    assert row.starts_at.tzinfo is not None
    assert row.get_deferred_fields() >= {"notes", "capacity", "status"}
    assert selectors.staffing_of(row).is_staffed is row.staffed


def test_every_page_of_the_list_shows_its_own_rows(sessions, make_session, dx_staff, client_for):
    now = sessions["now"]
    for i in range(60):
        make_session(title=f"追加{i:02d}", starts_at=now + timedelta(days=20, minutes=i))
    expected = [
        row.title
        for row in selectors.staffing_rows(selectors.staffing_overview(now=now, grouped=False))
    ]
    client = client_for(dx_staff)
    shown = []
    for page in (1, 2):
        table = client.get("/volunteering/staff/staffing/", {"page": page}).context["table"]
        assert table.paginator.count == len(expected)
        shown += [row.record.title for row in table.page.object_list]
    assert shown == expected
