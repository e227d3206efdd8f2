"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium)
against Django's live server. Skipped with a clear message when Chromium or
Playwright is absent; ``.ci/run`` installs Chromium and requires them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TRELLIS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop; Django's async-safety check would
# otherwise refuse the ORM calls the tests make to set up data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium (as .ci/run does)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed: make test installs it with the dev extras"
    if reason and os.environ.get("TRELLIS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"browser tests are required here, but {reason}")
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Service workers blocked but where ``tests.e2e.marks.SERVICE_WORKERS``
    allows them (see there why)."""
    return {**browser_context_args, "service_workers": "block"}


@pytest.fixture
def sign_in(live_server, page):
    """``sign_in(username, password)`` signs in through the real form."""

    def _sign_in(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return _sign_in


@pytest.fixture
def screenshot(page):
    """``screenshot(name)`` saves var/screenshots/NAME.png for a human to look at."""

    def _shot(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture(autouse=True)
def _patient_under_load(request):
    """CI machines are shared: waits get 20 s (actions) and 15 s
    (assertions) instead of Playwright's 30 s and 5 s, so a loaded machine
    slows a test down instead of failing it on a 5 s assertion."""
    if "page" in request.fixturenames:
        from playwright.sync_api import expect

        request.getfixturevalue("page").set_default_timeout(20_000)
        expect.set_options(timeout=15_000)
    yield
