"""Keyboard only (issue 20): a learner completes an assessment and a teacher
makes a grouping with Tab, Space, Enter, the arrow keys and typing — never
the mouse. ``tab_to`` presses Tab until the wanted control has the focus,
so a control the keyboard cannot reach fails the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.differentiation.conftest import answer, enrol_more, make_curriculum
from tests.evidence.conftest import build
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.differentiation.models import Grouping
from trellis.evidence.models import Attempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAX_TABS = 80


def tab_to(page, locator) -> None:
    """Tab forward until ``locator`` has the focus (failing if it never does)."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            return
    raise AssertionError(f"the keyboard never reached {locator}")


def choose_radio(page, label: str) -> None:
    """Tab into the radio group, Space to choose, arrow keys to the option."""
    radio = page.get_by_label(label, exact=True)
    name = radio.get_attribute("name")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("n => document.activeElement.name === n", name):
            break
    else:
        raise AssertionError(f"the keyboard never reached the {name} choices")
    page.keyboard.press("Space")
    for _ in range(10):
        if radio.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {label}")


def test_a_learner_completes_an_assessment_with_the_keyboard(page, live_server, sign_in):
    world = build_school("kb1_")
    build(world)
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/")
    tab_to(page, page.get_by_role("link", name="Check"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 4")).to_be_visible()
    tab_to(page, page.locator(".take .choices input").first)
    # Arrow keys move through a radio group; reach the option "4".
    for _ in range(6):
        if page.get_by_label("4", exact=True).is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("4", exact=True)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Submit answer"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Correct.")).to_be_visible()
    tab_to(page, page.get_by_label("Your answer (a number)"))
    page.keyboard.type("2.5")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 3 of 4")).to_be_visible()
    tab_to(page, page.get_by_label("Your answer", exact=True))
    page.keyboard.type("Numerator")
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Your work"))
    page.keyboard.type("Three of four equal parts.")
    tab_to(page, page.get_by_role("button", name="Submit answer"))
    page.keyboard.press("Enter")
    for rating in ("2 — complete", "1 — right"):
        choose_radio(page, rating)
    tab_to(page, page.get_by_role("button", name="Save my rating"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Hand in"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("You handed this in")).to_be_visible()
    assert Attempt.objects.get(learner=world.learner).submitted_at is not None


def test_a_teacher_makes_a_grouping_with_the_keyboard(page, live_server, sign_in):
    w = build_school("kb2_")
    curriculum = make_curriculum(w.school, "kb2-")
    extra = enrol_more(w.class_a, 4)
    for learner in (w.learner, w.sibling):
        answer(learner, curriculum.prereq_item, True)
    for learner in extra:
        answer(learner, curriculum.prereq_item, False)
    sign_in(w.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    # Through the header's grouped menu: the Plan group's button, then its link.
    tab_to(page, page.get_by_role("button", name="Plan"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Differentiate"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=w.class_a.name))
    page.keyboard.press("Enter")
    objective = page.get_by_label("Objective for the lesson")
    tab_to(page, objective)
    wanted = str(curriculum.objective.pk)
    for _ in range(40):  # the arrow keys move through a closed select's options
        if objective.input_value() == wanted:
            break
        page.keyboard.press("ArrowDown")
    expect(objective).to_have_value(wanted)
    tab_to(page, page.get_by_label("Number of groups"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, page.get_by_role("button", name="Suggest groups"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Suggested groups"))).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Save grouping"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Grouping saved: 2 groups.")).to_be_visible()
    assert Grouping.objects.filter(school_class=w.class_a).count() == 1
