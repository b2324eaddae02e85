"""The equipment register by keyboard alone: 生活課 adds a unit (its 備品番号 suggested) and
prints its label; the type, kit and label pages pass the accessibility checks."""

import pytest

from core.roles import Role
from lending.models import Item, Kit
from lending.services import kit_save
from tests.browser.a11y import check_page, tab_and_press, tab_to

pytestmark = pytest.mark.browser


def test_add_an_item_and_print_its_label_by_keyboard(
    page, sign_in, make_user, make_type, make_item, screenshot
):
    staff = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    projector = make_type(
        "プロジェクター", tag_prefix="MB-PJ", default_components=["本体", "電源ケーブル"]
    )
    make_item(projector, tag_number="MB-PJ-001")
    sign_in(staff)

    page.goto("/dashboard/")
    tab_and_press(page, "main a[href='/lending/types/']", navigates=True)
    check_page(page)
    tab_and_press(page, f"main a[href='/lending/items/new/?type={projector.pk}']", navigates=True)
    # The next 備品番号 of the type is already filled in.
    assert page.locator("input[name=tag_number]").input_value() == "MB-PJ-002"
    tab_to(page, "input[name=storage_place]")
    page.keyboard.type("生活課 倉庫A")
    tab_to(page, "input[name=acquisition_cost_yen]")
    page.keyboard.type("89800")
    tab_to(page, "input[name=replacement_fiscal_year]")
    page.keyboard.type("2032")
    check_page(page)
    screenshot(suffix="-1-form")
    tab_and_press(page, "main form button[type=submit]", navigates=True)
    item = Item.objects.get(tag_number="MB-PJ-002")
    assert page.url.endswith(f"/lending/items/{item.pk}/")
    assert item.storage_place == "生活課 倉庫A" and item.acquisition_cost_yen == 89800
    assert item.components == ["本体", "電源ケーブル"]
    assert page.locator(".message--success").is_visible()
    check_page(page)

    tab_and_press(page, f"main a[href='/lending/labels/{item.pk}/']", navigates=True)
    label = page.locator(".label-single")
    assert "MB-PJ-002" in label.inner_text()
    assert label.locator("svg").count() == 1
    screenshot(suffix="-2-label")


def test_kit_pages_pass_the_checks(page, sign_in, make_user, make_type, make_item, screenshot):
    staff = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    units = [make_item(make_type(name)) for name in ("プロジェクター", "スクリーン")]
    make_item(make_type("HDMIケーブル"))
    kit = kit_save(kit=Kit(name="上映セット", tag_number="MB-KIT-001"), items=units, by=staff)
    sign_in(staff)
    for url in (
        "/lending/kits/",
        "/lending/kits/new/",
        f"/lending/kits/{kit.pk}/",
        f"/lending/kits/{kit.pk}/label/",
        "/lending/kits/labels/",
        "/lending/types/new/",
        f"/lending/types/{units[0].equipment_type_id}/",
        "/lending/items/new/",
    ):
        page.goto(url)
        check_page(page)
    page.goto(f"/lending/kits/{kit.pk}/")
    screenshot(suffix="-kit")
