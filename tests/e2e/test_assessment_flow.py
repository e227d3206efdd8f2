"""Issue 4 in Chromium: a learner takes a FOR assessment one question at a
time (feedback and live mastery), and their teacher scores the performance
task with the rubric."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.menu import follow_menu
from tests.evidence.conftest import build
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.evidence.models import MasteryRecord, RubricScore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_learner_takes_assessment_and_teacher_scores_rubric(page, live_server, sign_in, screenshot):
    from trellis.evidence import mastery

    mastery._cache.clear()
    world = build_school("e2e4_")
    setup = build(world)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone

    sign_in(world.learner.username, PASSWORD)
    follow_menu(page, "Assessments")
    page.get_by_role("link", name="Check").click()
    expect(page.get_by_text("Question 1 of 4")).to_be_visible()
    screenshot("assessment-take-question")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("status").filter(has_text="Correct.")).to_be_visible()
    page.get_by_label("Your answer (a number)").fill("two")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a number")
    page.get_by_label("Your answer (a number)").fill("2.5")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Question 3 of 4")).to_be_visible()
    screenshot("assessment-take-feedback")
    page.get_by_label("Your answer", exact=True).fill("Numerator")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_label("Your work").fill(
        "A fraction names equal parts of a whole; 3/4 is three of four parts."
    )
    page.get_by_role("button", name="Submit answer").click()
    # Straight to the self-rating on the rubric (assessment AS learning).
    page.get_by_label("2 — complete").check()
    page.get_by_label("1 — right").check()
    page.get_by_role("button", name="Save my rating").click()
    page.get_by_role("button", name="Hand in").click()
    expect(page.get_by_text("You handed this in")).to_be_visible()
    follow_menu(page, "My competencies")
    expect(page.get_by_text("3 tries")).to_be_visible()
    screenshot("my-competencies")
    record = MasteryRecord.objects.get(learner=world.learner, competency=setup.competency)
    assert record.attempts == 3
    _sign_out(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(world.teacher.username, PASSWORD)
    follow_menu(page, "Assessments")
    page.get_by_role("link", name="Check").click()
    page.get_by_role("link", name=f"Score {world.learner}'s work").click()
    expect(page.get_by_text("Learner's self-rating: 3/3")).to_be_visible()
    page.get_by_label("1 — partial").check()
    page.get_by_label("1 — right").check()
    page.get_by_label("Comment").fill("Good start: add a diagram.")
    screenshot("rubric-score")
    page.get_by_role("button", name="Save score").click()
    expect(page.get_by_text(f"Score saved for {world.learner}")).to_be_visible()
    assert RubricScore.objects.filter(kind="teacher", total=2).count() == 1
    page.goto(f"{live_server.url}/classes/{world.class_a.pk}/mastery/")
    expect(page.get_by_role("table")).to_contain_text("A.1")
    # Sortable by a competency (server-side, announced with aria-sort), and
    # each cell reads as its level and percentage, not only as a colour.
    page.get_by_role("link", name="A.1", exact=True).click()
    expect(page.get_by_role("columnheader", name="A.1")).to_have_attribute("aria-sort", "ascending")
    record.refresh_from_db()
    assert record.attempts == 4
    cell_name = f"{record.get_level_display()} {round(100 * record.probability)}"
    row = page.get_by_role("row").filter(has_text=str(world.learner))
    expect(row.get_by_role("cell", name=cell_name, exact=True)).to_be_visible()
    screenshot("heatmap")
