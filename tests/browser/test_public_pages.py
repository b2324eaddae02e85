"""Every public page passes the accessibility checks in Japanese (axe WCAG 2.2 A/AA,
44px targets, no sideways scrolling at 320px), with real content on it."""

import pytest

from tests.browser.a11y import check_page

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/classes/",
    "/classes/cancel/",
    "/classes/flyer/",
    "/kpi/",
    "/wifi/spots/",
]


@pytest.fixture
def public_content(make_session, make_machine, make_item):
    """Something on every public page: an upcoming class, a Wi-Fi spot, a lendable item."""
    session = make_session(title="はじめてのスマホ教室", capacity=12)
    make_machine()
    item = make_item(tag_number="MB-PJ-001")
    return {"session": session, "item": item}


def _check(page, path: str, failures: list[str]) -> None:
    response = page.goto(path)
    if response is None or response.status >= 400:
        failures.append(f"{path}: HTTP {response.status if response else 'no response'}")
        return
    try:
        check_page(page)
    except AssertionError as exc:
        failures.append(f"{path}:\n{exc}")


def test_every_public_page_is_accessible(page, public_content, screenshot):
    failures: list[str] = []
    pages = [
        *PUBLIC_PAGES,
        f"/classes/{public_content['session'].pk}/",
        # What a label's QR code opens for anyone who is not signed in.
        f"/t/{public_content['item'].qr_token}",
    ]
    for path in pages:
        _check(page, path, failures)
    # The public KPI report's pages, as a resident reaches them: by its links.
    page.goto("/kpi/")
    year_links = page.locator("main a[href^='/kpi/']").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href')))]"
    )
    for href in [h for h in year_links if not h.endswith((".csv", ".json"))][:4]:
        _check(page, href, failures)
    assert not failures, "\n\n".join(failures)
    page.goto(f"/classes/{public_content['session'].pk}/")
    screenshot()


def test_not_found_page_is_accessible(page):
    response = page.goto("/classes/999999/")
    assert response.status == 404
    check_page(page)
