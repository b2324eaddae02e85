"""The 生活課 by keyboard alone: a stocktake by typing codes, inviting a group's representative
(who signs up through the mail's link and sees only the group's reservations); the pages of
maintenance, lending rules and courses pass the accessibility checks."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from core.roles import Role
from lending.models import MaintenancePlan, Membership, Reservation, Stocktake
from tests.browser.a11y import check_page, tab_and_press, tab_to

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"
SHELF = "生活課 倉庫A"


def test_stocktake_by_typing_codes(page, sign_in, make_user, make_type, make_item, screenshot):
    staff = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    projector = make_type("プロジェクター")
    make_item(projector, tag_number="MB-PJ-001", storage_place=SHELF)
    make_item(projector, tag_number="MB-PJ-002", storage_place=SHELF)
    make_item(projector, tag_number="MB-PJ-003", storage_place="本納支所 倉庫")
    sign_in(staff)

    page.goto("/dashboard/")
    tab_and_press(page, "main a[href='/lending/stocktakes/']", navigates=True)
    check_page(page)
    tab_to(page, "select[name=storage_place]")
    if page.locator("select[name=storage_place]").input_value() != SHELF:
        page.keyboard.press("ArrowDown")
    assert page.locator("select[name=storage_place]").input_value() == SHELF
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    stocktake = Stocktake.objects.get()
    assert page.url.endswith(f"/lending/stocktakes/{stocktake.pk}/")

    # The scan field has the focus: a scanner (or a person) types the code and Enter.
    for code in ("MB-PJ-001", "mb-pj-003"):
        with page.expect_navigation():
            page.keyboard.type(code)
            page.keyboard.press("Enter")
    messages = page.locator(".message--warning").inner_text()
    assert "MB-PJ-003" in messages and "本納支所 倉庫" in messages
    not_seen = page.locator("section[aria-labelledby=not-seen]").inner_text()
    assert "MB-PJ-002" in not_seen and "MB-PJ-001" not in not_seen
    check_page(page)
    screenshot(suffix="-1-counting")

    tab_to(page, "input[name=next_stocktake_on]")
    tab_and_press(page, "form[action$='/close/'] button[type=submit]", navigates=True)
    assert page.url.endswith(f"/lending/stocktakes/{stocktake.pk}/report/")
    report = page.locator("main").inner_text()
    assert "MB-PJ-002" in report and "所在不明" in report
    assert "別の保管場所" in report
    check_page(page)
    screenshot(suffix="-2-report")


def test_invite_a_representative_by_keyboard(
    page, new_page, sign_in, make_user, make_org, make_type, make_item, screenshot
):
    staff = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    honno, toyota = make_org("本納地区自治会"), make_org("豊田地区自治会")
    now = timezone.now()
    for org, event in ((honno, "防災訓練"), (toyota, "夏祭り")):
        Reservation.objects.create(
            organisation=org,
            pickup_date=date(2026, 6, 15),
            return_date=date(2026, 6, 16),
            event_name=event,
            purpose="地区の行事",
            declaration=True,
            created_at=now,
        )
    sign_in(staff)
    page.goto(f"/lending/organisations/{honno.pk}/")
    tab_and_press(page, f"main a[href='/lending/organisations/{honno.pk}/invite/']", navigates=True)
    check_page(page)
    tab_to(page, "input[name=full_name]")
    page.keyboard.type("本納 太郎")
    tab_to(page, "input[name=email]")
    page.keyboard.type("taro@example.jp")
    tab_to(page, "input[name=position]")
    page.keyboard.type("会長")
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    assert page.locator(".message--success").is_visible()
    assert "taro@example.jp" in page.locator("main").inner_text()
    check_page(page)
    screenshot(suffix="-1-invited")

    link = re.search(r"https?://[^/\s]+(/lending/invitation/[\w-]+/)", mail.outbox[-1].body).group(
        1
    )
    invitee = new_page()
    invitee.goto(link)
    assert "本納地区自治会" in invitee.locator("main").inner_text()
    check_page(invitee)
    tab_and_press(invitee, "main a[href^='/accounts/signup/']", navigates=True)
    assert invitee.locator("input[name=email]").input_value() == "taro@example.jp"
    tab_to(invitee, "input[name=password1]")
    invitee.keyboard.type(NEW_PASSWORD)
    tab_to(invitee, "input[name=password2]")
    invitee.keyboard.type(NEW_PASSWORD)
    tab_and_press(invitee, "main form button[type=submit]", navigates=True)
    confirm = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    invitee.goto(confirm)
    tab_and_press(invitee, "main form button[type=submit]", navigates=True)
    assert Membership.objects.get(user__email="taro@example.jp").organisation == honno

    invitee.goto("/lending/my/")
    if "/accounts/login/" in invitee.url:
        invitee.fill("input[name=login]", "taro@example.jp")
        invitee.fill("input[name=password]", NEW_PASSWORD)
        with invitee.expect_navigation():
            invitee.locator("main form button[type=submit]").first.click()
        invitee.goto("/lending/my/")
    mine = invitee.locator("main").inner_text()
    assert "防災訓練" in mine and "夏祭り" not in mine
    check_page(invitee)
    screenshot(tab=invitee, suffix="-2-representative")

    page.goto(f"/lending/organisations/{honno.pk}/")
    history = page.locator("main").inner_text()
    assert "本納 太郎" in history
    screenshot(suffix="-3-group-history")


def test_maintenance_rules_and_course_pages_pass_the_checks(
    page, sign_in, make_user, make_type, make_item, make_course, screenshot
):
    lead = make_user(Role.LENDING_STAFF, full_name="生活課 係長")
    lead.groups.add(Group.objects.get(name=Role.LENDING_LEAD))
    lead.groups.add(Group.objects.get(name=Role.DX_STAFF))
    tablets = make_type("タブレット")
    item = make_item(tablets, tag_number="MB-TB-001")
    MaintenancePlan.objects.create(
        equipment_type=tablets,
        name="リセット・充電・更新",
        interval_days=30,
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    make_course(name="LINEの使い方")
    sign_in(lead)
    for url in (
        "/lending/desk/",
        "/lending/maintenance/",
        "/lending/maintenance/plans/",
        "/lending/maintenance/plans/new/",
        f"/lending/items/{item.pk}/maintenance/",
        "/lending/rules/",
        "/lending/rules/neighbourhood/change/",
        "/outreach/courses/",
        "/outreach/courses/new/",
    ):
        page.goto(url)
        check_page(page)
    page.goto("/lending/maintenance/")
    assert "MB-TB-001" in page.locator("main").inner_text()
    screenshot(suffix="-maintenance")
    page.goto("/lending/rules/neighbourhood/change/")
    screenshot(suffix="-rule-change")
