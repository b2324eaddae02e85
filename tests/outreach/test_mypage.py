"""The volunteer's one page: profile, sign-ups, hours, 活動実績 and calendar feed in one
place; the addresses people used before lead to it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from core.models import AuditEntry
from outreach import services
from outreach.models import CalendarFeed, VolunteerSignup
from tests.outreach.conftest import jst
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db

Role = VolunteerSignup.Role


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs):
        return build_profile(make_user, **kwargs)

    return _make


def test_my_page_shows_profile_signups_hours_and_feed_together(
    make_profile, make_session, dx_staff, client_for
):
    profile = make_profile(
        status="active", trained=True, full_name="鶴岡 一郎", skills=["line"], phone="090-1234-5678"
    )
    coming = make_session(title="LINEで写真を送ろう", starts_at=timezone.now() + timedelta(days=9))
    services.signup_create(session=coming, volunteer=profile, role=Role.INSTRUCTOR)
    held = make_session(title="マイナポータル講座", starts_at=jst(2025, 11, 5, 10, 0))
    signup = services.signup_create(
        session=held, volunteer=profile, role=Role.ASSISTANT, now=jst(2025, 11, 1, 9, 0)
    )
    services.signup_record_attendance(session=held, by=dx_staff, came={signup.pk})

    response = client_for(profile.user).get("/volunteering/mypage/")
    assert response.status_code == 200
    body = response.content.decode()
    # The registration: name, contact, skills, training.
    assert "鶴岡 一郎" in body and "090-1234-5678" in body and "LINE" in body
    assert "デジタル活用支援員研修" in body
    assert "/volunteers/me/edit/" in body
    # The sign-ups, coming and past.
    assert "LINEで写真を送ろう" in body and "マイナポータル講座" in body
    # The hours of 令和7年度 and its printable activity record.
    assert "令和7年度" in body and "2.00" in body
    assert "/volunteering/record/2025/" in body
    # The calendar feed, whose address works without signing in.
    feed = CalendarFeed.objects.get(volunteer=profile)
    assert f"/volunteering/calendar/{feed.token}.ics" in body
    assert response.context["feed_url"].endswith(f"/volunteering/calendar/{feed.token}.ics")


def test_an_applicant_sees_their_application_on_the_same_page(make_profile, client_for):
    profile = make_profile(status="applied", full_name="申込 花子")
    response = client_for(profile.user).get("/volunteering/mypage/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "申込 花子" in body and "確認中" in body
    # Nothing to sign up for or subscribe to before approval.
    assert "feed_url" not in response.context
    assert not CalendarFeed.objects.filter(volunteer=profile).exists()


def test_someone_who_left_keeps_their_record_but_no_calendar(
    make_profile, make_session, dx_staff, client_for
):
    profile = make_profile(status="active")
    held = make_session(title="地図アプリ入門", starts_at=jst(2025, 6, 3, 10, 0))
    signup = services.signup_create(
        session=held, volunteer=profile, role=Role.ASSISTANT, now=jst(2025, 6, 1, 9, 0)
    )
    services.signup_record_attendance(session=held, by=dx_staff, came={signup.pk})
    from volunteers.services import profile_change_status

    profile_change_status(profile=profile, by=dx_staff, status="left")
    response = client_for(profile.user).get("/volunteering/mypage/")
    assert response.status_code == 200
    assert "地図アプリ入門" in response.content.decode()
    assert "feed_url" not in response.context


# --- The addresses people used before -------------------------------------------------


def test_old_addresses_lead_to_the_one_page(make_profile, client_for):
    profile = make_profile(status="active")
    client = client_for(profile.user)
    assert client.get("/volunteers/me/")["Location"] == "/volunteering/mypage/"
    assert client.get(f"/volunteers/{profile.pk}/")["Location"] == "/volunteers/me/"
    final = client.get(f"/volunteers/{profile.pk}/", follow=True)
    assert final.redirect_chain == [
        ("/volunteers/me/", 302),
        ("/volunteering/mypage/", 302),
    ]
    assert final.status_code == 200
    # After joining or changing details, the volunteer lands on the same page.
    assert client.get("/volunteers/join/", follow=True).redirect_chain[-1][0] == (
        "/volunteering/mypage/"
    )


def test_someone_without_a_profile_is_asked_to_join(make_user, client_for):
    client = client_for(make_user())
    assert client.get("/volunteers/me/")["Location"] == "/volunteers/join/"
    assert client.get("/volunteering/mypage/").status_code == 403


def test_calendar_address_keeps_working_until_renewed_and_renewal_is_audited(
    make_profile, make_session, client, client_for
):
    profile = make_profile(status="active")
    session = make_session(title="スマホ教室 LINE入門")
    services.signup_create(session=session, volunteer=profile, role=Role.ASSISTANT)
    client_for(profile.user).get("/volunteering/mypage/")  # the page makes the feed
    token = CalendarFeed.objects.get(volunteer=profile).token
    url = f"/volunteering/calendar/{token}.ics"
    for _ in range(2):  # showing the page again does not change the address
        client_for(profile.user).get("/volunteering/mypage/")
        assert client.get(url).status_code == 200
    events = list(Calendar.from_ical(client.get(url).content).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["スマホ教室 LINE入門（補助）"]
    client_for(profile.user).post("/volunteering/calendar/reset/")
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="outreach.calendar.reset")
    assert entry.target_id == str(profile.pk) and entry.actor == profile.user


def test_staff_page_about_a_volunteer_links_to_their_classes(make_profile, dx_staff, client_for):
    profile = make_profile(status="active")
    body = client_for(dx_staff).get(f"/volunteers/{profile.pk}/").content.decode()
    assert f"/volunteering/staff/volunteers/{profile.pk}/" in body


def test_volunteer_history_renders_with_names_not_codes(make_profile, dx_staff, client_for):
    profile = make_profile(status="applied")
    client_for(dx_staff).post(f"/volunteers/{profile.pk}/approve/")
    body = client_for(dx_staff).get(f"/volunteers/{profile.pk}/").content.decode()
    assert "支援員の承認" in body
    assert "volunteers.volunteer.approved" not in body
    assert dx_staff.email not in body and "総務課 職員" in body
