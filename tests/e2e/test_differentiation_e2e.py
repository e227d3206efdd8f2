"""Differentiation in Chromium: a teacher makes a grouping from a suggestion,
edits it, writes the group plan and the stations; the live view flags a
learner whose answers go wrong while the page is open, without reloading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.differentiation.conftest import answer, enrol_more, make_curriculum
from tests.e2e.menu import follow_menu
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.curriculum.models import Resource
from trellis.differentiation.models import Grouping, GroupMembership
from trellis.personalization.services.profile import profile_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school(db):
    w = build_school("e2e_")
    curriculum = make_curriculum(w.school, "e2e-")
    extra = enrol_more(w.class_a, 4)
    for strong in (w.learner, w.sibling):
        for _ in range(4):
            answer(strong, curriculum.prereq_item, True)
            answer(strong, curriculum.objective_item, True)
    for weak in extra:
        answer(weak, curriculum.prereq_item, False)
    Resource.objects.create(
        school=w.school, title="Ratio tables video", format="video", url="https://example.org/v"
    )
    for learner in (w.learner, *extra[:2]):
        profile_update(learner=learner, interest_tags="space, drawing", engage=["pairs"])
    for learner in (w.sibling, extra[2]):
        profile_update(learner=learner, interest_tags="football", engage=["alone"])
    return w, curriculum, extra


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_make_edit_and_plan_a_grouping(page, live_server, sign_in, screenshot, school):
    w, curriculum, extra = school
    sign_in(w.teacher.username, PASSWORD)
    follow_menu(page, "Differentiate")
    page.get_by_role("link", name=w.class_a.name).click()
    page.get_by_label("Objective for the lesson").select_option(str(curriculum.objective.pk))
    page.get_by_label("Number of groups").fill("2")
    page.get_by_label("Keep apart, pair 1, first learner").select_option(str(w.learner.pk))
    page.get_by_label("Keep apart, pair 1, second learner").select_option(str(w.sibling.pk))
    page.get_by_role("button", name="Suggest groups").click()
    expect(page.get_by_role("heading", name=re.compile("Suggested groups"))).to_be_visible()
    expect(page.get_by_text("Kept apart as asked")).to_be_visible()
    screenshot("differentiation-suggestion")
    # Edit: move the first weak learner into the other group, then save.
    select = page.get_by_label(f"Move to (for {extra[0]})")
    current = select.input_value()
    select.select_option("1" if current == "0" else "0")
    page.get_by_role("button", name="Save grouping").click()
    expect(page.get_by_text("Grouping saved: 2 groups.")).to_be_visible()
    first = Grouping.objects.get()
    assert GroupMembership.objects.filter(grouping=first).count() == 6
    # Each explanation states the evidence behind each placement.
    expect(page.get_by_text(re.compile(r"Evidence: .*answers on")).first).to_be_visible()
    screenshot("differentiation-grouping")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    screenshot("differentiation-grouping-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Move a learner and rename a group on the saved grouping: a new version
    # with the reason; the changed groups' explanations are written again.
    page.get_by_label(f"Move to (for {extra[1]})").select_option(index=1)
    page.get_by_label(f"Why (for {extra[1]}, optional)").fill("Needs a quieter group")
    first_group = first.groups.first()
    page.get_by_label(f"Name of {first_group.label}").fill("Ratio crew")
    page.get_by_role("button", name="Save changes as a new version").click()
    expect(page.get_by_role("heading", name="Who moved and why")).to_be_visible()
    expect(page.get_by_text("Needs a quieter group")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Ratio crew"))).to_be_visible()
    expect(page.locator(".explanation").filter(has_text="Changed by")).to_have_count(2)
    assert Grouping.objects.count() == 2
    second = Grouping.objects.order_by("-pk").first()
    assert second.groups.get(label="Ratio crew").key == first_group.key
    screenshot("differentiation-grouping-edited")

    # The group plan.
    page.get_by_role("link", name="Write the group plan").click()
    groups = list(Grouping.objects.order_by("-pk").first().groups.all())
    page.get_by_label("Process — the activity").first.fill("Guided practice with ratio tables")
    page.get_by_label("Affect — support notes (sentence starters, a quieter corner…)").first.fill(
        "Sentence starters; quieter corner"
    )
    page.get_by_label("Product — how they show what they learned").nth(1).fill("A ratio poster")
    page.locator(f"input[name=resources_{groups[0].pk}]").check()
    page.get_by_role("button", name="Save group plan").click()
    expect(page.get_by_text("Group plan saved.")).to_be_visible()
    expect(page.get_by_label("Process — the activity").first).to_have_value(
        "Guided practice with ratio tables"
    )
    screenshot("differentiation-plan")

    # Stations, printable.
    page.get_by_role("link", name="Station rotation").click()
    page.get_by_label("Stations, one per line").fill("Teacher table\nPractice\nReading corner")
    page.get_by_label("Minutes per station").fill("12")
    page.get_by_role("button", name="Save rotation").click()
    expect(page.get_by_role("rowheader", name="24–36")).to_be_visible()
    screenshot("differentiation-stations")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Save rotation")).to_be_hidden()
    screenshot("differentiation-stations-print")
    page.emulate_media(media="screen")

    # The history and the before-the-lesson report.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("table")).to_contain_text(curriculum.objective.label)
    screenshot("differentiation-history")
    page.get_by_role("link", name="Before the lesson").click()
    expect(page.get_by_role("heading", name=re.compile("Likely to struggle"))).to_be_visible()
    expect(
        page.get_by_text(f"{extra[0]} — weak prerequisites: {curriculum.prereq.code}")
    ).to_be_visible()
    screenshot("differentiation-before-lesson")
    follow_menu(page, "Differentiate")
    screenshot("differentiation-home")

    # Groups by interest, from what the learners wrote in their profiles.
    page.goto(f"{live_server.url}/differentiate/classes/{w.class_a.pk}/")
    page.get_by_label("Objective for the lesson").select_option(str(curriculum.objective.pk))
    page.get_by_label("Group by").select_option("interest")
    page.get_by_label("Number of groups").fill("2")
    page.get_by_role("button", name="Suggest groups").click()
    expect(page.get_by_text(re.compile(r"shared interest in .*space \(3 of 3\)"))).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"no interests stated yet by " + str(extra[3])))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("No learner profile yet for"))).to_be_visible()
    screenshot("differentiation-interest-suggestion")

    # The learner sees their own group's plan only.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(
        f"{live_server.url}/differentiate/groupings/{Grouping.objects.order_by('-pk').first().pk}/"
    )
    _no_sideways_scroll(page)
    screenshot("differentiation-grouping-phone")
    page.context.clear_cookies()
    weak_group = (
        GroupMembership.objects.filter(
            grouping=Grouping.objects.order_by("-pk").first(), learner=extra[2]
        )
        .get()
        .group
    )
    sign_in(extra[2].username, PASSWORD)
    follow_menu(page, "My group")
    expect(page.get_by_text(f"You are in {weak_group.label}")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("differentiation-my-group-phone")


def test_live_view_flags_a_stuck_learner_without_reloading(
    page, live_server, sign_in, screenshot, school
):
    w, curriculum, _ = school
    sign_in(w.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/differentiate/classes/{w.class_a.pk}/live/")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_text("No learner is stuck or idle right now.")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    for _ in range(3):
        answer(w.sibling, curriculum.objective_item, False)
    flag = page.locator(".flag-stuck_errors")
    expect(flag).to_contain_text(str(w.sibling), timeout=15_000)
    expect(flag).to_contain_text(f"3 wrong in a row on {curriculum.objective.code}")
    expect(flag).to_contain_text("flagged from 3 wrong answers in a row")  # what it is based on
    assert page.evaluate("window.__sameDocument === true")  # no reload happened
    screenshot("differentiation-live")
    flag.get_by_label(f"What I did for {w.sibling}").fill("Worked an example together")
    flag.get_by_role("button", name=re.compile("Mark handled")).click()
    expect(page.locator(".flag-stuck_errors")).to_have_count(0)
    expect(page.get_by_text("Worked an example together")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    screenshot("differentiation-live-phone")
