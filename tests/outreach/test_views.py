"""Every page through Django's client: who may open it, what it does, how many queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_history
from core.fiscal import fiscal_year
from outreach.models import Application, Attendance, ClassSession, Course
from outreach.services import attendance_add_walk_in, attendance_mark

from .conftest import jst

STAFF_PAGES = [
    ("outreach:session_list", False),
    ("outreach:session_create", False),
    ("outreach:series_create", False),
    ("outreach:session_detail", True),
    ("outreach:session_edit", True),
    ("outreach:session_cancel", True),
    ("outreach:staff_apply", True),
    ("outreach:attendance_sheet", True),
    ("outreach:session_roster", True),
    ("outreach:analysis", False),
    ("outreach:privacy_register", False),
]


@pytest.fixture
def session(make_session):
    return make_session(capacity=3)


def _url(name, needs_pk, session):
    return reverse(name, args=[session.pk]) if needs_pk else reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "needs_pk"), STAFF_PAGES)
def test_staff_pages_need_dx_staff(
    client, client_for, dx_staff, lending_staff, volunteer_user, session, name, needs_pk
):
    url = _url(name, needs_pk, session)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(lending_staff).get(url).status_code == 403
    assert client_for(volunteer_user).get(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 200


@pytest.mark.django_db
def test_staff_cancel_application_needs_dx_staff(
    client_for, lending_staff, dx_staff, session, make_application
):
    application = make_application(session)
    url = reverse("outreach:application_cancel", args=[application.pk])
    assert client_for(lending_staff).post(url).status_code == 403
    assert client_for(dx_staff).get(url).status_code == 405
    response = client_for(dx_staff).post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "cancelled"


@pytest.mark.django_db
def test_unknown_session_is_404_for_staff(client_for, dx_staff):
    assert (
        client_for(dx_staff).get(reverse("outreach:session_detail", args=[999])).status_code == 404
    )


@pytest.mark.django_db
def test_staff_takes_a_phone_application_in_one_post(client_for, dx_staff, session):
    response = client_for(dx_staff).post(
        reverse("outreach:staff_apply", args=[session.pk]),
        {
            "name": "電話 受子",
            "phone": "0475-11-2233",
            "phone_type": "rakuraku",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(session=session)
    assert (application.channel, application.status) == ("phone", "confirmed")
    assert audit_history(application).get().actor == dx_staff


@pytest.mark.django_db
def test_series_form_previews_then_saves(client_for, dx_staff, make_course, make_facility):
    course, venue = make_course(), make_facility()
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
    client = client_for(dx_staff)
    preview = client.post(reverse("outreach:series_create"), {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "令和12年4月9日（火）" in preview.content.decode()
    assert not ClassSession.objects.exists()
    saved = client.post(reverse("outreach:series_create"), {**data, "confirm": "1"})
    assert saved.status_code == 302
    assert ClassSession.objects.count() == 6


@pytest.mark.django_db
def test_attendance_sheet_marks_applicants_adds_walk_ins_and_survey(
    client_for, dx_staff, make_session, make_application
):
    session = make_session(starts_at=timezone.now() - timedelta(hours=3))
    came, absent = make_application(session), make_application(session)
    response = client_for(dx_staff).post(
        reverse("outreach:attendance_sheet", args=[session.pk]),
        {
            f"a{came.pk}-status": "attended",
            f"a{came.pk}-satisfaction": "5",
            f"a{came.pk}-someone_to_ask": "no",
            f"a{came.pk}-wants_follow_up": "on",
            f"a{absent.pk}-status": "absent",
            "new0-add": "on",
            "new0-name": "飛込 次郎",
            "new0-age_band": "80s",
            "anon-count": "2",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "held"
    assert Attendance.objects.filter(session=session, status="attended").count() == 4
    row = Attendance.objects.get(application=came)
    assert (row.satisfaction, row.has_someone_to_ask, row.wants_follow_up) == (5, False, True)
    assert Attendance.objects.filter(session=session, is_walk_in=True).count() == 3


@pytest.mark.django_db
def test_public_list_and_session_pages_show_no_participant_data(
    client, make_session, make_application
):
    session = make_session(capacity=2)
    make_application(session, name="秘密 花子", phone="0475-98-7654", name_kana="ひみつ はなこ")
    for url in (
        reverse("outreach:public_classes"),
        reverse("outreach:public_session", args=[session.pk]),
        reverse("outreach:public_flyer")
        + "?month="
        + timezone.localtime(session.starts_at).strftime("%Y-%m"),
        reverse("outreach:opendata_events"),
    ):
        body = client.get(url).content.decode()
        assert session.title in body, url
        for secret in ("秘密", "ひみつ", "0475-98-7654", "7654"):
            assert secret not in body, (url, secret)


@pytest.mark.django_db
def test_public_pages_hide_planned_staff_and_past_sessions(client, make_session, make_course):
    planned = make_session(status=ClassSession.Status.PLANNED)
    staff = make_session(
        course=make_course(audience=Course.Audience.STAFF, category="security_training")
    )
    past = make_session(starts_at=timezone.now() - timedelta(days=1))
    for hidden in (planned, staff, past):
        assert client.get(reverse("outreach:public_session", args=[hidden.pk])).status_code == 404
    body = client.get(reverse("outreach:public_classes")).content.decode()
    assert planned.title not in body and staff.title not in body


@pytest.mark.django_db
def test_resident_applies_online_without_an_account_and_gets_a_reference(client, session):
    response = client.post(
        reverse("outreach:public_session", args=[session.pk]),
        {"name": "市民 太郎", "phone": "090-1234-5678", "phone_type": "none", "age_band": "70s"},
    )
    # Post/redirect/get: the confirmation is a page of its own that survives a reload.
    assert response.status_code == 302
    confirmation = response["Location"]
    application = Application.objects.get()
    assert str(application.pk) != confirmation.rstrip("/").rsplit("/", 1)[-1]
    for _reload in range(2):
        page = client.get(confirmation)
        body = page.content.decode()
        assert f"{application.reference[:4]}-{application.reference[4:]}" in body
        assert "タブレット" in body
    assert page["Cache-Control"] == "private, no-store"
    assert application.channel == "online"
    # Another browser with the address sees the same page (it can be bookmarked)...
    assert Client().get(confirmation).status_code == 200
    # ...but a tampered or guessed address shows nothing.
    assert client.get(confirmation[:-3] + "xx/").status_code == 404
    assert client.get(f"/classes/applied/{application.pk}/").status_code == 404
    again = client.post(
        reverse("outreach:public_session", args=[session.pk]),
        {"name": "市民 太郎", "phone": "09012345678", "phone_type": "none"},
    )
    assert "すでに" in again.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_resident_cancels_online_with_reference_and_phone(client, session, make_application):
    application = make_application(session, phone="0475-55-6666")
    wrong = client.post(
        reverse("outreach:public_cancel"),
        {"reference": application.reference, "phone": "0475-00-0000"},
    )
    assert "見つかりません" in wrong.content.decode()
    # First the person sees which class it is, and nothing is cancelled yet.
    found = client.post(
        reverse("outreach:public_cancel"),
        {"reference": application.reference, "phone": "0475556666"},
    )
    assert found.status_code == 200
    assert session.title in found.content.decode()
    assert 'name="confirm" value="yes"' in found.content.decode()
    application.refresh_from_db()
    assert application.status == "confirmed"
    ok = client.post(
        reverse("outreach:public_cancel"),
        {"reference": application.reference, "phone": "0475556666", "confirm": "yes"},
    )
    assert ok.status_code == 302
    application.refresh_from_db()
    assert application.status == "cancelled"
    done = client.get(ok["Location"]).content.decode()
    assert f"{application.reference[:4]}-{application.reference[4:]}" in done
    assert "取り消しました" in done


def _many_sessions(make_session, make_application, course, venue, n):
    for i in range(n):
        s = make_session(
            course=course, venue=venue, starts_at=timezone.now() + timedelta(days=3 + i)
        )
        make_application(s)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_public_list_query_count_does_not_grow(
    client,
    make_session,
    make_application,
    make_course,
    make_facility,
    django_assert_max_num_queries,
    n,
):
    _many_sessions(make_session, make_application, make_course(), make_facility(), n)
    # The version and the sessions (then from the cache: the version only).
    with django_assert_max_num_queries(2):
        response = client.get(reverse("outreach:public_classes"))
    assert response.content.decode().count("class-card") == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_staff_list_query_count_does_not_grow(
    client_for,
    dx_staff,
    make_session,
    make_application,
    make_course,
    make_facility,
    django_assert_num_queries,
    n,
):
    _many_sessions(make_session, make_application, make_course(), make_facility(), n)
    client = client_for(dx_staff)
    client.get(reverse("outreach:session_list"))  # warm the session and role caches
    # Session, user, roles; the list's count with the year's held-without-attendance
    # count (one statement); the page; open calls; the filter's courses and venues (one).
    with django_assert_num_queries(7):
        response = client.get(reverse("outreach:session_list"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_analysis_and_csv_query_counts_do_not_grow(
    client,
    client_for,
    dx_staff,
    make_session,
    make_course,
    make_facility,
    django_assert_num_queries,
    django_assert_max_num_queries,
    n,
):
    course, venue = make_course(), make_facility()
    for i in range(n):
        s = make_session(
            course=course, venue=venue, starts_at=jst(2025, 5, 1, 10) + timedelta(days=i)
        )
        attendance_add_walk_in(
            session=s,
            by=dx_staff,
            name=f"人 {i}",
            phone=f"0475-{i:04d}",
            survey={"wants_follow_up": True},
        )
    staff = client_for(dx_staff)
    # A miss: the year's sessions and attended rows once for every count, the fill rates,
    # the follow-ups, the sessions without attendance, the version and the fixed parts.
    with django_assert_num_queries(10):
        assert staff.get(reverse("outreach:analysis") + "?fy=2025").status_code == 200
    # A hit (core.pagecache): the version, the follow-ups (never cached) and the fixed parts.
    with django_assert_num_queries(5):
        assert staff.get(reverse("outreach:analysis") + "?fy=2025").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("core:opendata_facilities")).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("outreach:opendata_events")).status_code == 200


@pytest.mark.django_db
def test_attendance_sheet_query_count_does_not_grow_with_applicants(
    client_for, dx_staff, make_session, make_application, django_assert_max_num_queries
):
    counts = []
    client = client_for(dx_staff)
    for n in (1, 30):
        session = make_session(starts_at=timezone.now() - timedelta(hours=2), capacity=40)
        for _i in range(n):
            attendance_mark(application=make_application(session), status="attended", by=dx_staff)
        client.get(reverse("outreach:attendance_sheet", args=[session.pk]))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("outreach:attendance_sheet", args=[session.pk]))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_analysis_shows_accessible_charts_with_tables(client_for, dx_staff, make_session):
    s = make_session(starts_at=jst(2025, 5, 1, 10))
    attendance_add_walk_in(session=s, by=dx_staff, age_band="70s")
    body = client_for(dx_staff).get(reverse("outreach:analysis") + "?fy=2025").content.decode()
    assert body.count('<svg role="img"') == 6
    assert '<title id="chart-course-title">' in body and "<caption>" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["outreach:public_classes", "outreach:public_cancel", "outreach:public_flyer"]
)
def test_public_pages_open_without_sign_in(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_cancelling_after_the_class_was_held_explains_why(
    client, make_session, make_application, dx_staff
):
    session = make_session(starts_at=timezone.now() - timedelta(hours=3))
    application = make_application(session, phone="0475-55-7777")
    attendance_mark(application=application, status="attended", by=dx_staff)
    response = client.post(
        reverse("outreach:public_cancel"),
        {"reference": application.reference, "phone": "0475-55-7777", "confirm": "yes"},
    )
    assert response.status_code == 200
    assert "すでに開催されました" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "confirmed"


@pytest.mark.django_db
def test_session_list_exports_csv(client_for, dx_staff, make_session):
    session = make_session(title="エクスポート確認教室")
    year = fiscal_year(session.starts_at)
    url = reverse("outreach:session_list") + f"?fiscal_year={year}&_export=csv"
    response = client_for(dx_staff).get(url)
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert session.title in body and "<a" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 50])
def test_session_detail_query_count_does_not_grow_with_applications(
    client_for, dx_staff, make_session, make_application, django_assert_max_num_queries, n
):
    session = make_session(capacity=60)
    for _i in range(n):
        make_application(session)
    client = client_for(dx_staff)
    client.get(reverse("outreach:session_detail", args=[session.pk]))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("outreach:session_detail", args=[session.pk]))
    assert response.content.decode().count("/outreach/applications/") == n


@pytest.mark.django_db
def test_public_form_asks_for_the_whole_phone_number(client, session):
    response = client.post(
        reverse("outreach:public_session", args=[session.pk]),
        {"name": "市民 次郎", "phone": "23-2111", "phone_type": "android"},
    )
    assert response.status_code == 200
    assert "市外局番" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_attendance_sheet_locks_its_class_before_any_row(
    client_for, dx_staff, make_session, make_application
):
    """Two people saving one class's sheet take turns on the class row first: each service
    then locks its attendance row, the class and the page-cache versions, and two sheets
    taking those in different orders could deadlock on PostgreSQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes no row locks: it writes one transaction at a time")
    session = make_session(starts_at=timezone.now() - timedelta(hours=3))
    came = make_application(session)
    client = client_for(dx_staff)
    client.get(reverse("outreach:attendance_sheet", args=[session.pk]))
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("outreach:attendance_sheet", args=[session.pk]),
            {f"a{came.pk}-status": "attended"},
        )
    assert response.status_code == 302
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if "FOR UPDATE" in q["sql"] or q["sql"].startswith(("INSERT", "UPDATE"))
        if "django_session" not in q["sql"]
    ]
    assert writes[0].startswith('SELECT "outreach_classsession".') and "FOR UPDATE" in writes[0]
