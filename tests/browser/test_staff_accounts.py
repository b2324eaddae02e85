"""The 管理者 invites a colleague by keyboard alone; the colleague signs up through the mail's link;
the audit log, the account page and the facility pages pass the accessibility checks."""

import re

import pytest
from django.core import mail

from core.models import Invitation, User
from core.roles import Role
from tests.browser.a11y import check_page, tab_and_press, tab_to

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def test_administrator_invites_staff_with_the_keyboard_alone(
    page, new_page, sign_in, make_user, screenshot
):
    administrator = make_user(Role.ADMINISTRATOR, full_name="管理者 一子")
    sign_in(administrator)

    # From the menu to the invitation form, keyboard only.
    page.goto("/dashboard/")
    tab_and_press(page, "main a[href='/staff/accounts/']", navigates=True)
    check_page(page)
    tab_and_press(page, "main a[href='/staff/invitations/new/']", navigates=True)
    check_page(page)

    # First without anything: the errors are announced and tied to their fields.
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    assert page.locator(".error-summary").is_visible()
    check_page(page)

    tab_to(page, "input[name=full_name]")
    page.keyboard.type("新任 花子")
    tab_to(page, "input[name=email]")
    page.keyboard.type("hanako@example.jp")
    tab_to(page, "input[name=roles][value=lending_staff]")
    page.keyboard.press("Space")
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    assert page.url.endswith("/staff/invitations/")
    assert page.locator(".message--success").is_visible()
    assert "登録待ち" in page.locator("main").inner_text()
    check_page(page)
    screenshot(suffix="-1-invited")

    # The colleague opens the mail's link in another browser and signs up.
    link = re.search(r"https?://[^/\s]+(/invitation/[\w-]+/)", mail.outbox[-1].body).group(1)
    invitee = new_page()
    invitee.goto(link)
    check_page(invitee)
    tab_and_press(invitee, "main a[href^='/accounts/signup/']", navigates=True)
    assert invitee.locator("input[name=email]").input_value() == "hanako@example.jp"
    tab_to(invitee, "input[name=password1]")
    invitee.keyboard.type(NEW_PASSWORD)
    tab_to(invitee, "input[name=password2]")
    invitee.keyboard.type(NEW_PASSWORD)
    tab_and_press(invitee, "main form button[type=submit]", navigates=True)
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    invitee.goto(confirm)
    tab_and_press(invitee, "main form button[type=submit]", navigates=True)

    user = User.objects.get(email="hanako@example.jp")
    assert set(user.groups.values_list("name", flat=True)) == {Role.LENDING_STAFF}
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    screenshot(tab=invitee, suffix="-2-verified")

    # Back at the 管理者's desk: the account and the audit log, with names, not addresses.
    page.goto(f"/staff/accounts/{user.pk}/")
    assert "新任 花子" in page.get_by_role("heading", level=1).inner_text()
    check_page(page)
    page.goto("/staff/audit/")
    body = page.locator("main").inner_text()
    assert "職員招待の受諾" in body and "新任 花子" in body
    assert "hanako@example.jp" not in body
    check_page(page)
    screenshot()


def test_facility_pages_are_accessible(page, sign_in, make_user, make_facility, screenshot):
    facility = make_facility(name="茂原市中央公民館")
    sign_in(make_user(Role.DX_STAFF, full_name="総務課 職員"))
    page.goto("/staff/facilities/")
    check_page(page)
    page.goto(f"/staff/facilities/{facility.pk}/")
    check_page(page)
    tab_to(page, "input[name=phone]")
    page.keyboard.type("0475-22-3361")
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    assert page.locator(".message--success").is_visible()
    assert "施設情報の変更" in page.locator(".history").inner_text()
    check_page(page)
    screenshot()
