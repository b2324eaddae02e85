"""Volunteers' and residents' pages on a phone: the filter folded away, the calendar
copied with one button, cancelling asked twice, the flyer with its QR code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outreach import services
from outreach.models import VolunteerSignup
from tests.browser.a11y import assert_no_axe_violations, check_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_volunteer_on_a_phone_sees_classes_first_copies_the_calendar_and_is_asked_before_cancelling(
    page, sign_in, make_user, make_profile, make_session
):
    user = make_user(full_name="鶴岡 一郎")
    profile = make_profile(user=user, status="active", trained=True, full_name="鶴岡 一郎")
    session = make_session(title="はじめてのLINE", starts_at=timezone.now() + timedelta(days=20))
    signup = services.signup_create(
        session=session, volunteer=profile, role=VolunteerSignup.Role.ASSISTANT
    )
    sign_in(user)
    page.set_viewport_size(PHONE)
    page.goto("/volunteering/classes/")
    # The filter is folded: the first class is on the first screen.
    assert not page.locator("details.signup-filter").evaluate("d => d.open")
    first = page.locator("main article.card").first.bounding_box()
    assert first is not None and first["y"] < PHONE["height"]
    check_page(page)
    page.locator("details.signup-filter summary").click()
    assert page.locator("#id_date_from").is_visible()

    page.goto("/volunteering/mypage/")
    assert page.locator("a[href^='webcal://']").is_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="アドレスをコピーする").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
    assert page.locator(".copy-status").inner_text() == "コピーしました。"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(".ics") and copied.startswith("http")
    # The reset is not under the copy button: it is folded at the end of the page.
    assert not page.locator("details.calendar-reset").evaluate("d => d.open")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="申込みを取り消す").first.click()
    page.wait_for_load_state()
    assert "はじめてのLINE" in page.locator("main").inner_text()
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.CONFIRMED
    check_page(page)
    page.get_by_role("button", name="はい、取り消します").click()
    page.wait_for_load_state()
    signup.refresh_from_db()
    assert signup.status == VolunteerSignup.Status.CANCELLED


def test_the_flyer_on_its_last_day_with_a_qr_code(page, make_session):
    make_session(title="今月の教室", starts_at=timezone.now() + timedelta(hours=1))
    month = timezone.localtime(timezone.now() + timedelta(hours=1)).strftime("%Y-%m")
    page.goto(f"/classes/flyer/?month={month}")
    assert "今月の教室" in page.locator("main").inner_text()
    assert page.locator("main svg[role=img]").is_visible()
    assert page.locator("main a[href^='tel:']").count() >= 1
    check_page(page)
