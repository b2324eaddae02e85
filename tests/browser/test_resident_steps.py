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


def test_group_goes_from_availability_to_request_and_cancels_after_a_question(
    page, sign_in, make_org, make_rep, make_type, make_item
):
    from core import office_calendar
    from lending.models import Reservation

    org = make_org(name="本納東自治会")
    projector = make_type("プロジェクター")
    for i in range(4):
        make_item(projector, tag_number=f"MB-PJ-20{i}")
    sign_in(make_rep(org))
    page.set_viewport_size(PHONE)
    # A Saturday festival two weeks ahead.
    day = timezone.localdate() + timedelta(days=14)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    page.goto(f"/lending/availability/?start={saturday}&end={saturday}")
    check_page(page)
    page.locator(f"main a[href*='type={projector.pk}']").click()
    page.wait_for_load_state()
    pickup = office_calendar.last_open_day_on_or_before(saturday)
    assert page.locator("#id_pickup_date").input_value() == pickup.isoformat()
    assert page.locator(f"#id_quantity_{projector.pk}").input_value() == "1"
    assert "この日程の空き：4台（全4台）" in page.locator("main").inner_text()
    assert "受付中の予約：0件" in page.locator("main").inner_text()
    check_page(page)
    page.fill(f"#id_quantity_{projector.pk}", "6")
    page.fill("#id_event_name", "夏祭り")
    page.fill("#id_purpose", "案内を映します")
    page.locator("label[for=id_declaration]").click()
    page.locator("main form.reservation-request button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert "プロジェクターは4台しかありません。" in summary.inner_text()
    summary.locator(f"a[href='#id_quantity_{projector.pk}']").click()
    assert page.evaluate("document.activeElement.id") == f"id_quantity_{projector.pk}"
    page.fill(f"#id_quantity_{projector.pk}", "2")
    page.locator("main form.reservation-request button[type=submit]").click()
    page.wait_for_load_state()
    reservation = Reservation.objects.get()
    page.get_by_role("link", name="この予約を取り消す…").click()
    page.wait_for_load_state()
    check_page(page)
    reservation.refresh_from_db()
    assert reservation.state != Reservation.State.CANCELLED
    page.get_by_role("button", name="はい、予約を取り消します").click()
    page.wait_for_load_state()
    reservation.refresh_from_db()
    assert reservation.state == Reservation.State.CANCELLED


def test_a_volunteers_sign_up_survives_a_reload(
    page, sign_in, make_user, make_profile, make_session
):
    user = make_user(full_name="茂原 次郎")
    profile = make_profile(user=user, status="active", trained=True, full_name="茂原 次郎")
    session = make_session(title="写真の送り方", starts_at=timezone.now() + timedelta(days=20))
    sign_in(user)
    page.set_viewport_size(PHONE)
    page.goto(f"/volunteering/classes/{session.pk}/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    # Post/redirect/get: a reload shows the sign-up again and posts nothing.
    for _reload in range(2):
        assert "として申込み済みです" in page.locator("main").inner_text()
        page.reload()
    assert VolunteerSignup.objects.filter(volunteer=profile).count() == 1
    assert_no_axe_violations(page)
