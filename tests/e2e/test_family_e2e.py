"""A guardian of two children, in Chromium: switches between them, sees only
their own, watches a new answer arrive without reloading, reads the page in
Spanish, and the page fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.differentiation.conftest import answer, make_curriculum
from tests.e2e.menu import follow_menu
from tests.factories import PASSWORD
from tests.family.conftest import world_records
from tests.world import build_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family_world(db):
    world = build_school("e1_")
    other = build_school("e2_")
    curriculum = make_curriculum(world.school, "e1")
    world_records(world, curriculum, "e1_")
    world_records(other, make_curriculum(other.school, "e2"), "e2_")
    return world, other, curriculum


def test_guardian_of_two_sees_only_their_own(page, live_server, sign_in, screenshot, family_world):
    world, other, _ = family_world
    sign_in(world.guardian.username, PASSWORD)
    follow_menu(page, "My children")
    switcher = page.get_by_role("navigation", name="Your children")
    expect(switcher.get_by_role("link")).to_have_count(2)
    first = page.get_by_role("heading", level=1).inner_text()
    screenshot("family-child")
    other_child = switcher.locator("a:not([aria-current])")
    other_child.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first)
    body = page.content()
    assert "Goal of e1_other" not in body and "e2_" not in body
    for stranger in (world.other_learner, other.learner):
        response = page.goto(f"{live_server.url}/family/children/{stranger.pk}/")
        assert response.status == 404


def test_live_update_arrives_without_reload(page, live_server, sign_in, screenshot, family_world):
    world, _, curriculum = family_world
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if "/live/" in r.url else None,
    )
    sign_in(world.guardian.username, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/family/children/{world.learner.pk}/")
    live = page.locator("#family-live")
    expect(live).to_contain_text("1 new answer")
    page.evaluate("window.__marker = 'same page'")
    # While nothing changes the polls are answered 304 and the page is kept.
    page.wait_for_timeout(6_000)
    assert statuses and set(statuses) == {304}
    expect(live).to_contain_text("1 new answer")
    answer(world.learner, curriculum.prereq_item, True)
    answer(world.learner, curriculum.objective_item, False)
    expect(live).to_contain_text("2 new answers", timeout=12_000)
    # Every section came with it: this week's changes include the new one.
    expect(live.locator(".family-changes")).to_contain_text(curriculum.objective.code)
    assert 200 in statuses
    assert page.evaluate("window.__marker") == "same page"  # no reload happened
    screenshot("family-live-after-answer-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("family-live-after-answer-390")


def test_spanish_and_phone_width(page, live_server, sign_in, screenshot, family_world):
    world, _, _ = family_world
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.guardian.username, PASSWORD)
    page.goto(f"{live_server.url}/family/children/{world.learner.pk}/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Progreso por competencia")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"
    screenshot("family-child-es-phone")


def test_weekly_digest_reads_real_changes(page, screenshot, family_world):
    """The digest's HTML, as a mail client shows it, at 1280 and 390 px."""
    from trellis.family import digest

    world, _, curriculum = family_world
    for _ in range(3):
        answer(world.learner, curriculum.prereq_item, True)
    _subject, _text, html = digest.digest_render(world.guardian)
    assert f"Moved up: {curriculum.prereq.code} (Not started → " in html
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.set_content(html)
        expect(page.get_by_text("One thing to ask your child about").first).to_be_visible()
        screenshot(f"family-digest-{width}")
