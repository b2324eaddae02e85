"""The pages that every visitor and every persona meets first pass the accessibility checks."""

import pytest

from core.roles import Role
from tests.browser.a11y import assert_no_axe_violations, check_page, tab_and_press

pytestmark = pytest.mark.browser


def test_home_page_is_accessible_in_japanese(page, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    check_page(page)
    screenshot()


def test_home_page_is_accessible_in_english(page, screenshot):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).is_visible()
    check_page(page)
    screenshot()


def test_sign_in_page_is_accessible(page, screenshot):
    page.goto("/accounts/login/")
    check_page(page)
    screenshot()


def test_sign_in_errors_are_announced_accessibly(page, make_user, screenshot):
    user = make_user(email="mistyped@example.jp")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    check_page(page)
    screenshot()


def test_sign_in_works_with_the_keyboard_alone(page, make_user):
    user = make_user(email="keyboard@example.jp")
    page.goto("/accounts/login/")
    tab_and_press(page, "input[name=login]", "Home")
    page.keyboard.type(user.email)
    tab_and_press(page, "input[name=password]", "Home")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).is_visible()


def test_skip_link_is_reachable_and_large_when_focused(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box["height"] >= 44
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


@pytest.mark.parametrize(
    "role",
    [Role.LENDING_STAFF, Role.DX_STAFF, Role.VOLUNTEER, Role.ORG_REPRESENTATIVE, None],
    ids=["lending_staff", "dx_staff", "volunteer", "org_representative", "no_role"],
)
def test_dashboard_is_accessible_for_each_persona(page, make_user, sign_in, screenshot, role):
    user = make_user(role, full_name="茂原 花子")
    sign_in(user)
    page.goto("/dashboard/")
    assert page.get_by_role("heading", level=1).is_visible()
    check_page(page)
    screenshot()


def test_forbidden_page_is_accessible_and_explains_itself(page, make_user, sign_in, screenshot):
    # A volunteer may not open the lending desk: 403, with a way back.
    sign_in(make_user(Role.VOLUNTEER))
    response = page.goto("/lending/desk/")
    assert response.status == 403
    check_page(page)
    screenshot()


def test_not_found_page_is_accessible(page, screenshot):
    response = page.goto("/no-such-page/")
    assert response.status in {302, 404}
    assert_no_axe_violations(page)
    screenshot()
