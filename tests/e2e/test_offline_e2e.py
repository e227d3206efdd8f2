"""Issue 23 in Chromium: a learner answers three questions without a
connection (the pages come from the service worker, the answers wait in
IndexedDB), reloads, comes back online, and exactly three responses arrive
in the order given, with mastery updated in that order; the same when the
connection drops in the middle of sending; and an answer the school refuses
is shown with its reason."""

from __future__ import annotations

import time

import pytest
from django.db.utils import OperationalError
from playwright.sync_api import expect

from tests.curriculum.factories import leaf, make_framework, make_items
from tests.e2e.marks import SERVICE_WORKERS
from tests.factories import PASSWORD
from tests.world import build_school
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import MasteryRecord, RefusedAnswer, Response
from trellis.evidence.services import assessments as assessment_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), SERVICE_WORKERS]

#: What the learner answers to each prompt (right, wrong, right).
ANSWERS = {"2 + 2?": "4", "Half of 5?": "3", "Name the top of a fraction.": "numerator"}
#: The same answers as the form sends them (a choice by its option's index).
SENT = {"2 + 2?": "1", "Half of 5?": "3", "Name the top of a fraction.": "numerator"}
RIGHT = {"2 + 2?": True, "Half of 5?": False, "Name the top of a fraction.": True}


def _school(prefix: str):
    from trellis.evidence import mastery

    mastery._cache.clear()
    world = build_school(prefix)
    competency = leaf(make_framework(world.school), "A.1")
    items = make_items(world.school, competency)
    assessment = services.assessment_create(
        school_class=world.class_a,
        title="Offline check",
        purpose="for",
        created_by=world.teacher,
        items=[items[kinds.CHOICE], items[kinds.NUMERIC], items[kinds.TEXT]],
    )
    return world, competency, items, assessment


def _ready_offline(page, live_server, assessment) -> None:
    """Open the assessment once online (starting it), then wait until the
    assessments page says its questions are kept on the device."""
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/take/")
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.goto(f"{live_server.url}/assessments/")
    expect(page.locator(f"[data-offline-badge='{assessment.pk}']")).to_be_visible(timeout=15000)
    expect(page.locator("[data-offline-list]")).to_contain_text("Offline check")


def _answer_current(page) -> str:
    prompt = page.locator("#prompt").inner_text().strip()
    answer = ANSWERS[prompt]
    if prompt == "2 + 2?":
        page.get_by_label(answer, exact=True).check()
    else:
        page.get_by_label("Your answer", exact=False).fill(answer)
    page.get_by_role("button", name="Submit answer").click()
    return prompt


def _answer_three_offline(page, context, live_server, assessment, screenshot=None) -> list[str]:
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/take/")
    context.set_offline(True)
    prompts = []
    for n in range(3):
        expect(page.locator("#prompt")).to_be_visible()
        prompts.append(_answer_current(page))
        expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this device")
        if n < 2:
            page.wait_for_url(lambda url, n=n: url.count("?item=") == 1 and prompts[-1] not in url)
            expect(page.locator("#prompt")).not_to_have_text(prompts[-1])
    expect(page.locator("[data-offline-done]")).to_be_visible()
    if screenshot:
        screenshot("offline-answers-saved")
    page.reload()  # offline: the page comes from the service worker
    expect(page.locator("[data-offline-done]")).to_be_visible()
    expect(page.locator("[data-offline-status]")).to_contain_text("3 answers saved on this device")
    return prompts


def _wait_for(page, condition, timeout=20.0):
    """Poll the database, letting Playwright run its event handlers (the
    sync API dispatches routes only inside its own calls). The live
    server's thread shares the in-memory SQLite database, which answers
    "table is locked" while it writes: that is read as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            pass
        page.wait_for_timeout(200)
    return condition()


def _without_service_worker(page, context) -> None:
    """Unregister the service worker and wait until nothing the page or the
    worker asked for is still in flight. The worker fetches the offline pack
    in the background, reading the session; a sign-out or sign-in writing
    the session meanwhile finds the live server's in-memory SQLite table
    locked (a 500 on this test database only; PostgreSQL waits instead)."""
    in_flight: set = set()
    context.on("request", lambda request: in_flight.add(request))
    context.on("requestfinished", lambda request: in_flight.discard(request))
    context.on("requestfailed", lambda request: in_flight.discard(request))
    page.evaluate(
        "async () => { for (const r of await navigator.serviceWorker.getRegistrations())"
        " await r.unregister(); }"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert _wait_for(page, lambda: not in_flight), "requests still in flight"


def _settled(page, learner) -> int:
    """The learner's responses once nothing more arrives for a second."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    counts = []
    _wait_for(page, lambda: counts.append(Response.objects.filter(learner=learner).count()) or True)
    return counts[-1]


def _reference_probability(world, items, competency, prompts) -> float:
    """The same answers recorded online, one by one in the order given, by
    a learner who never went offline."""
    by_prompt = {item.prompt: item for item in items.values()}
    for n, prompt in enumerate(prompts):
        services.response_record(
            learner=world.sibling,
            item=by_prompt[prompt],
            answer=SENT[prompt],
            idempotency_key=f"ref{n}",
            source="practice",
        )
    return MasteryRecord.objects.get(learner=world.sibling, competency=competency).probability


def _check_three_in_order(world, items, competency, prompts) -> None:
    stored = list(Response.objects.filter(learner=world.learner).order_by("answered_at", "pk"))
    assert [r.item.prompt for r in stored] == prompts
    assert all(r.offline and r.answered_at <= r.recorded_at for r in stored)
    assert [r.correct for r in stored] == [RIGHT[p] for p in prompts]
    record = MasteryRecord.objects.get(learner=world.learner, competency=competency)
    assert record.attempts == 3
    assert record.probability == pytest.approx(
        _reference_probability(world, items, competency, prompts)
    )


def test_three_answers_offline_reload_and_sync_once(
    page, context, live_server, sign_in, screenshot
):
    world, competency, items, assessment = _school("off1_")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(world.learner.username, PASSWORD)
    _ready_offline(page, live_server, assessment)
    screenshot("offline-available")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    prompts = _answer_three_offline(page, context, live_server, assessment, screenshot)
    assert not Response.objects.filter(learner=world.learner).exists()

    context.set_offline(False)
    assert _wait_for(page, lambda: Response.objects.filter(learner=world.learner).count() == 3)
    # The page asks the server where the assessment stands: all answered.
    expect(page.locator("[data-offline-status]")).to_be_hidden()
    assert _settled(page, world.learner) == 3  # nothing more arrives
    page.goto("about:blank")
    _check_three_in_order(world, items, competency, prompts)


def test_an_assessment_not_yet_opened_is_not_badged_available_offline(page, live_server, sign_in):
    """The badge says "Available offline" only once its questions are kept
    (a class giving it a display once showed every badge, hidden or not)."""
    world, _, _, assessment = _school("off0_")
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.reload()  # controlled now: the worker keeps what it can and says so
    expect(page.locator("[data-offline-entry='missing']")).to_contain_text("Offline check")
    expect(page.locator(f"[data-offline-badge='{assessment.pk}']")).to_be_hidden()


def test_connection_drops_in_the_middle_of_sending(page, context, live_server, sign_in):
    world, competency, items, assessment = _school("off2_")
    sign_in(world.learner.username, PASSWORD)
    _ready_offline(page, live_server, assessment)
    prompts = _answer_three_offline(page, context, live_server, assessment)

    calls = {"n": 0}

    def drop_the_reply_of_the_second(route):
        calls["n"] += 1
        if calls["n"] == 2:
            route.fetch()  # the server records it ...
            context.set_offline(True)
            route.abort("internetdisconnected")  # ... and the reply is lost
            return
        route.continue_()

    context.route("**/api/v1/responses", drop_the_reply_of_the_second)
    context.set_offline(False)
    assert _wait_for(page, lambda: Response.objects.filter(learner=world.learner).count() == 2)
    assert _settled(page, world.learner) == 2
    expect(page.locator("[data-offline-status]")).to_contain_text("2 answers saved")

    context.set_offline(False)
    assert _wait_for(page, lambda: Response.objects.filter(learner=world.learner).count() == 3)
    assert _settled(page, world.learner) == 3
    page.goto("about:blank")
    assert calls["n"] >= 4  # the second answer was sent again
    _check_three_in_order(world, items, competency, prompts)


def test_a_refused_answer_is_shown_with_its_reason(page, context, live_server, sign_in, screenshot):
    world, _, _, assessment = _school("off3_")
    sign_in(world.learner.username, PASSWORD)
    _ready_offline(page, live_server, assessment)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/take/")
    context.set_offline(True)
    _answer_current(page)
    expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this device")
    page.wait_for_url("**?item=*")
    assessment_services.assessment_close(assessment=assessment)

    context.set_offline(False)
    refused = page.locator("[data-offline-refused]")
    expect(refused).to_be_visible(timeout=15000)
    expect(refused).to_contain_text(str(assessment_services.CLOSED))
    expect(refused).to_contain_text("2 + 2?")
    screenshot("offline-refused")
    kept = RefusedAnswer.objects.get(learner=world.learner)
    assert kept.reason == assessment_services.CLOSED and kept.answer == "1"
    assert not Response.objects.filter(learner=world.learner).exists()
    # Still shown after a reload, until the learner says it was read.
    page.reload()
    expect(refused).to_be_visible()
    refused.get_by_role("button", name="I have read this").click()
    expect(refused).to_be_hidden()

    # The teacher sees it with its reason, at a desk and on a phone.
    _without_service_worker(page, context)
    page.get_by_role("button", name="Sign out").click()
    sign_in(world.teacher.username, PASSWORD)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
        table = page.locator("[data-refused-answers]")
        expect(table).to_contain_text(str(assessment_services.CLOSED))
        expect(table).to_contain_text(str(world.learner))
        expect(table.locator("tbody td").nth(2)).to_have_text("4")  # the option, not its number
        screenshot(f"offline-refused-teacher-{width}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _answer_practice(page) -> str:
    prompt = page.locator("#prompt").inner_text().strip()
    answer = ANSWERS[prompt]
    if prompt == "2 + 2?":
        page.get_by_label(answer, exact=True).check()
    else:
        page.get_by_label("Your answer", exact=False).fill(answer)
    page.get_by_role("button", name="Check").click()
    return prompt


def test_practice_offline_uses_the_questions_chosen_online(
    page, context, live_server, sign_in, screenshot
):
    """Practice once online (so the server knows what the learner works
    on), let the device keep the next questions, answer them offline, come
    back online: exactly those answers arrive, in the order given."""
    from trellis.evidence import mastery

    mastery._cache.clear()
    world = build_school("offp_")
    competency = leaf(make_framework(world.school), "A.1")
    make_items(world.school, competency)
    sign_in(world.learner.username, PASSWORD)
    practice_url = f"{live_server.url}/practice/{competency.pk}/"
    page.goto(practice_url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    expect(page.locator("[data-offline-practice-note]")).to_contain_text("chosen for you")
    _answer_practice(page)
    page.wait_for_url("**?last=*")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/assessments/")
    kept = page.locator(f"[data-offline-practice='{competency.pk}']")
    expect(kept).to_be_visible(timeout=15000)
    expect(kept).to_contain_text("3 questions chosen for you")
    screenshot("offline-practice-available")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    context.set_offline(True)
    page.goto(practice_url)  # offline: the first question kept for this competency
    prompts = []
    for n in range(3):
        expect(page.locator("#prompt")).to_be_visible()
        before = page.url
        prompts.append(_answer_practice(page))
        expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this device")
        if n < 2:
            page.wait_for_url(lambda url, before=before: "?item=" in url and url != before)
            expect(page.locator("#prompt")).not_to_have_text(prompts[-1])
    expect(page.locator("[data-offline-done]")).to_be_visible()
    screenshot("offline-practice-saved")
    assert Response.objects.filter(learner=world.learner).count() == 1

    context.set_offline(False)
    assert _wait_for(page, lambda: Response.objects.filter(learner=world.learner).count() == 4)
    assert _settled(page, world.learner) == 4
    page.goto("about:blank")
    stored = list(
        Response.objects.filter(learner=world.learner, offline=True).order_by("answered_at", "pk")
    )
    assert [r.item.prompt for r in stored] == prompts
    assert all(r.attempt_id is None and r.answered_at <= r.recorded_at for r in stored)
    assert [r.correct for r in stored] == [RIGHT[p] for p in prompts]
    record = MasteryRecord.objects.get(learner=world.learner, competency=competency)
    assert record.attempts == 4
