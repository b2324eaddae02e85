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
