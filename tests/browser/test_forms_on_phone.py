"""Every public, resident, volunteer and group form on a phone (390×844): submitted
empty and with one wrong field, the error summary is in view, has the focus and links
to the field; each confirmation page survives a reload with its reference number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import office_calendar
from core.roles import Role
from lending.models import Reservation
from outreach.models import Application
from tests.browser.a11y import assert_no_axe_violations, assert_targets_large_enough
from tests.browser.conftest import SCREENSHOT_DIR

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.locator(button).click()
    page.wait_for_load_state()


def assert_summary_leads_to(page, field_id: str) -> None:
    """The summary is on the screen, focused, and its link moves the focus to the field."""
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1, f"no error summary on {page.url}"
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"], f"summary not in view: {box}"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    link = summary.locator(f"a[href='#{field_id}']")
    assert link.count() == 1, summary.inner_html()
    assert "このフィールドは必須です" not in summary.inner_text()
    link.click()
    assert page.evaluate("document.activeElement.id") == field_id
    # The field's own error sits beside it, tied by aria-describedby (or its fieldset's).
    described = page.evaluate(
        """(id) => { const el = document.getElementById(id);
                     const owner = el.closest('fieldset[aria-describedby]') || el;
                     return owner.getAttribute('aria-describedby') || ''; }""",
        field_id,
    )
    assert "_error" in described


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def _next_open_day(days_ahead: int):
    return office_calendar.next_open_day(timezone.localdate() + timedelta(days=days_ahead))


# --- Residents: applying for a class, cancelling by reference number ------------------


def test_class_application_on_a_phone(phone, make_session):
    page = phone
    session = make_session(title="はじめてのスマホ教室", capacity=12)
    page.goto(f"/classes/{session.pk}/")
    # 必須 is marked before anyone submits.
    assert page.locator("label[for=id_name] .required-mark").is_visible()
    assert_targets_large_enough(page)  # 「スマホを持っていない」 too
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        for label in page.locator("fieldset label:has(input[type=radio])").all():
            box = label.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (label.inner_text(), box)
    page.set_viewport_size(PHONE)
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_name")
    assert "「氏名」を入力してください。" in page.locator("#id_name_error").inner_text()
    assert_no_axe_violations(page)
    # The screen the "before" picture shows: name missing, phone too short.
    page.fill("#id_phone", "123")
    _submit(page, "main form button[type=submit]")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "issue14-form-errors-after.png"))
    assert page.locator("[data-error-summary] li").count() == 3
    # One wrong field: the rest is kept, only the phone number is asked again.
    page.fill("#id_name", "茂原 花子")
    page.locator("label", has_text="スマホを持っていない").click()
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_phone")
    assert page.locator("[data-error-summary] li").count() == 1
    # Put right, the confirmation is a page of its own: reloading it keeps the number.
    page.fill("#id_phone", "0475-23-2111")
    _submit(page, "main form button[type=submit]")
    reference = Application.objects.get().reference
    shown = f"{reference[:4]}-{reference[4:]}"
    assert page.locator(".reference").inner_text() == shown
    confirmation = page.url
    page.reload()
    assert page.url == confirmation
    assert page.locator(".reference").inner_text() == shown
    assert "すでに" not in page.locator("main").inner_text()
    assert Application.objects.count() == 1
    assert_no_axe_violations(page)


def test_cancel_by_reference_on_a_phone(phone, make_session, make_application):
    page = phone
    session = make_session(title="LINE教室")
    application = make_application(session, phone="0475-55-6666")
    page.goto("/classes/cancel/")
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_reference")
    page.fill("#id_reference", application.reference)
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_phone")
    assert_no_axe_violations(page)
    page.fill("#id_phone", "0475556666")
    _submit(page, "main form button[type=submit]")
    # A confirmation step: which class, and nothing cancelled yet.
    assert "LINE教室" in page.locator("main").inner_text()
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED
    assert_no_axe_violations(page)
    _submit(page, "main form button.button--danger")
    application.refresh_from_db()
    assert application.status == Application.Status.CANCELLED
    shown = f"{application.reference[:4]}-{application.reference[4:]}"
    page.reload()
    assert page.locator(".reference").inner_text() == shown
    assert_no_axe_violations(page)


def test_sign_up_and_sign_in_on_a_phone(phone, make_user):
    page = phone
    page.goto("/accounts/signup/")
    _submit(page, "main form button[type=submit]")
    first = page.locator("[data-error-summary] a").first.get_attribute("href")[1:]
    assert_summary_leads_to(page, first)
    page.fill("#id_email", "not-an-address")
    _submit(page, "main form button[type=submit]")
    assert page.locator("[data-error-summary] a[href='#id_email']").count() == 1
    assert_no_axe_violations(page)
    user = make_user()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_password")
    assert_no_axe_violations(page)
    page.goto("/accounts/password/reset/")
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_email")
    page.fill("#id_email", "not-an-address")
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_email")
    assert_no_axe_violations(page)


# --- Volunteers -------------------------------------------------------------------------


def test_volunteer_application_on_a_phone(phone, sign_in, make_user):
    page = phone
    sign_in(make_user(full_name=""))
    page.goto("/volunteers/join/")
    page.fill("#id_full_name", "")
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_full_name")
    page.fill("#id_full_name", "支援 一郎")
    page.fill("#id_phone", "0475-20-1234")
    _submit(page, "main form button[type=submit]")
    assert_summary_leads_to(page, "id_consent")
    assert "チェックを入れてください" in page.locator("[data-error-summary]").inner_text()
    assert_no_axe_violations(page)


# --- A group's representative ---------------------------------------------------------


def test_group_request_on_a_phone(phone, sign_in, make_org, make_rep, make_item, make_type):
    page = phone
    org = make_org(name="本納東自治会")
    projector = make_type("プロジェクター")
    make_item(projector)
    sign_in(make_rep(org))
    page.goto("/lending/my/new/")
    _submit(page, "main form.reservation-request button[type=submit]")
    assert_summary_leads_to(page, "id_pickup_date")
    assert_no_axe_violations(page)
    pickup = _next_open_day(7)
    page.fill("#id_pickup_date", pickup.isoformat())
    page.fill("#id_return_date", pickup.isoformat())
    page.fill(f"#id_quantity_{projector.pk}", "1")
    page.fill("#id_event_name", "防災訓練")
    page.locator("label[for=id_declaration]").click()
    _submit(page, "main form.reservation-request button[type=submit]")
    assert_summary_leads_to(page, "id_purpose")
    page.fill("#id_purpose", "説明会で使います")
    _submit(page, "main form.reservation-request button[type=submit]")
    reservation = Reservation.objects.get()
    assert f"{reservation.pk}" in page.locator("h1").inner_text()
    page.reload()
    assert f"{reservation.pk}" in page.locator("h1").inner_text()
    assert Reservation.objects.count() == 1
    assert_no_axe_violations(page)


def test_group_join_on_a_phone(phone, sign_in, make_user):
    page = phone
    sign_in(make_user(Role.ORG_REPRESENTATIVE))
    page.goto("/lending/my/join/")
    _submit(page, "main form button[type=submit]")
    first = page.locator("[data-error-summary] a").first.get_attribute("href")[1:]
    assert_summary_leads_to(page, first)
    assert_no_axe_violations(page)


def test_availability_dates_on_a_phone(phone, make_item):
    page = phone
    make_item()
    page.goto("/lending/availability/?start=&end=")
    assert_summary_leads_to(page, "id_start")
    page.goto("/lending/availability/")
    page.fill("#id_start", "2026-12-20")
    page.fill("#id_end", "2026-12-01")
    _submit(page, "main form.lending-range button[type=submit]")
    assert_summary_leads_to(page, "id_end")
    assert_no_axe_violations(page)
