"""Sign-up pages: the staffing rule, staffing list order, calendar feed, privacy,
permissions on every view and constant query counts on the lists."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from outreach import selectors, services
from outreach.models import ClassSession, VolunteerSignup
from outreach.selectors import Staffing
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db

Role = VolunteerSignup.Role


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs):
        return build_profile(make_user, **kwargs)

    return _make


# --- The staffing rule -------------------------------------------------------
# 1 trained 講師 + ceil(participants / 4) helpers (講師 beyond the first, or 補助).


@pytest.mark.parametrize(
    ("participants", "needed"),
    [(0, 1), (4, 2), (5, 3), (9, 4)],
)
def test_staffing_rule_volunteers_needed(participants, needed):
    assert Staffing(participants, 0, 0).volunteers_needed == needed
    assert Staffing(participants, 0, 0).more_needed == needed
    # Exactly enough: one 講師 and the rest 補助.
    assert Staffing(participants, 1, needed - 1).is_staffed
    # One short.
    short = Staffing(participants, 1, needed - 2) if needed >= 2 else Staffing(participants, 0, 0)
    assert not short.is_staffed and short.more_needed == 1


@pytest.mark.parametrize("participants", [0, 4, 5, 9])
def test_staffing_rule_needs_an_instructor_whatever_the_assistants(participants):
    staffing = Staffing(participants, 0, 10)
    assert not staffing.is_staffed
    assert staffing.instructors_missing == 1 and staffing.helpers_missing == 0
    assert staffing.more_needed == 1


def test_second_instructor_counts_as_a_helper():
    assert Staffing(5, 3, 0).is_staffed  # one leads, two help: ceil(5/4) = 2
    assert not Staffing(5, 2, 0).is_staffed


@pytest.mark.parametrize("participants", [0, 4, 5, 9])
@pytest.mark.parametrize(("instructors", "assistants"), [(0, 0), (1, 0), (1, 1), (0, 3), (2, 1)])
def test_sql_and_python_staffing_agree(
    participants, instructors, assistants, make_session, make_profile, make_application
):
    session = make_session(capacity=10, instructor_places=3, assistant_places=3)
    for _ in range(participants):
        make_application(session)
    for role, count in ((Role.INSTRUCTOR, instructors), (Role.ASSISTANT, assistants)):
        for _ in range(count):
            services.signup_create(
                session=session, volunteer=make_profile(status="active", trained=True), role=role
            )
    annotated = selectors.staffing_overview().get(pk=session.pk)
    expected = Staffing(participants, instructors, assistants)
    assert annotated.more_needed_sql == expected.more_needed
    assert selectors.staffing_of(annotated) == expected
    assert selectors.staffing_of(ClassSession.objects.get(pk=session.pk)) == expected
    # The staffing list's rows say the same with their own (division-free) rule.
    row = selectors.staffing_rows(selectors.staffing_overview(grouped=False)).get(pk=session.pk)
    assert row.staffed is expected.is_staffed
    assert selectors.staffing_of(row) == expected


def test_staffing_list_sorts_understaffed_first(
    make_session, make_profile, make_application, dx_staff, client_for
):
    now = timezone.now()
    staffed_soon = make_session(title="足りている教室", starts_at=now + timedelta(days=1))
    services.signup_create(
        session=staffed_soon,
        volunteer=make_profile(status="active", trained=True),
        role=Role.INSTRUCTOR,
    )
    lacking_later = make_session(title="足りない教室", starts_at=now + timedelta(days=10))
    for _ in range(5):
        make_application(lacking_later)
    ordered = list(selectors.staffing_overview())
    assert [s.pk for s in ordered] == [lacking_later.pk, staffed_soon.pk]
    rows = selectors.staffing_rows(selectors.staffing_overview(grouped=False))
    assert [s.pk for s in rows] == [lacking_later.pk, staffed_soon.pk]
    body = client_for(dx_staff).get("/volunteering/staff/staffing/").content.decode()
    assert body.index("足りない教室") < body.index("足りている教室")
    assert "3" in body  # 1 講師 + ceil(5/4) = 3 more needed


def test_staffing_list_counts_each_class_once(make_session, make_profile, dx_staff, client_for):
    # The page count is a plain COUNT of the classes, the rows a grouped query: two
    # volunteers on one class must not make it two rows, nor a page too many.
    now = timezone.now()
    helped = make_session(title="二人の教室", starts_at=now + timedelta(days=2))
    for role in (Role.INSTRUCTOR, Role.ASSISTANT):
        services.signup_create(
            session=helped, volunteer=make_profile(status="active", trained=True), role=role
        )
    make_session(title="一人もいない教室", starts_at=now + timedelta(days=3))
    response = client_for(dx_staff).get("/volunteering/staff/staffing/")
    table = response.context["table"]
    assert table.paginator.count == 2 == len(list(table.page.object_list))
    assert table.paginator.num_pages == 1


def test_staffing_list_counts_only_past_a_full_first_page(
    make_session, dx_staff, client_for, django_assert_num_queries
):
    # The first page is read with one row more: no COUNT while every class fits on it.
    now = timezone.now()
    for i in range(3):
        make_session(title=f"教室{i:02d}番", starts_at=now + timedelta(days=1, minutes=i))
    client = client_for(dx_staff)
    url = "/volunteering/staff/staffing/"
    client.get(url)
    with django_assert_num_queries(5):  # session, user, roles, the venues, the rows
        assert client.get(url).context["table"].paginator.count == 3
    for i in range(3, 51):
        make_session(title=f"教室{i:02d}番", starts_at=now + timedelta(days=1, minutes=i))
    first = client.get(url)
    table = first.context["table"]
    assert table.paginator.count == 51
    assert table.paginator.num_pages == 2
    assert len(list(table.page.object_list)) == 50
    assert "教室49番" in first.content.decode()
    assert "教室50番" not in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [row.record.title for row in second.context["table"].page.object_list] == ["教室50番"]
    assert "教室49番" not in second.content.decode()


# --- Calendar feed -------------------------------------------------------------


def test_calendar_feed_is_valid_icalendar_and_reset_invalidates_old_url(
    make_profile, make_session, client, client_for
):
    profile = make_profile(status="active")
    session = make_session(title="スマホ教室 LINE入門")
    services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    cancelled = make_session(title="取り消した教室")
    s = services.signup_create(session=cancelled, volunteer=profile, role=Role.ASSISTANT)
    services.signup_cancel(signup=s, by=profile.user)
    old_url = f"/volunteering/calendar/{services.calendar_feed_for(volunteer=profile).token}.ics"
    response = client.get(old_url)  # no sign-in: the secret is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "スマホ教室 LINE入門" in str(events[0]["SUMMARY"])
    assert events[0].decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    # Reset from my page.
    assert client_for(profile.user).post("/volunteering/calendar/reset/").status_code == 302
    assert client.get(old_url).status_code == 404
    profile.refresh_from_db()
    new = client.get(f"/volunteering/calendar/{profile.calendar_feed.token}.ics")
    assert new.status_code == 200
    Calendar.from_ical(new.content)


def test_unknown_calendar_token_is_404(client):
    assert client.get("/volunteering/calendar/not-a-real-token.ics").status_code == 404


# --- Privacy -------------------------------------------------------------------


def test_volunteer_sees_fellow_names_but_no_participant_data(
    make_profile, make_session, make_application, client_for
):
    session = make_session()
    applicant = make_application(session, name="参加者 秘密子", phone="0475-99-8765")
    me = make_profile(status="active")
    fellow = make_profile(status="active", full_name="仲間 花子", phone="090-1111-2222")
    services.signup_create(session=session, volunteer=fellow, role=Role.ASSISTANT)
    client = client_for(me.user)
    for url in (
        f"/volunteering/classes/{session.pk}/",
        "/volunteering/classes/",
        "/volunteering/mypage/",
    ):
        body = client.get(url).content.decode()
        assert applicant.name not in body and applicant.phone not in body
        assert applicant.reference not in body
        assert fellow.phone not in body and fellow.user.email not in body
    assert "仲間 花子" in client.get(f"/volunteering/classes/{session.pk}/").content.decode()


def test_volunteer_cannot_open_another_volunteers_profile_history_or_signup(
    make_profile, make_session, client_for
):
    me = make_profile(status="active")
    other = make_profile(status="active")
    signup = services.signup_create(session=make_session(), volunteer=other, role=Role.ASSISTANT)
    client = client_for(me.user)
    assert client.get(f"/volunteers/{other.pk}/").status_code == 404
    assert client.get(f"/volunteering/staff/volunteers/{other.pk}/").status_code == 403
    assert client.post(f"/volunteering/signups/{signup.pk}/cancel/").status_code == 404
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.CONFIRMED


def test_staff_only_class_is_404_for_volunteers(
    make_profile, make_session, make_course, client_for
):
    from outreach.models import Course

    course = make_course(audience=Course.Audience.STAFF, category=Course.Category.SECURITY_TRAINING)
    session = make_session(course=course)
    client = client_for(make_profile(status="active").user)
    assert client.get(f"/volunteering/classes/{session.pk}/").status_code == 404


# --- Permissions on every view -------------------------------------------------

VOLUNTEER_GETS = ["/volunteering/classes/", "/volunteering/mypage/"]
STAFF_GETS = ["/volunteering/staff/staffing/", "/volunteering/staff/hours/"]


@pytest.mark.parametrize("url", VOLUNTEER_GETS)
def test_volunteer_pages_permissions(
    url, client, client_for, make_profile, lending_staff, org_rep_user
):
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(org_rep_user).get(url).status_code == 403
    assert client_for(make_profile(status="active").user).get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_GETS)
def test_staff_pages_permissions(url, client, client_for, make_profile, lending_staff, dx_staff):
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(make_profile(status="active").user).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 200


def test_object_pages_permissions(
    client, client_for, make_profile, make_session, dx_staff, lending_staff
):
    session = make_session()
    profile = make_profile(status="active")
    volunteer = client_for(profile.user)
    staff = client_for(dx_staff)
    fy = 2025
    cases = [
        (f"/volunteering/classes/{session.pk}/", 200, 200),
        (f"/volunteering/record/{fy}/", 200, 403),
        (f"/volunteering/staff/staffing/{session.pk}/", 403, 200),
        (f"/volunteering/staff/volunteers/{profile.pk}/", 403, 200),
    ]
    for url, as_volunteer, as_staff in cases:
        assert client.get(url).status_code == 302, url
        assert volunteer.get(url).status_code == as_volunteer, url
        assert staff.get(url).status_code == as_staff, url
        assert client_for(lending_staff).get(url).status_code == 403, url
    for url in (
        f"/volunteering/staff/staffing/{session.pk}/attendance/",
        f"/volunteering/classes/{session.pk}/signup/",
        "/volunteering/calendar/reset/",
    ):
        assert client.post(url)["Location"].startswith("/accounts/login/"), url
        assert client_for(lending_staff).post(url).status_code == 403, url


def test_volunteer_role_without_profile_is_sent_to_join(volunteer_user, client_for):
    client = client_for(volunteer_user)
    assert client.get("/volunteering/mypage/")["Location"] == "/volunteers/join/"
    assert client.get("/volunteering/classes/").status_code == 200


def test_activity_record_shows_own_hours_for_the_year(
    make_profile, make_session, dx_staff, client_for
):
    from tests.outreach.conftest import jst

    profile = make_profile(status="active")
    session = make_session(title="マイナポータル講座", starts_at=jst(2025, 11, 5, 10, 0))
    signup = services.signup_create(
        session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2025, 11, 1, 9, 0)
    )
    services.signup_record_attendance(session=session, by=dx_staff, came={signup.pk})
    body = client_for(profile.user).get("/volunteering/record/2025/").content.decode()
    assert "マイナポータル講座" in body and "2.00" in body and "令和7年度" in body
    assert (
        "マイナポータル講座"
        not in client_for(profile.user).get("/volunteering/record/2024/").content.decode()
    )


def test_hours_export_csv(make_profile, make_session, dx_staff, client_for):
    from tests.outreach.conftest import jst

    profile = make_profile(status="active", full_name="時間 太郎")
    session = make_session(starts_at=jst(2025, 11, 5, 10, 0))
    signup = services.signup_create(
        session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2025, 11, 1, 9, 0)
    )
    services.signup_record_attendance(session=session, by=dx_staff, came={signup.pk})
    response = client_for(dx_staff).get("/volunteering/staff/hours/?fiscal_year=2025&_export=csv")
    text = response.content.decode("utf-8-sig")
    assert "時間 太郎" in text and "2.00" in text


# --- Query counts ----------------------------------------------------------------


def _fill(n, make_session, make_profile, make_application, volunteer):
    for _ in range(n):
        session = make_session(instructor_places=2, assistant_places=3)
        make_application(session)
        services.signup_create(
            session=session,
            volunteer=make_profile(status="active", trained=True),
            role=Role.INSTRUCTOR,
        )
        services.signup_create(session=session, volunteer=volunteer, role=Role.ASSISTANT)


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/volunteering/classes/?only_open=on", "volunteer"),
        ("/volunteering/mypage/", "volunteer"),
        ("/volunteering/staff/staffing/", "staff"),
        ("/volunteering/staff/volunteers/{pk}/", "staff"),
    ],
)
def test_lists_use_constant_queries(
    url,
    who,
    make_session,
    make_profile,
    make_application,
    dx_staff,
    client_for,
    django_assert_max_num_queries,
):
    volunteer = make_profile(status="active")
    client = client_for(volunteer.user if who == "volunteer" else dx_staff)
    url = url.format(pk=volunteer.pk)
    _fill(1, make_session, make_profile, make_application, volunteer)
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        assert client.get(url).status_code == 200
    _fill(49, make_session, make_profile, make_application, volunteer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_hours_list_uses_constant_queries(
    make_session, make_profile, dx_staff, client_for, django_assert_max_num_queries
):
    from tests.outreach.conftest import jst

    def fill(n):
        for i in range(n):
            profile = make_profile(status="active")
            session = make_session(starts_at=jst(2025, 6, 1 + i % 28, 10, 0))
            signup = services.signup_create(
                session=session,
                volunteer=profile,
                role=Role.ASSISTANT,
                now=jst(2025, 5, 1, 9, 0),
            )
            services.signup_record_attendance(session=session, by=dx_staff, came={signup.pk})

    client = client_for(dx_staff)
    url = "/volunteering/staff/hours/?fiscal_year=2025"
    fill(1)
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    assert len(one.captured_queries) == 4  # session, user, roles, the hours with the names
    fill(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
