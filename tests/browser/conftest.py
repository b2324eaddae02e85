"""Playwright fixtures: the system Chromium, a live server, sign-in through the real form.

The browser is the system's Chromium (Debian package ``chromium``, installed by
``.ci/run``): Playwright's own browser download does not work on our machines.
Without it the browser tests are skipped with a visible reason on a developer's
machine, and fail in CI (``CI=true``) so a missing browser can never look green.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.conftest import PASSWORD

SYSTEM_CHROMIUM = "/usr/bin/chromium"
# Headless, no sandbox (containers run as root), and nothing that talks to the
# network on its own: the only traffic is to our live server on loopback.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


def find_chromium() -> str | None:
    """The system Chromium, or None when this machine has none."""
    if Path(SYSTEM_CHROMIUM).exists():
        return SYSTEM_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "The system Chromium is not installed (apt-get install -y chromium); "
            "browser tests need it."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " CI requires the browser tests.", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One Chromium per test module; every test gets its own fresh context.

    ``launch`` gives Chromium a fresh temporary user-data-dir of its own each time
    (Playwright deletes it on close), so no profile, cookie or cache is shared
    with a person's browser or a previous run.

    While Playwright's sync API runs, an asyncio loop is running on the main
    thread and Django refuses ORM calls from the test code ("You cannot call this
    from an async context"). Our calls are synchronous, so we allow them with
    DJANGO_ALLOW_ASYNC_UNSAFE, but only while the browser is open: the variable
    must not leak into the rest of the suite (check --deploy rejects it).
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh browser tab on the live server, in Japanese (the site's default).

    Any Content-Security-Policy refusal or page error seen during the test fails
    it: our pages promise no inline script or style.
    """
    # allauth's sign-in rate limits live in the cache, which a flush does not empty.
    cache.clear()
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield tab
    context.close()
    assert not problems, "Browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def new_page(browser, live_server, page) -> Iterator[Callable]:
    """new_page() → another tab in its own browser context (another person at another desk)."""
    contexts = []

    def _new():
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(page) -> Callable:
    """sign_in(user) signs in through the real /accounts/login/ form (fields login, password)."""

    def _sign_in(user, password: str = PASSWORD, tab=None):
        tab = tab or page
        tab.goto("/accounts/login/")
        tab.fill("input[name=login]", user.email)
        tab.fill("input[name=password]", password)
        tab.locator("main form button[type=submit]").first.click()
        tab.wait_for_load_state()
        assert "/accounts/login/" not in tab.url, f"sign-in failed for {user.email}: {tab.url}"
        return tab

    return _sign_in


@pytest.fixture
def screenshot(page, request) -> Callable:
    """screenshot() saves the current screen as test-artifacts/screenshots/<test-name>.png."""

    def _take(tab=None, suffix: str = "") -> Path:
        tab = tab or page
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name + suffix).strip("-")
        path = SCREENSHOT_DIR / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return _take


# The apps' own factories, shared with the journeys (importing a fixture registers it here).
from tests.lending.conftest import make_item, make_org, make_rep, make_type  # noqa: E402, F401
from tests.outreach.conftest import make_application, make_course, make_session  # noqa: E402, F401
from tests.volunteers.conftest import make_profile  # noqa: E402, F401
from tests.wifi.conftest import make_machine  # noqa: E402, F401
