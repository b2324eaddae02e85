"""Volunteers' one page and 総務課's volunteer pages in a real browser: reachable from the
menu, accessible, and the staff forms show their errors beside the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from outreach.models import VolunteerSignup
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser


def test_volunteer_finds_everything_on_one_page(
    page, sign_in, make_user, make_profile, make_session, screenshot
):
    user = make_user(full_name="鶴岡 一郎")
    profile = make_profile(user=user, status="active", trained=True, full_name="鶴岡 一郎")
    session = make_session(title="はじめてのLINE", starts_at=timezone.now() + timedelta(days=8))
    VolunteerSignup.objects.create(
        session=session,
        volunteer=profile,
        role=VolunteerSignup.Role.ASSISTANT,
        status=VolunteerSignup.Status.CONFIRMED,
    )
    sign_in(user)
    page.goto("/dashboard/")
    page.get_by_role("link", name="支援員マイページ", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/volunteering/mypage/")
    main = page.locator("main")
    assert main.get_by_text("はじめてのLINE").is_visible()
    assert main.locator("#feed-url").input_value().endswith(".ics")
    assert main.get_by_role("link", name="登録内容を変更する").is_visible()
    check_page(page)
    # The old address of the registration page leads here too.
    page.goto("/volunteers/me/")
    assert page.url.endswith("/volunteering/mypage/")
    screenshot()


def test_staff_record_a_training_and_see_the_error_beside_the_field(
    page, sign_in, make_user, make_profile, screenshot
):
    staff = make_user(Role.DX_STAFF, full_name="総務課 DX推進係")
    profile = make_profile(status="approved", full_name="研修 花子")
    sign_in(staff)
    page.goto(f"/volunteers/{profile.pk}/")
    check_page(page)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    form = page.locator(f"form[action='/volunteers/{profile.pk}/training/']")
    form.locator("input[name=course]").fill("デジタル活用支援員研修")
    form.locator("input[name=completed_on]").fill(future)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    assert profile.training_records.count() == 0
    screenshot()
