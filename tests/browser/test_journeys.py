"""Journeys: each person does their job in a real browser, and every page on the way
passes the accessibility checks (axe WCAG 2.2 A/AA, 44px targets, 320px reflow).

The final screen of each journey is saved in test-artifacts/screenshots/.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.fiscal import current_fiscal_year
from core.roles import Role
from outreach.models import Application, Attendance, ClassSession, VolunteerSignup
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser


def open_nav(page, label: str) -> None:
    """Follow a link of the header menu or the start page's tiles by its visible name."""
    page.get_by_role("link", name=label, exact=True).first.click()
    page.wait_for_load_state()


# --- Volunteers --------------------------------------------------------------


def test_volunteer_signs_up_for_an_understaffed_class(
    page, sign_in, make_user, make_profile, make_session, screenshot
):
    user = make_user(full_name="鶴岡 一郎")
    make_profile(user=user, status="approved", trained=True, full_name="鶴岡 一郎")
    session = make_session(
        title="はじめてのスマホ教室",
        starts_at=timezone.now() + timedelta(days=10),
        instructor_places=1,
        assistant_places=2,
    )
    sign_in(user)
    page.goto("/dashboard/")
    check_page(page)

    page.goto("/volunteering/classes/")
    check_page(page)
    page.get_by_role("link", name="はじめてのスマホ教室").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).is_visible()
    check_page(page)

    page.get_by_label("補助", exact=False).first.check()
    page.locator("form[action$='/signup/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message--success").is_visible()
    signup = VolunteerSignup.objects.get(session=session, volunteer__user=user)
    assert signup.status == VolunteerSignup.Status.CONFIRMED
    check_page(page)
    screenshot()


# --- Residents ---------------------------------------------------------------


def _apply_on_public_page(page, session, *, name, phone) -> None:
    page.goto("/classes/")
    check_page(page)
    page.get_by_role("link", name=session.title).first.click()
    page.wait_for_load_state()
    check_page(page)
    # Fields by name; axe has checked that each has its visible label.
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=phone]").fill(phone)
    page.locator("input[name=phone_type][value=android]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_resident_applies_for_a_class_on_the_public_page(page, make_session, screenshot):
    session = make_session(title="スマホで写真を送ろう", capacity=10)
    # First try without the required answers: the errors must be accessible too.
    page.goto(f"/classes/{session.pk}/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert Application.objects.count() == 0
    check_page(page)

    _apply_on_public_page(
        page,
        session,
        name="茂原 花子",
        phone="0475-22-1234",
    )
    application = Application.objects.get(session=session)
    assert application.name == "茂原 花子"
    assert application.channel == Application.Channel.ONLINE
    assert application.reference.replace("-", "")[-4:] in page.locator("main").inner_text().replace(
        "-", ""
    )
    check_page(page)
    screenshot()


def test_resident_applies_in_english(page, make_session, screenshot):
    session = make_session(title="スマホ入門（English welcome）", capacity=10)
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    check_page(page)
    _apply_on_public_page(
        page,
        session,
        name="Hanako Mobara",
        phone="0475-22-9876",
    )
    assert page.locator("html").get_attribute("lang") == "en"
    assert Application.objects.filter(session=session, name="Hanako Mobara").exists()
    check_page(page)
    screenshot()


# --- 総務課: attendance and the KPI sheet -----------------------------------


def test_dx_staff_records_attendance_and_opens_the_kpi_sheet(
    page, sign_in, make_user, make_session, make_application, screenshot
):
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    session = make_session(
        title="LINEの使い方教室",
        starts_at=timezone.now() - timedelta(hours=3),
        status=ClassSession.Status.OPEN,
    )
    came = make_application(session, name="本納 幸子")
    make_application(session, name="豊田 茂")

    sign_in(staff)
    page.goto("/dashboard/")
    check_page(page)
    page.goto("/outreach/classes/")
    check_page(page)
    page.goto(f"/outreach/classes/{session.pk}/")
    check_page(page)
    page.goto(f"/outreach/classes/{session.pk}/attendance/")
    check_page(page)

    page.locator("fieldset", has_text="本納 幸子").get_by_label("出席", exact=True).check()
    page.locator("fieldset", has_text="豊田 茂").get_by_label("欠席", exact=True).check()
    page.get_by_role("button", name="出欠を保存する").click()
    page.wait_for_load_state()
    assert page.locator(".message--success").is_visible()
    assert Attendance.objects.get(application=came).status == Attendance.Status.ATTENDED
    check_page(page)

    fiscal_year = current_fiscal_year()
    page.goto("/kpi/staff/")
    check_page(page)
    page.goto(f"/kpi/staff/{fiscal_year}/")
    assert page.get_by_role("heading", level=1).is_visible()
    check_page(page)
    screenshot()
