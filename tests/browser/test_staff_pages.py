"""Staff pages in a real browser (issue 14): the QR label sheet prints from a button and
its text breaks between words only, never 「ルータ / ー」."""

import pytest

from core.roles import Role
from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser

# Where each line of an element's text starts: the index of its first character.
LINE_STARTS = """
(element) => {
  const text = element.firstChild;
  const starts = [];
  let top = null;
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0) continue;
    if (top === null || rect.top > top + 1) { starts.push(i); top = rect.top; }
  }
  return starts;
}
"""
KATAKANA = {chr(c) for c in range(0x30A0, 0x3100)}


def test_label_sheet_prints_from_a_button_and_breaks_between_words(
    page, sign_in, make_user, make_type, make_item, screenshot
):
    staff = make_user(Role.LENDING_STAFF, full_name="生活課 窓口 花子")
    routers = make_type("無線LANルーター")
    name = "無線LANルーター ポケット型Wi-Fiルーター モバイルバッテリー付き"
    make_item(routers, tag_number="MB-WR-001", name=name)
    sign_in(staff)

    page.goto(f"/lending/labels/?type={routers.pk}")
    check_page(page)
    assert page.get_by_role("button", name="ラベルを印刷する").is_visible()
    label = page.locator(".label__name").first
    assert label.inner_text() == name
    starts = label.evaluate(LINE_STARTS)
    assert len(starts) > 1  # the name does wrap on the label…
    for start in starts[1:]:
        before, after = name[start - 1], name[start]
        assert after != "ー", f"a line starts with ー at {start}"
        # …but only where a word ends (a space), never inside a katakana word.
        assert not (before in KATAKANA and after in KATAKANA), f"{before} / {after}"
    screenshot()


# The width of the first row's title, course and venue cells (columns 2-4).
TEXT_CELL_WIDTHS = """
(table) => [...table.querySelectorAll('tbody tr:first-child td')]
  .slice(1, 4).map((cell) => cell.getBoundingClientRect().width)
"""


def test_a_wide_staff_list_scrolls_sideways_on_a_phone_instead_of_squeezing_its_cells(
    page, sign_in, make_user, make_session, screenshot
):
    staff = make_user(Role.DX_STAFF, full_name="総務課 職員")
    make_session(title="はじめてのスマホ教室（第2火曜）")
    sign_in(staff)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/outreach/classes/")
    table = page.locator(".table-scroll table").first
    region = page.locator(".table-scroll").first
    # The table keeps its reading width and its region scrolls; the page itself does not.
    assert table.evaluate("(t) => t.getBoundingClientRect().width") >= 48 * 16
    assert region.evaluate("(r) => r.scrollWidth > r.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The text cells hold five characters (16 px each) a line or more: at 390 px without
    # the rule they were one or two wide, a column of single kana.
    assert min(table.evaluate(TEXT_CELL_WIDTHS)) >= 5 * 16
    region.focus()  # the region is reachable by keyboard, so it scrolls with the arrow keys
    page.keyboard.press("ArrowRight")
    assert region.evaluate("(r) => r.scrollLeft") > 0
    screenshot()
