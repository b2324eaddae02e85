"""A volunteer's cancelling and calendar reset ask once more; the calendar feed is offered
as a webcal link with a copy button, its reset kept away from them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach import services
from outreach.models import CalendarFeed, VolunteerSignup
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(make_user):
    return build_profile(make_user, status="active", trained=True, full_name="鶴岡 一郎")


def test_cancelling_a_sign_up_asks_first(volunteer, make_session, client_for):
    session = make_session(title="LINE入門", starts_at=timezone.now() + timedelta(days=20))
    signup = services.signup_create(
        session=session, volunteer=volunteer, role=VolunteerSignup.Role.ASSISTANT
    )
    client = client_for(volunteer.user)
    page = client.get("/volunteering/mypage/").content.decode()
    url = f"/volunteering/signups/{signup.pk}/cancel/"
    assert f'href="{url}"' in page  # a link to the question, not a one-tap form
    question = client.get(url)
    assert question.status_code == 200
    html = question.content.decode()
    assert "LINE入門" in html and "はい、" in html
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.CONFIRMED
    assert client.post(url).status_code == 302
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.CANCELLED


def test_someone_elses_sign_up_cannot_be_asked_about(
    volunteer, make_session, client_for, make_user
):
    session = make_session(starts_at=timezone.now() + timedelta(days=20))
    signup = services.signup_create(
        session=session, volunteer=volunteer, role=VolunteerSignup.Role.ASSISTANT
    )
    other = build_profile(make_user, status="active", trained=True)
    assert (
        client_for(other.user).get(f"/volunteering/signups/{signup.pk}/cancel/").status_code == 404
    )


def test_the_calendar_is_a_webcal_link_with_a_copy_button_and_the_reset_is_apart(
    volunteer, client_for
):
    client = client_for(volunteer.user)
    html = client.get("/volunteering/mypage/").content.decode()
    token = CalendarFeed.objects.get(volunteer=volunteer).token
    webcal = html[html.index('href="webcal://') :]
    assert webcal.index(f"/volunteering/calendar/{token}.ics") < webcal.index('"', 6)
    assert 'data-copy="feed-url"' in html
    # The reset is not a button right under the address: it is behind a question,
    # after the registration section.
    assert 'action="/volunteering/calendar/reset/"' not in html
    assert (
        html.index('data-copy="feed-url"')
        < html.index("registration-title")
        < html.index('href="/volunteering/calendar/reset/"')
    )
    question = client.get("/volunteering/calendar/reset/")
    assert question.status_code == 200
    assert CalendarFeed.objects.get(volunteer=volunteer).token == token
    assert client.post("/volunteering/calendar/reset/").status_code == 302
    assert CalendarFeed.objects.get(volunteer=volunteer).token != token
