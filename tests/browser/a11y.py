"""Accessibility checks for browser tests: axe-core, target size, reflow, keyboard.

axe-core (carried by axe-playwright-python) checks the WCAG 2.0/2.1/2.2 A and AA
rules it can decide automatically. It does not check everything older readers and
people with tremors need, so three checks of our own complete it:

- target size: every interactive element is at least 44×44 CSS px (WCAG 2.5.5,
  stricter than 2.2's 24px minimum in 2.5.8). Exempt, as WCAG 2.5.8 exempts them:
  links inline in a sentence of text (their size is set by the line of text) and
  elements that are hidden or take no space (hidden inputs, the skip link until
  it is focused, visually-hidden helpers);
- reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px wide;
- keyboard only (WCAG 2.1.1): reach an element with Tab and use it with Enter.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TARGET = 44
NARROW = 320

_axe = Axe()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page with the WCAG 2.2 A and AA rules."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def format_violations(violations: list[dict], url: str = "") -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:240]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)


# Runs in the page: the interactive elements smaller than the minimum, skipping
# hidden ones and links that sit inside a sentence of text.
_SMALL_TARGETS_JS = r"""
(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button]';
  const textual = new Set(['P', 'LI', 'DD', 'TD', 'TH', 'SPAN', 'SMALL', 'STRONG', 'EM', 'LABEL', 'FIGCAPTION', 'CAPTION']);
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (el.closest('.visually-hidden, [hidden], [aria-hidden="true"]')) continue;
    // Off-screen until focused (the skip link): measured when it is shown.
    if (box.bottom < 0 || box.right < 0) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      // WCAG 2.5.8 "inline" exception: a link inside a sentence, i.e. its parent
      // block also holds text that is not the link's own.
      const block = el.parentElement && el.parentElement.closest('p, li, dd, td, th, figcaption, caption, label, footer p');
      if (block && textual.has(block.tagName)) {
        // A row of links separated by "·" is not a sentence: only words count.
        const clone = block.cloneNode(true);
        clone.querySelectorAll('a, button').forEach(link => link.remove());
        const words = (clone.textContent || '').replace(/[\s·・|｜、,\/()（）:：-]+/g, '');
        if (words.length > 0) continue;
      }
    }
    // A checkbox or radio counts with its label: clicking the label ticks it.
    let w = box.width, h = box.height;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      for (const label of el.labels) {
        const r = label.getBoundingClientRect();
        w = Math.max(w, r.width); h = Math.max(h, r.height);
      }
    }
    if (w + 0.5 < minimum || h + 0.5 < minimum) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}" ${Math.round(w)}×${Math.round(h)}`);
    }
  }
  return small;
}
"""


def small_targets(page, minimum: int = MIN_TARGET) -> list[str]:
    return page.evaluate(_SMALL_TARGETS_JS, minimum)


def assert_targets_large_enough(page, minimum: int = MIN_TARGET) -> None:
    small = small_targets(page, minimum)
    assert not small, f"Targets under {minimum}×{minimum} px on {page.url}:\n" + "\n".join(small)


def horizontal_overflow(page, width: int = NARROW) -> int:
    """Resize to ``width`` CSS px and return how many px the page is wider than that."""
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_timeout(100)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return max(0, scroll_width - width)


def assert_no_horizontal_scroll(page, width: int = NARROW) -> None:
    original = page.viewport_size
    try:
        overflow = horizontal_overflow(page, width)
        if overflow:
            culprits = page.evaluate(
                """(w) => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > w + 1)
                    .filter(el => !el.closest('.table-scroll') || getComputedStyle(el).position === 'absolute')
                    .slice(0, 8)
                    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                               + ' right=' + Math.round(el.getBoundingClientRect().right))""",
                width,
            )
        assert not overflow, (
            f"{page.url} scrolls sideways by {overflow}px at {width}px wide: " + "; ".join(culprits)
        )
    finally:
        if original:
            page.set_viewport_size(original)


def check_page(page) -> None:
    """Every check at once: axe, targets at the current width, reflow at 320 px."""
    assert_no_axe_violations(page)
    assert_targets_large_enough(page)
    assert_no_horizontal_scroll(page)
    # Targets again on a phone-sized screen, where wrapping can shrink them.
    original = page.viewport_size
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.wait_for_timeout(100)  # let the page's resize handlers run
    try:
        assert_targets_large_enough(page)
        assert_no_axe_violations(page)
    finally:
        if original:
            page.set_viewport_size(original)


# --- Keyboard only -----------------------------------------------------------

_FOCUSED_MATCHES_JS = (
    "(sel) => { const el = document.activeElement; return !!el && el.matches(sel); }"
)


def tab_to(page, selector: str, max_presses: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus (fails if it never does)."""
    for _ in range(max_presses):
        if page.evaluate(_FOCUSED_MATCHES_JS, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url} in {max_presses} presses")


def tab_and_press(page, selector: str, key: str = "Enter", *, navigates: bool = False) -> None:
    """Reach ``selector`` with Tab alone, then press ``key`` (Enter by default).

    ``navigates=True`` waits for the page that the key press loads.
    """
    tab_to(page, selector)
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def focused_description(page) -> str:
    return page.evaluate(
        "() => { const el = document.activeElement; return el ? el.outerHTML.slice(0, 120) : ''; }"
    )
