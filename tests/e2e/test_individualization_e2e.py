"""Issue 6 in Chromium: a teacher writes a plan with extended time and a
specific objective; the learner's timed assessment shows the longer limit;
the monitoring chart gains a point after the learner's next check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
    page.get_by_role("link", name="Individual plans").click()
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
    expect(page.get_by_text("time allowed: 30 minutes")).to_be_visible()
    screenshot("individualization-timed-assessment")
    for answer in ("right", "right", "close"):
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


def test_pacing_board_report_and_page_accommodations(page, live_server, sign_in, screenshot):
    from django.utils import timezone

    from tests.individualization.helpers import answer_all
    from trellis.individualization.models import LearnerPace
    from trellis.individualization.services import pacing, plans, reports

    world = build_school("e2p_")
    cur = curriculum_for(world)
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
    screenshot("individualization-accommodated-item")
