"""The return kiosk in a real browser, with the keyboard alone (issue 4).

A scanner is a keyboard: it types the code into the field ``code`` and presses
Enter. The test does exactly that, then checks the confirmation, the parts
check, the reset to the scan screen, and the accessibility of every screen.
"""

import pytest

from core.roles import Role
from lending.models import EquipmentType, Item, Loan, Organisation
from tests.browser.a11y import check_page, tab_and_press
from tests.lending.loans import put_on_loan

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk_settings(settings):
    # The outcome screens go back to scanning by themselves; a short wait keeps the test quick.
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 1


@pytest.fixture
def projector_on_loan(db):
    organisation = Organisation.objects.create(
        name="鶴枝第一自治会",
        kind=Organisation.Kind.NEIGHBOURHOOD,
        district="鶴枝地区",
        representative_name="鶴岡 和子",
        is_verified=True,
    )
    projector = EquipmentType.objects.create(
        name="プロジェクター", category=EquipmentType.Category.PROJECTOR, is_digital_ready=True
    )
    item = Item.objects.create(
        equipment_type=projector, tag_number="MB-PJ-001", components=["本体", "電源ケーブル"]
    )
    put_on_loan(item, organisation)
    return item


@pytest.fixture
def kiosk_page(page, make_user, sign_in, kiosk_settings):
    kiosk = make_user(Role.KIOSK, full_name="返却キオスク 1")
    sign_in(kiosk)
    page.goto("/kiosk/")
    return page


def scan(page, code: str) -> None:
    """What a handheld scanner does: type into the focused field, then Enter."""
    field = page.locator("input[name=code]")
    assert field.evaluate("el => el === document.activeElement"), "the scan field must have focus"
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_kiosk_scan_screen_is_accessible_and_focused(kiosk_page, screenshot):
    page = kiosk_page
    assert page.get_by_role("heading", level=1).inner_text() == "備品の返却はこちら"
    assert page.locator("input[name=code]").evaluate("el => el === document.activeElement")
    check_page(page)
    screenshot()


def test_kiosk_return_by_typing_the_code_and_pressing_enter(
    kiosk_page, projector_on_loan, settings, screenshot
):
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 2
    page = kiosk_page
    page.goto("/kiosk/")
    scan(page, projector_on_loan.tag_number)

    outcome = page.locator("[data-outcome]")
    outcome.wait_for()
    assert "返却を受け付けました" in page.get_by_role("heading", level=1).inner_text()
    assert "プロジェクター" in outcome.inner_text()
    # No personal data on a kiosk screen: not the group, not its representative.
    body = page.locator("body").inner_text()
    assert "鶴枝第一自治会" not in body and "鶴岡" not in body
    assert Loan.objects.get(item=projector_on_loan).returned_at is not None
    screenshot(suffix="-returned")

    # The parts check, keyboard only: Tab to "Everything is here", Enter.
    tab_and_press(page, "button[name=all_present]")
    page.locator("[data-outcome=components_complete]").wait_for()

    # Then the screen resets to scanning by itself, with the field focused again.
    page.get_by_role("heading", level=1, name="備品の返却はこちら").wait_for(timeout=15_000)
    assert page.locator("[data-outcome]").count() == 0
    assert page.locator("input[name=code]").evaluate("el => el === document.activeElement")
    screenshot()


def test_kiosk_outcome_screens_pass_the_accessibility_checks(
    kiosk_page, projector_on_loan, settings, screenshot
):
    # Long enough that no screen resets while it is being checked.
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 120
    page = kiosk_page
    page.goto("/kiosk/")
    scan(page, projector_on_loan.tag_number)
    page.locator("[data-outcome=returned]").wait_for()
    check_page(page)
    screenshot(suffix="-returned")
    tab_and_press(page, "button[name=all_present]")
    page.locator("[data-outcome=components_complete]").wait_for()
    check_page(page)
    screenshot()


def test_kiosk_double_scan_says_already_returned_and_changes_nothing(
    kiosk_page, projector_on_loan, settings, screenshot
):
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 120
    page = kiosk_page
    page.goto("/kiosk/")
    scan(page, projector_on_loan.tag_number)
    page.locator("[data-outcome=returned]").wait_for()
    returned_at = Loan.objects.get(item=projector_on_loan).returned_at

    page.goto("/kiosk/")
    scan(page, projector_on_loan.tag_number)
    page.locator("[data-outcome=already_returned]").wait_for()
    assert "すでに返却済みです" in page.locator("body").inner_text()
    assert Loan.objects.get(item=projector_on_loan).returned_at == returned_at
    check_page(page)
    screenshot()


def test_kiosk_unknown_code_explains_what_to_do(kiosk_page, settings, screenshot):
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 120
    page = kiosk_page
    page.goto("/kiosk/")
    scan(page, "MB-XX-999")
    page.locator("[data-outcome=unknown]").wait_for()
    check_page(page)
    screenshot()


def test_kiosk_says_plainly_when_the_network_is_down(kiosk_page, projector_on_loan, screenshot):
    page = kiosk_page
    page.context.set_offline(True)
    scan(page, projector_on_loan.tag_number)
    problem = page.locator("[data-kiosk-problem=offline]")
    problem.wait_for()
    assert "記録されていません" in problem.inner_text(), problem.inner_text()
    page.context.set_offline(False)
    # The loan is still open: nothing pretended to work.
    assert Loan.objects.get(item=projector_on_loan).returned_at is None
    screenshot()


# --- issue 14: the outcome stays in view; every reset speaks Japanese ---------

KIOSK_SCREEN = {"width": 1024, "height": 768}
ISSUE14_SHOT = "issue14-kiosk-after-return"


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_kiosk_outcome_stays_in_view_after_a_return_at_1024x768(
    kiosk_page, projector_on_loan, settings
):
    from tests.browser.conftest import SCREENSHOT_DIR

    settings.TSUNAGU_KIOSK_RESET_SECONDS = 120
    # A real projector kit: five parts make the checklist taller than the screen's rest.
    Item.objects.filter(pk=projector_on_loan.pk).update(
        components=["本体", "電源ケーブル", "リモコン", "HDMIケーブル", "収納ケース"]
    )
    page = kiosk_page
    page.set_viewport_size(KIOSK_SCREEN)
    page.goto("/kiosk/")
    scan(page, projector_on_loan.tag_number)
    page.locator("[data-outcome=returned]").wait_for()
    # kiosk.js puts the focus back on the scan field every second: let it run.
    page.wait_for_timeout(1500)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{ISSUE14_SHOT}-after.png"))
    heading = page.get_by_role("heading", level=1, name="返却を受け付けました")
    assert _inside_viewport(page, heading), heading.bounding_box()
    # The outcome is the first thing on the screen: nothing of the kiosk above it.
    first = page.locator(".kiosk > :not([hidden]):not([data-kiosk-live])").first
    assert first.get_attribute("data-outcome") == "returned"
    # ...and the scan field is ready for the next item without having scrolled it away.
    field = page.locator("input[name=code]")
    assert field.evaluate("el => el === document.activeElement")
    assert page.evaluate("window.scrollY") == 0
    check_page(page)


def _choose_english(page) -> None:
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", level=1, name="Return equipment here").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"


def _assert_japanese_scan_screen(page) -> None:
    page.get_by_role("heading", level=1, name="備品の返却はこちら").wait_for(timeout=20_000)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("button", name="English").is_visible()


def test_kiosk_automatic_reset_after_english_goes_back_to_japanese(
    kiosk_page, projector_on_loan, settings, screenshot
):
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 1
    page = kiosk_page
    page.set_viewport_size(KIOSK_SCREEN)
    _choose_english(page)
    scan(page, projector_on_loan.tag_number)
    page.locator("[data-outcome=returned]").wait_for()
    assert "Return received" in page.get_by_role("heading", level=1).inner_text()
    # Nobody touches the screen: it resets by itself, for the next person, in Japanese.
    _assert_japanese_scan_screen(page)
    # ...and stays Japanese on the next load (the choice was forgotten, not just hidden).
    page.reload()
    _assert_japanese_scan_screen(page)
    check_page(page)
    screenshot()


def test_kiosk_manual_reset_after_english_goes_back_to_japanese(
    kiosk_page, projector_on_loan, settings
):
    settings.TSUNAGU_KIOSK_RESET_SECONDS = 120
    page = kiosk_page
    page.set_viewport_size(KIOSK_SCREEN)
    _choose_english(page)
    # A phone's camera opened the label's link on the kiosk: "Return this item?"
    page.goto(f"/t/{projector_on_loan.qr_token}")
    page.locator("[data-outcome=confirm]").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Back to the scan screen").click()
    _assert_japanese_scan_screen(page)
    check_page(page)
