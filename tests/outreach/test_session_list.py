"""The class session list: its count and warning (one SQL statement) and the attended column."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.fiscal import current_fiscal_year, fiscal_year
from outreach.filters import SessionFilter
from outreach.models import Attendance, ClassSession
from outreach.selectors import session_list_counts, sessions_held_without_attendance
from outreach.services import attendance_add_walk_in, attendance_mark

# The list opens on this fiscal year, and these tests need "yesterday" and "in two weeks"
# inside it.
pytestmark = pytest.mark.usefixtures("mid_year_clock")


@pytest.fixture
def sessions(make_session, make_course, make_facility, make_application, dx_staff):
    """Sessions of this fiscal year and the last, held with and without attendance."""
    courses = [make_course(), make_course()]
    venues = [make_facility(), make_facility()]
    this_year = timezone.now() - timedelta(days=1)
    last_year = timezone.now() - timedelta(days=400)
    made = []
    for n, starts_at in enumerate([this_year, this_year, this_year, last_year, last_year]):
        session = make_session(
            starts_at=starts_at - timedelta(hours=n),
            course=courses[n % 2],
            venue=venues[n // 2 % 2],
            status=ClassSession.Status.HELD if n != 2 else ClassSession.Status.OPEN,
        )
        made.append(session)
    attendance_add_walk_in(session=made[0], by=dx_staff)  # held, attendance taken
    return made, courses, venues


def _filter(data: dict) -> SessionFilter:
    session_filter = SessionFilter(data, queryset=ClassSession.objects.all())
    session_filter.is_valid()
    return session_filter


@pytest.mark.django_db
def test_session_list_counts_agree_with_the_filter_and_the_flagged_sessions(sessions):
    made, courses, venues = sessions
    this, last = current_fiscal_year(), fiscal_year(made[3].starts_at)
    choices = [
        {},
        {"fiscal_year": str(this)},
        {"fiscal_year": str(last)},
        {"fiscal_year": str(this), "status": "held"},
        {"fiscal_year": str(this), "course": str(courses[1].pk)},
        {"venue": str(venues[0].pk), "status": "held"},
        {"fiscal_year": str(last), "course": str(courses[0].pk), "venue": str(venues[1].pk)},
        {"fiscal_year": "not a year", "status": "open"},
    ]
    for data in choices:
        session_filter = _filter(data)
        chosen = session_filter.form.cleaned_data.get("fiscal_year")
        for year in (chosen, None, last):
            count, flagged = session_list_counts(session_filter.chosen(), fiscal_year=year)
            assert count == session_filter.qs.count(), data
            assert flagged == sessions_held_without_attendance(fiscal_year=year).count(), data
    assert session_list_counts({}, fiscal_year=None) == (5, 1)
    assert session_list_counts({}, fiscal_year=last) == (5, 2)


@pytest.mark.django_db
def test_session_list_warns_of_held_sessions_of_the_year_shown(client_for, dx_staff, sessions):
    made, _courses, _venues = sessions
    client = client_for(dx_staff)
    page = client.get(reverse("outreach:session_list"))
    assert page.context["flagged"] == 1
    assert page.context["table"].paginator.count == 3
    last = fiscal_year(made[3].starts_at)
    page = client.get(reverse("outreach:session_list"), {"fiscal_year": last, "status": "open"})
    assert page.context["flagged"] == 2
    assert page.context["table"].paginator.count == 0
    # Attendance taken shows on the next request.
    attendance_add_walk_in(session=made[1], by=dx_staff)
    page = client.get(reverse("outreach:session_list"))
    assert page.context["flagged"] == 0


@pytest.mark.django_db
def test_attended_column_tells_no_attendance_from_nobody_attended(
    client_for, dx_staff, make_session, make_application
):
    held = timezone.now() - timedelta(days=1)
    untaken = make_session(starts_at=held, status=ClassSession.Status.HELD)
    nobody = make_session(starts_at=held - timedelta(hours=3), status=ClassSession.Status.HELD)
    attendance_mark(
        application=make_application(nobody), status=Attendance.Status.ABSENT, by=dx_staff
    )
    upcoming = make_session()
    page = client_for(dx_staff).get(reverse("outreach:session_list"))
    cells = {row.record.pk: row.get_cell("attended") for row in page.context["table"].rows}
    assert cells[untaken.pk] == '<span class="badge badge--danger">開催済み・出欠未記録</span>'
    assert cells[nobody.pk] == 0
    assert cells[upcoming.pk] == "—"
    export = client_for(dx_staff).get(
        reverse("outreach:session_list"), {"fiscal_year": fiscal_year(held), "_export": "csv"}
    )
    lines = export.content.decode("utf-8-sig").splitlines()
    # The export says 0 for both (a number column), as before.
    assert next(line for line in lines if untaken.title in line).endswith(",0")
    assert next(line for line in lines if nobody.title in line).endswith(",0")


@pytest.mark.django_db
def test_course_and_venue_choices_are_their_names_and_refuse_unknown_ids(
    client_for, dx_staff, make_course, make_facility
):
    course, venue = make_course(name="タブレット入門"), make_facility(name="北部公民館")
    make_facility(name="閉館した館", is_active=False)
    client = client_for(dx_staff)
    page = client.get(reverse("outreach:session_list"), {"course": course.pk})
    html = page.content.decode()
    assert f'<option value="{course.pk}" selected>タブレット入門</option>' in html
    assert f'<option value="{venue.pk}">北部公民館</option>' in html
    assert "閉館した館" not in html
    assert page.context["filter"].form.cleaned_data["course"] == course
    refused = client.get(reverse("outreach:session_list"), {"course": 999999})
    form = refused.context["filter"].form
    assert form.errors["course"] == [form.fields["course"].error_messages["invalid_choice"]]
