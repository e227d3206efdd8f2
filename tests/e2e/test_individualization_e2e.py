"""Issue 6 in Chromium: a teacher writes a plan with extended time and a
specific objective; the learner's timed assessment shows the longer limit;
the monitoring chart gains a point after the learner's next check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.menu import follow_menu
from tests.factories import PASSWORD
from tests.individualization.helpers import check_for, curriculum_for
from tests.world import build_school
from trellis.individualization.models import IndividualPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_plan_with_extended_time_reaches_the_learner_and_the_chart(
    page, live_server, sign_in, screenshot
):
    world = build_school("e2e_")
    cur = curriculum_for(world)
    timed = check_for(world.class_a, cur.items, time_limit_minutes=20, title="Ratio check")

    # The teacher writes the plan.
    sign_in(world.teacher.username, PASSWORD)
    follow_menu(page, "Individual plans")
    screenshot("individualization-plan-list")
    page.get_by_role("link", name=f"Write a plan for {world.learner}").click()
    page.get_by_label("Title").fill("Maths at own pace")
    page.get_by_label("Extended time (time limits multiplied)").check()
    page.get_by_label("Extended time: multiply time limits by").fill("1.5")
    page.get_by_label("Review dates").fill("2026-12-15")
    screenshot("individualization-plan-form")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="Maths at own pace")).to_be_visible()
    plan = IndividualPlan.objects.get(learner=world.learner)
    assert plan.accommodations == ["extended-time"] and plan.time_multiplier == 1.5

    page.get_by_role("link", name="Add objective").click()
    page.get_by_label("Objective").fill("Solve ratio problems")
    page.get_by_label("Competencies").select_option(label=str(cur.ratio))
    page.get_by_label("How progress is measured").select_option("percent_correct")
    page.get_by_label("Baseline value").fill("20")
    page.get_by_label("Baseline date").fill("2026-09-01")
    page.get_by_label("Target value").fill("90")
    page.get_by_label("Target date").fill("2027-03-01")
    page.get_by_role("button", name="Add objective").click()
    expect(page.get_by_role("heading", name="Solve ratio problems")).to_be_visible()
    expect(page.get_by_role("cell", name="No data points yet.")).to_be_visible()
    _sign_out(page)

    # The learner takes the timed check: 20 minutes × 1.5.
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/assessments/{timed.pk}/take/")
    # The clock starts only once the learner confirms (issue 20).
    expect(page.get_by_text("you have 30 minutes from the moment you start")).to_be_visible()
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_text("time allowed: 30 minutes")).to_be_visible()
    screenshot("individualization-timed-assessment")
    for number, answer in enumerate(("right", "right", "close"), start=1):
        # Each answer once its question is there: a label found on the page
        # being left would take the answer meant for the next question.
        expect(page.get_by_text(re.compile(rf"Question {number} of \d+"))).to_be_visible()
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Submit answer").click()
        page.wait_for_load_state("networkidle")
    _sign_out(page)

    # The teacher's chart now has the point: 2 of 3 right.
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    table = page.get_by_role("table", name="Data points (1)")
    expect(table).to_be_visible()
    expect(table.get_by_role("cell", name="66.7", exact=True)).to_be_visible()
    expect(page.locator("svg circle[r='4'] title")).to_have_count(1)
    screenshot("individualization-plan-detail")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("individualization-plan-detail-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The teacher changes that one objective; the version says who and why.
    page.get_by_role("link", name="Change the objective “Solve ratio problems”").click()
    page.get_by_label("Target value").fill("80")
    page.get_by_label("Why this change").fill("Target agreed at the review meeting.")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Objective changed; the previous version is kept.")).to_be_visible()
    newest = page.locator("table.indiv-versions tbody tr").first
    expect(newest).to_contain_text("Target agreed at the review meeting.")
    expect(newest).to_contain_text("objective changed (target): Solve ratio problems")
    expect(newest).to_contain_text(str(world.teacher))


def test_pacing_board_report_and_page_accommodations(page, live_server, sign_in, screenshot):
    from django.utils import timezone

    from tests.individualization.helpers import answer_all
    from trellis.individualization.models import LearnerPace
    from trellis.individualization.services import pacing, plans, reports

    world = build_school("e2p_")
    cur = curriculum_for(world)
    cur.items[2].competencies.add(cur.rate)  # something to practise in module 2
    first = check_for(world.class_a, cur.items[:2], title="Check 1")
    second = check_for(world.class_a, cur.items[2:], title="Check 2")
    seq = pacing.sequence_create(
        school_class=world.class_a, title="Ratios unit", created_by=world.teacher
    )
    pacing.module_add(
        sequence=seq, title="Ratio language", competencies=[cur.ratio], mastery_check=first
    )
    pacing.module_add(
        sequence=seq, title="Equivalent ratios", competencies=[cur.rate], mastery_check=second
    )
    LearnerPace.objects.filter(learner=world.sibling).update(
        entered_at=timezone.now() - timezone.timedelta(days=12)
    )
    answer_all(world.learner, first, right=2)  # passes: moves to module 2
    summative = check_for(world.class_a, cur.items, purpose="of", title="Unit test")
    answer_all(world.sibling, summative, right=1)
    report = reports.summative_report_create(
        learner=world.sibling, assessment=summative, created_by=world.teacher
    )
    plans.plan_create(
        learner=world.learner,
        author=world.teacher,
        title="Access plan",
        accommodations=["read-aloud", "large-print", "reduced-answer-choices"],
    )

    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/classes/{world.class_a.pk}/modules/")
    rows = page.get_by_role("table").first.get_by_role("row")
    expect(rows.nth(1)).to_contain_text(str(world.sibling))
    expect(rows.nth(1)).to_contain_text("12")
    expect(rows.nth(2)).to_contain_text("2 of 2: Equivalent ratios")
    screenshot("individualization-pacing-board")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.get_by_role("row", name="6.RP.1 Ratios 1 of 3 Not yet")).to_be_visible()
    page.get_by_role("button", name="Share with guardians").click()
    expect(page.get_by_text("Shared with the learner's guardians.")).to_be_visible()
    screenshot("individualization-report")
    _sign_out(page)

    sign_in(world.learner.username, PASSWORD)
    assert "large-print" in page.locator("body").get_attribute("class")
    page.goto(f"{live_server.url}/modules/mine/")
    expect(page.get_by_text("Now: Equivalent ratios")).to_be_visible()
    screenshot("individualization-my-modules")
    page.get_by_role("link", name="Take the mastery check: Check 2").click()
    expect(page.get_by_role("button", name="Read the question aloud")).to_be_visible()
    expect(page.get_by_label("silly")).to_have_count(0)
    # Large print reaches the question, its options and the page's text: the
    # question stays larger than the body text, which is larger than 16 px.
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    body_px = page.locator("body").evaluate(size)
    assert body_px >= 16 * 1.3
    assert page.locator(".take .prompt").first.evaluate(size) > body_px
    assert page.locator(".take .choices label").first.evaluate(size) >= body_px
    screenshot("individualization-accommodated-item")

    # Adaptive practice, from the module page: the same accommodations.
    page.goto(f"{live_server.url}/modules/mine/")
    page.get_by_role("link", name=cur.rate.label, exact=True).click()
    expect(page.get_by_role("heading", name=f"Practise {cur.rate.label}")).to_be_visible()
    expect(page.get_by_role("button", name="Read the question aloud")).to_be_visible()
    expect(page.get_by_label("close", exact=True)).to_be_visible()
    expect(page.get_by_label("silly")).to_have_count(0)
    assert "large-print" in page.locator("body").get_attribute("class").split()
    screenshot("individualization-practice-accommodated")
    # The button hands the question and the shown choices to speech synthesis.
    page.evaluate(
        "() => { window.__spoken = [];"
        " window.speechSynthesis.speak = (u) => window.__spoken.push(u.text); }"
    )
    page.get_by_role("button", name="Read the question aloud").click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0].startswith("Ratio question 2")
    assert "right" in spoken[0] and "close" in spoken[0] and "silly" not in spoken[0]


def test_monitoring_chart_with_trend_and_decision_prompt(page, live_server, sign_in, screenshot):
    import datetime as dt

    from django.utils import timezone

    from trellis.individualization.services import plans

    world = build_school("e2m_")
    cur = curriculum_for(world)
    plan = plans.plan_create(
        learner=world.learner,
        author=world.teacher,
        title="Reading fluency",
        accommodations=["extended-time", "read-aloud"],
    )
    start = timezone.localdate() - dt.timedelta(days=42)
    objective = plans.objective_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Objective added.",
        statement="Read 60 words a minute aloud",
        competencies=[cur.ratio],
        method="teacher_measure",
        unit="wpm",
        baseline_value=30,
        baseline_date=start,
        target_value=60,
        target_date=start + dt.timedelta(days=84),
    )
    for week, value in enumerate([31, 32, 34, 33, 35], start=1):
        plans.measurement_record(
            objective=objective,
            recorded_by=world.teacher,
            on=start + dt.timedelta(days=7 * week),
            value=value,
        )
    plans.support_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Aide starts.",
        kind="one_on_one",
        provider="Ms Diaz, reading aide",
        focus="Fluency",
        planned_minutes_per_week=60,
    )

    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_role("heading", name="Decisions waiting for you")).to_be_visible()
    page.get_by_role("link", name=f"{world.learner} — Read 60 words a minute aloud").click()
    expect(page.get_by_text("consider changing it")).to_be_visible()
    expect(page.locator("svg line.aim")).to_have_count(1)
    expect(page.locator("svg line.trend")).to_have_count(1)
    expect(page.get_by_role("table", name="Data points (5)")).to_be_visible()
    screenshot("individualization-monitoring-chart")

    # Record the next probe in the form beside the chart: the chart gains a point.
    page.get_by_label("Date").first.fill((start + dt.timedelta(days=42)).isoformat())
    page.get_by_label("Value").first.fill("37")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("table", name="Data points (6)")).to_be_visible()
    expect(page.locator("svg circle[r='4'] title")).to_have_count(6)

    # Remove the support, giving a reason.
    page.get_by_role(
        "link", name="Remove the support “One-on-one with Ms Diaz, reading aide”"
    ).click()
    page.get_by_label("Why remove it").fill("The aide's timetable changed.")
    page.get_by_role("button", name="Remove support").click()
    expect(page.get_by_text("No supports planned.")).to_be_visible()
    expect(page.locator("table.indiv-versions tbody tr").first).to_contain_text(
        "support removed: Ms Diaz, reading aide"
    )
