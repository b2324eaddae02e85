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


# --- Lending: reserve, approve, hand out by scanning, return at the kiosk ---------


def _shift_clock_to(day, hour: int = 10):
    """Patch Django's clock (server thread included) so that it is ``day`` at ``hour`` JST.

    The desk hands equipment out on the pickup day only; the journey lives through
    that day instead of waiting for it. Real time keeps running from there.
    """
    from datetime import datetime
    from unittest import mock

    real_now = timezone.now
    target = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))
    offset = target - real_now()
    return mock.patch("django.utils.timezone.now", side_effect=lambda: real_now() + offset)


def test_lending_from_reservation_to_kiosk_return_with_the_keyboard_alone(
    page, new_page, sign_in, make_user, make_org, make_type, make_item, make_rep, settings,
    screenshot,
):  # fmt: skip
    from core.office_calendar import next_open_day
    from lending.models import Item, Loan, Reservation
    from tests.browser.a11y import tab_and_press, tab_to

    settings.TSUNAGU_KIOSK_RESET_SECONDS = 3
    organisation = make_org("本納第三自治会")
    representative = make_rep(organisation, full_name="本納 幸子")
    projector = make_type("プロジェクター")
    make_type("ワンタッチテント", is_digital_ready=False)
    for n in (1, 2):
        make_item(projector, tag_number=f"MB-PJ-00{n}")
    pickup = next_open_day(timezone.localdate() + timedelta(days=1))
    returned = next_open_day(pickup + timedelta(days=1))

    # 1. The 自治会 representative, keyboard only: is a projector free on those days?
    sign_in(representative)
    page.goto("/lending/availability/")
    check_page(page)
    tab_to(page, "input[name=start]")
    page.locator("input[name=start]").fill(pickup.isoformat())  # see note on date fields
    tab_to(page, "input[name=end]")
    page.locator("input[name=end]").fill(returned.isoformat())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    row = page.locator("tr", has_text="プロジェクター")
    assert row.locator("td").first.inner_text().strip() == "2"
    check_page(page)

    # ... and reserves one, still with the keyboard alone.
    # (The button carries the chosen days over: its address ends in ?start=…&end=….)
    tab_and_press(page, "a.button--primary[href^='/lending/my/new/']", navigates=True)
    check_page(page)
    tab_to(page, "input[name=pickup_date]")
    page.locator("input[name=pickup_date]").fill(pickup.isoformat())
    tab_to(page, "input[name=return_date]")
    page.locator("input[name=return_date]").fill(returned.isoformat())
    tab_to(page, f"input[name=quantity_{projector.pk}]")
    page.keyboard.type("1")
    tab_to(page, "input[name=event_name]")
    page.keyboard.type("防災訓練")
    tab_to(page, "textarea[name=purpose]")
    page.keyboard.type("避難所運営の説明会でスライドを映します")
    tab_to(page, "input[name=declaration]")
    page.keyboard.press("Space")
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    assert "/lending/my/new/" not in page.url, page.locator("main").inner_text()
    reservation = Reservation.objects.get(organisation=organisation)
    assert reservation.state == Reservation.State.REQUESTED
    assert "承認待ち" in page.locator("main").inner_text()
    check_page(page)
    screenshot(suffix="-1-requested")

    with _shift_clock_to(pickup):
        # 2. 生活課 on the pickup day, keyboard only: approve, then hand out by scanning.
        desk = new_page()
        sign_in(make_user(Role.LENDING_STAFF, full_name="生活課 窓口"), tab=desk)
        desk.goto("/lending/desk/")
        check_page(desk)
        desk.goto(f"/lending/reservations/{reservation.pk}/")
        check_page(desk)
        tab_and_press(
            desk, f"form[action$='/reservations/{reservation.pk}/approve/'] button", navigates=True
        )
        reservation.refresh_from_db()
        assert reservation.state == Reservation.State.APPROVED
        check_page(desk)
        tab_and_press(desk, f"a[href$='/reservations/{reservation.pk}/hand-out/']", navigates=True)
        check_page(desk)
        unit = Loan.objects.get(reservation=reservation).item
        # The desk's handheld scanner types the QR URL and Enter, like the kiosk's.
        tab_to(desk, "input[name=code]")
        desk.keyboard.type(unit.qr_url)
        with desk.expect_navigation():
            desk.keyboard.press("Enter")
        assert desk.locator(".message--success").is_visible()
        unit.refresh_from_db()
        assert unit.status == Item.Status.ON_LOAN
        check_page(desk)
        screenshot(tab=desk, suffix="-2-handed-out")

        # 3. The group brings it back to the kiosk: scan, confirmation, screen resets.
        kiosk = new_page()
        sign_in(make_user(Role.KIOSK, full_name="返却キオスク 1"), tab=kiosk)
        kiosk.goto("/kiosk/")
        assert kiosk.locator("input[name=code]").evaluate("el => el === document.activeElement")
        kiosk.keyboard.type(unit.tag_number)
        kiosk.keyboard.press("Enter")
        kiosk.locator("[data-outcome]").wait_for()
        assert "返却を受け付けました" in kiosk.get_by_role("heading", level=1).inner_text()
        assert "本納" not in kiosk.locator("body").inner_text()
        screenshot(tab=kiosk, suffix="-3-returned")
        tab_and_press(kiosk, "button[name=all_present]")
        kiosk.get_by_role("heading", level=1, name="備品の返却はこちら").wait_for(timeout=20_000)
        assert kiosk.locator("input[name=code]").evaluate("el => el === document.activeElement")
        loan = Loan.objects.get(reservation=reservation)
        assert loan.returned_at is not None and loan.returned_via == Loan.Via.KIOSK
        screenshot(tab=kiosk)
