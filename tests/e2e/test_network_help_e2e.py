"""A learner invites a classmate, who accepts; the learner asks for help, the
classmate answers in the thread, the learner thanks them and resolves it,
and the classmate leaves feedback on shared work. The network page and the
help thread are checked (and saved) at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.personalization.conftest import make_framework
from tests.world import build_school
from trellis.personalization.models import HelpRequest, PortfolioFeedback
from trellis.personalization.services import portfolio as pf_svc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _as(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(user.username, PASSWORD)


def _shots(page, screenshot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        screenshot(f"{name}-{width}")


def test_invite_accept_ask_answer_thank_resolve_and_feedback(
    page, live_server, sign_in, screenshot
):
    world = build_school("e2n_")
    make_framework(world.school)
    entry = pf_svc.entry_add(
        learner=world.learner,
        kind="note",
        title="My bridge model",
        note="Spans 40 cm.",
        share_network=True,
    )
    _as(page, sign_in, world.learner)
    page.goto(f"{live_server.url}/network/")
    page.get_by_label("Their username").fill(world.sibling.username)
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_text("They join your network once they accept.")).to_be_visible()
    expect(page.get_by_text("invited, not accepted yet")).to_be_visible()
    page.get_by_label("Their username").fill("no-such-person")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_text("No one at your school called 'no-such-person'")).to_be_visible()

    _as(page, sign_in, world.sibling)
    page.goto(f"{live_server.url}/network/")
    expect(page.get_by_role("heading", name="Invitations to you")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text(f"You joined {world.learner}’s learning network.")).to_be_visible()

    _as(page, sign_in, world.learner)
    page.goto(f"{live_server.url}/network/")
    page.get_by_label("What I need help with").fill("How do I scale a ratio table?")
    page.get_by_role("button", name="Send to my network").click()
    expect(page.get_by_text("Your help request was sent.")).to_be_visible()
    _shots(page, screenshot, "network-learner")
    help_request = HelpRequest.objects.get()
    assert list(help_request.recipients.all()) == [world.sibling]

    _as(page, sign_in, world.sibling)
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("link", name="How do I scale a ratio table?").click()
    page.get_by_label("Your reply").fill("Multiply both rows by the same number.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    page.goto(f"{live_server.url}/learners/{world.learner.pk}/portfolio/")
    page.get_by_label("Your feedback on “My bridge model”").fill("Label the supports.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Your feedback on “My bridge model” was sent.")).to_be_visible()
    assert PortfolioFeedback.objects.get().entry == entry

    _as(page, sign_in, world.learner)
    page.goto(f"{live_server.url}/help/{help_request.pk}/")
    page.get_by_label("Add to my request").fill("Thanks, and for 3 rows?")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("button", name=f"Thank {world.sibling}").click()
    expect(page.get_by_text(f"{world.sibling} was thanked.")).to_be_visible()
    _shots(page, screenshot, "help-thread-open")
    page.get_by_role("button", name="I got the help I needed: mark resolved").click()
    expect(page.get_by_text("Marked resolved.")).to_be_visible()
    expect(page.get_by_label("Add to my request")).to_have_count(0)
    _shots(page, screenshot, "help-thread-resolved")
    help_request.refresh_from_db()
    assert help_request.resolved_at is not None

    _as(page, sign_in, world.teacher)
    page.goto(f"{live_server.url}/learners/{world.learner.pk}/help/")
    expect(page.get_by_text("Label the supports.")).to_be_visible()
    expect(page.get_by_text("2 replies · resolved")).to_be_visible()
    _shots(page, screenshot, "learner-help-teacher")
