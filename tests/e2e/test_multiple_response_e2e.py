"""A learner answers a "choose all that apply" question with the keyboard
alone (Tab to a box, Space to tick it, Enter to submit) on a phone, and
the answer comes back in the options' words; the teacher's question form
offers the correct options as checkboxes at 1280 px and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.curriculum.factories import leaf, make_framework, make_multiple_response
from tests.e2e.marks import SERVICE_WORKERS
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.evidence.models import Response
from trellis.evidence.services import assessment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_learner_ticks_all_that_apply_with_the_keyboard(page, live_server, sign_in, screenshot):
    world = build_school("e2emr_")
    item = make_multiple_response(world.school, leaf(make_framework(world.school), "A.1"))
    check = assessment_create(
        school_class=world.class_a, title="Evens", purpose="for", created_by=world.teacher,
        items=[item],
    )  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{check.pk}/take/")
    group = page.get_by_role("group", name="Choose all that apply")
    expect(group).to_be_visible()
    boxes = group.get_by_role("checkbox")
    expect(boxes).to_have_count(4)
    _no_sideways_scroll(page)
    screenshot("multiple-response-take-390")
    # Keyboard only: reach the first box with Tab from the prompt.
    page.locator("#prompt").click()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "answer":
            break
    assert page.evaluate("document.activeElement.value") == "0"
    page.keyboard.press("Space")  # "2"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "4"
    expect(page.get_by_label("2", exact=True)).to_be_checked()
    expect(page.get_by_label("3", exact=True)).not_to_be_checked()
    expect(page.get_by_label("4", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Submit answer"
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Your answer: 2; 4")).to_be_visible()
    response = Response.objects.get(learner=world.learner)
    assert (response.answer, response.correct) == ("0,2", True)


def test_the_question_form_offers_correct_options_as_checkboxes(
    page, live_server, sign_in, screenshot
):
    world = build_school("e2emrf_")
    leaf(make_framework(world.school), "A.1")
    sign_in(world.teacher.username, PASSWORD)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/items/new/")
        group = page.get_by_role("group", name="Correct options (multiple response)")
        expect(group.get_by_role("checkbox")).to_have_count(5)
        _no_sideways_scroll(page)
        screenshot(f"multiple-response-item-form-{width}")


@SERVICE_WORKERS
def test_a_choose_all_that_apply_answer_waits_offline_and_arrives_once(
    page, context, live_server, sign_in
):
    from tests.curriculum.factories import make_items
    from tests.e2e.test_offline_e2e import _wait_for
    from trellis.curriculum.models import item as kinds
    from trellis.evidence import mastery

    mastery._cache.clear()
    world = build_school("e2emro_")
    competency = leaf(make_framework(world.school), "A.1")
    item = make_multiple_response(world.school, competency)
    numeric = make_items(world.school, competency)[kinds.NUMERIC]
    check = assessment_create(
        school_class=world.class_a, title="Offline evens", purpose="for", created_by=world.teacher,
        items=[item, numeric],
    )  # fmt: skip
    sign_in(world.learner.username, PASSWORD)
    take = f"{live_server.url}/assessments/{check.pk}/take/"
    page.goto(take)
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.goto(f"{live_server.url}/assessments/")
    expect(page.locator(f"[data-offline-badge='{check.pk}']")).to_be_visible(timeout=15000)
    page.goto(take)
    context.set_offline(True)
    page.get_by_label("2", exact=True).check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this device")
    assert not Response.objects.filter(learner=world.learner).exists()
    context.set_offline(False)
    assert _wait_for(page, lambda: Response.objects.filter(learner=world.learner).exists())
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    response = Response.objects.get(learner=world.learner)
    assert (response.item_id, response.answer, response.correct) == (item.pk, "0,2", True)
    assert response.offline
