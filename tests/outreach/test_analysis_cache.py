"""The class analysis is cached per year, audience and language, and every write that
changes what it shows shows on the next request (core.pagecache)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.fiscal import fiscal_year
from core.models import CacheVersion
from core.refusals import Refusal
from outreach import services
from outreach.models import Course
from outreach.selectors.classes import ANALYSIS_CACHE

from .conftest import jst

pytestmark = pytest.mark.django_db
URL = reverse("outreach:analysis")


def _page(client, query: str = "?fy=2025") -> str:
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def _totals(page: str) -> tuple[int, int]:
    """(延べ, 実人数) as the totals card shows them."""
    card = page.split('id="totals-title"')[1].split("</dl>")[0]
    attendances, people = re.findall(r"<dd>(\d+)</dd>", card)[:2]
    return int(attendances), int(people)


@pytest.fixture
def staff(client_for, dx_staff):
    return client_for(dx_staff)


@pytest.fixture
def held(make_session, dx_staff):
    """A class of May 2025 with one walk-in recorded."""
    session = make_session(starts_at=jst(2025, 5, 13, 10), title="スマホ入門 火曜")
    services.attendance_add_walk_in(session=session, by=dx_staff, name="飛込 一郎", phone="0475-1")
    return session


def test_a_cached_analysis_is_served_without_counting_again(staff, held):
    assert _totals(_page(staff)) == (1, 1)
    with CaptureQueriesContext(connection) as hit:
        assert _totals(_page(staff)) == (1, 1)
    tables = ("outreach_attendance", "outreach_classsession", "outreach_course")
    read = [q["sql"] for q in hit.captured_queries if any(t in q["sql"] for t in tables)]
    assert len(read) == 1 and "wants_follow_up" in read[0]  # personal data: never cached


def test_recorded_attendance_shows_on_the_next_request(staff, held, make_application, dx_staff):
    assert _totals(_page(staff)) == (1, 1)
    assert _totals(_page(staff)) == (1, 1)  # from the cache
    services.attendance_mark(application=make_application(held), status="attended", by=dx_staff)
    assert _totals(_page(staff)) == (2, 2)
    services.attendance_add_walk_in(session=held, by=dx_staff)
    assert _totals(_page(staff)) == (3, 3)


def test_a_survey_answer_shows_on_the_next_request(staff, held, dx_staff):
    assert "飛込 一郎" not in _page(staff)
    walk_in = held.attendances.get()
    services.attendance_update_survey(attendance=walk_in, by=dx_staff, wants_follow_up=True)
    assert "飛込 一郎" in _page(staff)  # the follow-up list


def test_an_application_shows_in_the_fill_rates_on_the_next_request(staff, make_session, dx_staff):
    session = make_session(capacity=8, title="写真の撮り方")
    query = f"?fy={fiscal_year(session.starts_at)}"
    assert '<td class="number">8</td><td class="number">0</td>' in _page(staff, query)
    services.application_create(
        session=session,
        name="茂原 太郎",
        phone="0475-11-2222",
        phone_type="android",
        channel="phone",
        by=dx_staff,
    )
    assert '<td class="number">8</td><td class="number">1</td>' in _page(staff, query)


def test_a_renamed_course_shows_on_the_next_request(staff, held, dx_staff):
    course = held.course
    assert course.name in _page(staff)
    course.name = "スマホの基本"
    services.course_save(course=course, skills=[], by=dx_staff)
    assert "スマホの基本" in _page(staff)


def test_years_audiences_and_languages_are_cached_apart(staff, held, make_session, dx_staff):
    staff_course = Course.objects.create(
        code="staff-excel", name="職員向けExcel研修", category="city", audience="staff"
    )
    training = make_session(starts_at=jst(2025, 6, 3, 15), course=staff_course)
    for _n in range(2):
        services.attendance_add_walk_in(session=training, by=dx_staff)
    assert _totals(_page(staff)) == (1, 1)
    assert _totals(_page(staff, "?fy=2025&audience=staff")) == (2, 2)
    assert _totals(_page(staff, "?fy=2024")) == (0, 0)
    japanese = _page(staff)
    staff.cookies["django_language"] = "en"
    english = _page(staff)
    assert "Class analysis" in english and "Class analysis" not in japanese


def test_a_write_that_is_rolled_back_leaves_the_version_alone(staff, make_session, dx_staff):
    cancelled = make_session(starts_at=jst(2025, 5, 13, 10), status="cancelled")
    _page(staff)
    before = CacheVersion.objects.filter(key=ANALYSIS_CACHE).first()
    with pytest.raises(Refusal):  # bumped after the lock, then refused
        services.session_cancel(session=cancelled, by=dx_staff, reason="x")
    assert CacheVersion.objects.filter(key=ANALYSIS_CACHE).first() == before


def test_anonymised_people_leave_the_follow_up_list_at_once(staff, make_session, dx_staff):
    """Names and phone numbers are never copied to the cache: anonymisation, which
    keeps every count (and so the cached copy), takes them off the page at once."""
    session = make_session(starts_at=jst(2023, 6, 13, 10))
    services.attendance_add_walk_in(
        session=session,
        by=dx_staff,
        name="常連 花子",
        phone="0475-11-2222",
        survey={"wants_follow_up": True},
    )
    assert "常連 花子" in _page(staff, "?fy=2023")
    assert _totals(_page(staff, "?fy=2023")) == (1, 1)
    services.participants_anonymise(today_fiscal_year=2025)
    page = _page(staff, "?fy=2023")
    assert "常連 花子" not in page and "0475-11-2222" not in page
    assert _totals(page) == (1, 1)
