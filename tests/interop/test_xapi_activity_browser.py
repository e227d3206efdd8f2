"""The outside-activity page in a real browser, on a phone-sized screen:
readable, no sideways scroll, a screenshot for a human to look at. Uses the
Playwright setup of tests/e2e (Chromium at /usr/bin/chromium)."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import CHROMIUM, SCREENSHOTS
from tests.e2e.menu import follow_menu
from tests.factories import PASSWORD
from tests.interop.test_xapi_statements import make_item
from tests.world import build_school
from trellis.interop.xapi import activities
from trellis.interop.xapi.credentials import credential_issue
from trellis.interop.xapi.ingest import statements_store

pytest.importorskip("playwright", reason="Playwright is not installed (make test installs it)")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


def _statement(username: str, activity: str, name: str | None, **result) -> dict:
    out = {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": "https://tool.example", "name": username}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": activity},
        "result": result,
    }
    if name:
        out["verb"] = {
            "id": "https://w3id.org/xapi/video/verbs/watched",
            "display": {"en-US": "watched"},
        }
        out["object"]["definition"] = {"name": {"en-US": name}}
    return out


def test_outside_activity_page_on_a_phone(live_server, page):
    w = build_school("b1_")
    item = make_item(w.school)
    credential, _ = credential_issue(school=w.school, name="Maths tutor")
    statements_store(
        credential=credential,
        statements=[
            _statement(
                w.learner.username,
                "https://videos.example/ratios",
                "Ratio tables, part 2 (video)",
                completion=True,
            ),
            _statement(
                w.learner.username, activities.item_activity_id(item.pk), None, response="4"
            ),
            _statement(
                w.learner.username, activities.item_activity_id(item.pk), None, success=True
            ),
        ],
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(w.guardian.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    # from the main navigation to the overview, then to the learner
    follow_menu(page, "Outside activity")
    assert page.get_by_role("heading", level=1).inner_text() == "Outside activity"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "interop-xapi-overview-phone.png"), full_page=True)
    page.get_by_role("link", name=str(w.learner)).click()
    assert page.url.endswith(f"/interop/learners/{w.learner.pk}/activity/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Outside activity of")
    assert page.get_by_text("Counted as evidence").count() == 1
    assert page.get_by_text("Ratio tables, part 2 (video)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SCREENSHOTS / "interop-xapi-activity-phone.png"), full_page=True)
