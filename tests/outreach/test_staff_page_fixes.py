"""Staff pages of classes, as a new member of staff would read them (issue 14)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.fiscal import fiscal_year
from outreach.services import attendance_add_walk_in

from .conftest import jst


@pytest.mark.django_db
def test_analysis_tables_are_headed_by_what_their_rows_are_never_by_group(
    client_for, dx_staff, make_session
):
    session = make_session(starts_at=jst(2025, 5, 1, 10))
    attendance_add_walk_in(session=session, by=dx_staff, age_band="70s")
    body = client_for(dx_staff).get(reverse("outreach:analysis") + "?fy=2025").content.decode()
    first_headings = re.findall(r'<thead><tr><th scope="col">([^<]*)</th>', body)
    assert "団体" not in first_headings  # lending's word for a 自治会, not a row of this table
    assert {"講座", "会場", "月", "曜日", "時間帯", "年代"} <= set(first_headings)


def _series_data(course, venue, **changes):
    data = {
        "course": course.pk,
        "title": "LINE教室",
        "venue": venue.pk,
        "pattern": "monthly",
        "nth": "2",
        "weekday": "TU",
        "first_date": "2030-04-01",
        "last_date": "2030-09-30",
        "start_time": "10:00",
        "end_time": "12:00",
        "capacity": 8,
        "instructor_places": 1,
        "assistant_places": 2,
        "status": "open",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_series_wholly_in_the_past_is_not_accepted_as_open_for_applications(
    client_for, dx_staff, make_course, make_facility, step
):
    from outreach.models import ClassSession

    data = _series_data(
        make_course(), make_facility(), first_date="2020-04-01", last_date="2020-09-30"
    )
    response = client_for(dx_staff).post(reverse("outreach:series_create"), {**data, step: "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "過去の教室を記録する場合は「計画中」" in errors["status"][0]
    assert "Preview" not in response.content.decode() and not ClassSession.objects.exists()
    planned = client_for(dx_staff).post(
        reverse("outreach:series_create"), {**data, "status": "planned", "preview": "1"}
    )
    assert planned.context["preview"] and not planned.context["form"].errors


@pytest.mark.django_db
def test_series_preview_warns_about_the_days_already_past(
    client_for, dx_staff, make_course, make_facility
):
    today = timezone.localdate()
    data = _series_data(
        make_course(),
        make_facility(),
        pattern="weekdays",
        first_date=(today.replace(day=1) - timedelta(days=40)).isoformat(),
        last_date=(today + timedelta(days=60)).isoformat(),
    )
    response = client_for(dx_staff).post(
        reverse("outreach:series_create"), {**data, "preview": "1"}
    )
    assert response.context["preview"].past_days
    assert "過ぎた日が" in response.content.decode()


@pytest.mark.django_db
def test_series_dates_in_the_wrong_order_are_explained_with_the_field_labels(
    client_for, dx_staff, make_course, make_facility
):
    data = _series_data(
        make_course(), make_facility(), first_date="2030-09-30", last_date="2030-04-01"
    )
    response = client_for(dx_staff).post(
        reverse("outreach:series_create"), {**data, "preview": "1"}
    )
    form = response.context["form"]
    assert form.errors["last_date"] == ["終了日は開始日より後の日にしてください。"]
    assert (form["first_date"].label, form["last_date"].label) == ("開始日", "終了日")


@pytest.mark.django_db
def test_class_list_counts_those_who_attended_as_the_attendance_sheet_does(
    client_for, dx_staff, make_session, make_application
):
    from outreach.services import attendance_mark

    session = make_session(starts_at=timezone.now() - timedelta(hours=3), capacity=10)
    statuses = ["attended"] * 4 + ["absent"] * 2
    for status in statuses:
        attendance_mark(application=make_application(session), status=status, by=dx_staff)
    client = client_for(dx_staff)
    page = client.get(
        reverse("outreach:session_list"), {"fiscal_year": fiscal_year(session.starts_at)}
    )
    row = page.context["table"].rows[0]
    assert row.get_cell("attended") == 4  # not the 6 rows
    assert page.context["table"].columns["attended"].header == "出席"
    sheet = client.get(reverse("outreach:attendance_sheet", args=[session.pk]))
    assert "現在の出席 4人" in sheet.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_session_list_names_every_column_differently(
    client_for, dx_staff, make_session, language
):
    """The title and the course were both 講座 (the Japanese of "Class" and of "Course");
    the title column says 講座名, as the session form does."""
    make_session()
    client = client_for(dx_staff)
    client.cookies["django_language"] = language
    table = client.get(reverse("outreach:session_list"), HTTP_ACCEPT_LANGUAGE=language).context[
        "table"
    ]
    headers = [str(column.header) for column in table.columns]
    assert len(headers) == len(set(headers)), headers
    if language == "ja":
        assert headers[:3] == ["日時", "講座名", "講座"]
