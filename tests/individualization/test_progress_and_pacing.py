"""Progress monitoring data points, the decision prompt, own-pace modules
and summative reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.individualization.helpers import answer_all, check_for, curriculum_for, plan_for
from trellis.engine.monitoring import CHANGE_PLAN
from trellis.individualization.constants import METHOD_MANUAL, METHOD_PERCENT, METHOD_PROBABILITY
from trellis.individualization.models import LearnerPace
from trellis.individualization.progress import objective_progress
from trellis.individualization.selectors import pacing_board
from trellis.individualization.services import pacing, plans, reports

pytestmark = pytest.mark.django_db


def _objective(world, cur, method, baseline, target, **kw):
    today = timezone.localdate()
    plan = plan_for(world)
    return plans.objective_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Objective added.",
        statement="Ratios",
        competencies=[cur.ratio],
        method=method,
        baseline_value=baseline,
        baseline_date=kw.pop("baseline_date", today - dt.timedelta(days=30)),
        target_value=target,
        target_date=kw.pop("target_date", today + dt.timedelta(days=60)),
        **kw,
    )


def test_percent_correct_gains_a_point_per_check(world):
    cur = curriculum_for(world)
    objective = _objective(world, cur, METHOD_PERCENT, 0, 100)
    assert objective_progress(objective).points == []
    answer_all(world.learner, check_for(world.class_a, cur.items, title="one"), right=2)
    answer_all(world.sibling, check_for(world.class_a, cur.items, title="sib"), right=3)
    progress = objective_progress(objective)
    assert [p.value for p in progress.points] == [66.7]
    assert progress.points[0].date == timezone.localdate()
    assert "66.7" in progress.svg and "<svg" in progress.svg
    assert progress.table[0].value == 66.7


def test_mastery_probability_points_rise_with_right_answers(world):
    cur = curriculum_for(world)
    objective = _objective(world, cur, METHOD_PROBABILITY, 0.1, 0.95)
    answer_all(world.learner, check_for(world.class_a, cur.items), right=3)
    points = objective_progress(objective).points
    assert len(points) == 1 and 0.5 < points[0].value <= 1.0
    from trellis.evidence.models import MasteryRecord

    live = MasteryRecord.objects.get(learner=world.learner, competency=cur.ratio).probability
    assert points[0].value == pytest.approx(live, abs=1e-3)


def test_four_points_below_the_aim_line_prompts_a_change(world):
    cur = curriculum_for(world)
    start = timezone.localdate() - dt.timedelta(days=40)
    objective = _objective(
        world,
        cur,
        METHOD_MANUAL,
        10,
        50,
        baseline_date=start,
        target_date=start + dt.timedelta(days=80),
    )
    for week, value in enumerate([11, 12, 12, 13], start=1):
        plans.measurement_record(
            objective=objective,
            recorded_by=world.teacher,
            on=start + dt.timedelta(days=7 * week),
            value=value,
        )
    progress = objective_progress(objective)
    assert progress.decision.kind == CHANGE_PLAN and progress.prompt
    assert progress.trend is not None and progress.trend.slope_per_week == pytest.approx(0.6)
    assert all(row.behind for row in progress.table)
    from django.test import Client

    client = Client()
    client.force_login(world.teacher)
    page = client.get("/plans/").content.decode()
    assert "Decisions waiting for you" in page and "consider changing it" in page


def _sequence(world, cur, checks):
    seq = pacing.sequence_create(
        school_class=world.class_a, title="Ratios unit", created_by=world.teacher
    )
    modules = [
        pacing.module_add(
            sequence=seq,
            title=f"Module {n}",
            competencies=[cur.ratio],
            mastery_check=chk,
            threshold=0.6,
        )
        for n, chk in enumerate(checks, start=1)
    ]
    return seq, modules


def test_learner_moves_on_when_the_check_is_passed_not_on_a_date(
    world, django_capture_on_commit_callbacks
):
    cur = curriculum_for(world)
    first, second = (
        check_for(world.class_a, cur.items[:1], title="c1"),
        check_for(world.class_a, cur.items[1:], title="c2"),
    )
    seq, modules = _sequence(world, cur, [first, second])
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pace.current_module == modules[0]
    with django_capture_on_commit_callbacks(execute=True):
        answer_all(world.learner, second, right=0)  # failing the second check moves nothing
        answer_all(world.learner, first, right=1)
    pace.refresh_from_db()
    assert pace.current_module == modules[1]
    assert list(pace.passes.values_list("module_id", "score")) == [(modules[0].pk, 1.0)]
    sib = LearnerPace.objects.get(learner=world.sibling)
    assert sib.current_module == modules[0]


def test_failed_check_keeps_the_learner_and_board_shows_stuck_longest_first(world):
    cur = curriculum_for(world)
    chk = check_for(world.class_a, cur.items, title="c1")
    _, modules = _sequence(world, cur, [chk])
    answer_all(world.learner, chk, right=1)  # 1 of 3 < 0.6
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pacing.pace_sync(pace=pace) == []
    LearnerPace.objects.filter(learner=world.sibling).update(
        entered_at=timezone.now() - dt.timedelta(days=9)
    )
    rows = pacing_board(world.class_a)
    assert [(r.learner, r.days_on_module) for r in rows] == [(world.sibling, 9), (world.learner, 0)]


def test_a_learner_can_get_another_sequence_and_a_later_start(world):
    cur = curriculum_for(world)
    _sequence(world, cur, [None])
    own = pacing.sequence_create(
        school_class=world.class_a, title="Gentler path", created_by=world.teacher, is_default=False
    )
    with pytest.raises(ValidationError) as err:
        pacing.pace_place(school_class=world.class_a, learner=world.learner, sequence=own)
    assert str(pacing.EMPTY_SEQUENCE) in str(err.value)
    gentle = pacing.module_add(sequence=own, title="Warm-up", competencies=[cur.ratio])
    later = timezone.localdate() + dt.timedelta(days=7)
    pacing.pace_place(
        school_class=world.class_a, learner=world.learner, sequence=own, start_after=later
    )
    row = next(r for r in pacing_board(world.class_a) if r.learner == world.learner)
    assert row.module == gentle and row.status == "not started"
    with pytest.raises(ValidationError):
        pacing.pace_place(school_class=world.class_a, learner=world.other_learner, sequence=own)


def test_module_input_is_checked(world):
    cur = curriculum_for(world)
    seq = pacing.sequence_create(school_class=world.class_a, title="S", created_by=world.teacher)
    with pytest.raises(ValidationError, match="threshold"):
        pacing.module_add(sequence=seq, title="M", competencies=[cur.ratio], threshold=80)
    other_class_check = check_for(world.class_b, cur.items)
    with pytest.raises(ValidationError) as err:
        pacing.module_add(
            sequence=seq, title="M", competencies=[cur.ratio], mastery_check=other_class_check
        )
    assert str(pacing.CHECK_OTHER_CLASS) in str(err.value)


def test_summative_report_says_what_was_and_was_not_learned(world):
    cur = curriculum_for(world)
    rate_item = cur.items[2]
    rate_item.competencies.set([cur.rate])
    summative = check_for(world.class_a, cur.items, purpose="of", title="Unit test")
    answer_all(world.learner, summative, right=2)
    report = reports.summative_report_create(
        learner=world.learner, assessment=summative, created_by=world.teacher
    )
    assert [(r["code"], r["right"], r["total"], r["learned"]) for r in report.rows] == [
        ("6.RP.1", 2, 2, True),
        ("6.RP.2", 0, 1, False),
    ]
    formative = check_for(world.class_a, cur.items, title="Formative")
    with pytest.raises(ValidationError, match="needs an OF-learning assessment"):
        reports.summative_report_create(
            learner=world.learner, assessment=formative, created_by=world.teacher
        )
    with pytest.raises(ValidationError, match="has not answered"):
        reports.summative_report_create(
            learner=world.sibling, assessment=summative, created_by=world.teacher
        )


def _proficient(learner, competency) -> None:
    """The evidence already shows the competency proficient (as practice would)."""
    from trellis.evidence.models import MasteryRecord

    MasteryRecord.objects.update_or_create(
        learner=learner,
        competency=competency,
        defaults={"probability": 0.9, "level": "proficient", "attempts": 6, "correct": 6},
    )


def test_a_module_with_a_check_opens_only_by_its_check(world):
    cur = curriculum_for(world)
    first = check_for(world.class_a, cur.items[:2], title="c1")
    _, modules = _sequence(world, cur, [first, None])
    pace = LearnerPace.objects.get(learner=world.learner)
    _proficient(world.learner, cur.ratio)
    assert pacing.pace_sync(pace=pace) == []  # proficient, but the check is not passed
    answer_all(world.learner, first, right=1)  # 1 of 2 < 0.6: failed
    assert pacing.pace_sync(pace=pace) == []
    pace.refresh_from_db()
    assert pace.current_module == modules[0]
    # The teacher gives the module a new check: another go.
    retake = check_for(world.class_a, cur.items[2:], title="c1, second go")
    pacing.module_update(module=modules[0], mastery_check=retake)
    answer_all(world.learner, retake, right=1)
    passed = pacing.pace_sync(pace=pace)
    pace.refresh_from_db()
    # Module 2 has no check: the proficient competency passes it at once.
    assert [p.module for p in passed] == modules
    assert pace.finished_at is not None and pace.current_module is None


def test_after_each_answer_a_module_without_a_check_is_checked_in_one_read(
    world, django_assert_num_queries
):
    """What runs after every recorded response: for a learner on a module
    without a check, one read of the pace with its module and what its
    check needs (decision 0020); the learner moves on once every
    competency is proficient, and with the pace finished one read says so."""
    cur = curriculum_for(world)
    _, modules = _sequence(world, cur, [None, None])
    with django_assert_num_queries(1):
        assert pacing.paces_sync_for_learner(world.learner.pk) == 0
    _proficient(world.learner, cur.ratio)
    # Both modules ask for the same competency: the learner passes both.
    assert pacing.paces_sync_for_learner(world.learner.pk) == 2
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pace.finished_at is not None
    assert [p.module for p in pace.passes.order_by("module__position")] == modules
    with django_assert_num_queries(1):
        assert pacing.paces_sync_for_learner(world.learner.pk) == 0


@pytest.mark.parametrize(
    "states, passes",
    [
        # (level, probability) of ratios and of rates; None: no record yet.
        ((("proficient", 0.91), None), False),
        ((("proficient", 0.91), ("developing", 0.55)), False),
        ((("mastered", 0.97), ("proficient", 0.8123)), True),
        ((("proficient", 0.8567), ("proficient", 0.9)), True),
    ],
)
def test_a_module_without_a_check_passes_when_every_competency_is_at_least_proficient(
    world, states, passes
):
    """The read after each answer applies the rule a teacher's "check
    progress" applies (``check_score``): every competency of the module
    proficient or mastered; the pass is scored with the lowest probability.
    Another learner's records, and the learner's records of competencies
    outside the module, count for nothing."""
    from trellis.evidence.models import MasteryRecord

    cur = curriculum_for(world)
    seq = pacing.sequence_create(school_class=world.class_a, title="Unit", created_by=world.teacher)
    both = pacing.module_add(
        sequence=seq, title="Both", competencies=[cur.ratio, cur.rate], threshold=0.6
    )
    pacing.module_add(sequence=seq, title="Next", competencies=[cur.rate], threshold=0.6)
    # Proficient everywhere for the sibling: nothing of theirs counts here.
    for competency in (cur.ratio, cur.rate):
        MasteryRecord.objects.create(
            learner=world.sibling, competency=competency, probability=0.99, level="mastered",
            attempts=9, correct=9,
        )  # fmt: skip
    for competency, state in zip((cur.ratio, cur.rate), states, strict=True):
        if state is not None:
            MasteryRecord.objects.create(
                learner=world.learner, competency=competency, level=state[0],
                probability=state[1], attempts=6, correct=5,
            )  # fmt: skip
    pace = LearnerPace.objects.get(learner=world.learner)
    expected = round(min(p for _, p in states), 3) if passes else None
    assert pacing.check_score(both, world.learner.pk) == expected

    moved = pacing.paces_sync_for_learner(world.learner.pk)

    pace.refresh_from_db()
    if passes:
        # "Next" asks for rates only, which is proficient too: both pass.
        assert moved == 2 and pace.finished_at is not None
        assert pace.passes.get(module=both).score == expected
    else:
        assert moved == 0 and pace.current_module == both and not pace.passes.exists()


def test_lowering_the_threshold_rechecks_the_learners_on_the_module(world):
    cur = curriculum_for(world)
    chk = check_for(world.class_a, cur.items, title="c1")
    _, modules = _sequence(world, cur, [chk, chk])
    answer_all(world.learner, chk, right=1)  # 33 % < 60 %
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pacing.pace_sync(pace=pace) == [] and pace.current_module == modules[0]
    with pytest.raises(ValidationError, match="threshold"):
        pacing.module_update(module=modules[0], threshold=0)
    pacing.module_update(module=modules[0], threshold=0.3)
    pace.refresh_from_db()
    assert pace.current_module == modules[1]
    assert LearnerPace.objects.get(learner=world.sibling).current_module == modules[0]


def test_a_later_start_holds_the_learner_until_the_date(world, django_capture_on_commit_callbacks):
    cur = curriculum_for(world)
    chk = check_for(world.class_a, cur.items, title="c1")
    later_check = check_for(world.class_a, cur.items, title="c2")
    seq, modules = _sequence(world, cur, [chk, later_check])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    pacing.pace_place(
        school_class=world.class_a, learner=world.learner, sequence=seq, start_after=tomorrow
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_all(world.learner, chk, right=3)
    pace = LearnerPace.objects.get(learner=world.learner)
    assert pace.current_module == modules[0] and not pace.passes.exists()
    row = next(r for r in pacing_board(world.class_a) if r.learner == world.learner)
    assert row.status == "not started" and row.days_on_module is None
    LearnerPace.objects.filter(pk=pace.pk).update(start_after=timezone.localdate())
    assert [p.module for p in pacing.pace_sync(pace=pace)] == [modules[0]]


def test_the_pacing_board_says_how_each_check_stands(world, django_assert_num_queries):
    cur = curriculum_for(world)
    chk = check_for(world.class_a, cur.items, title="c1")
    _sequence(world, cur, [chk])
    assert {r.learner: r.check for r in pacing_board(world.class_a)} == {
        world.learner: "check not taken yet (needs 60 %)",
        world.sibling: "check not taken yet (needs 60 %)",
    }
    answer_all(world.learner, chk, right=1)
    from trellis.curriculum.models import Item
    from trellis.evidence import services as evidence

    attempt = evidence.attempt_start(assessment=chk, learner=world.sibling)
    evidence.response_record(
        learner=world.sibling,
        item=Item.objects.get(pk=attempt.item_ids[0]),
        answer="0",
        idempotency_key="sib-1",
        attempt=attempt,
    )
    # The roster, the paces, the modules, the checks' attempts and their
    # responses: five queries, none per learner.
    with django_assert_num_queries(5):
        rows = {r.learner: r.check for r in pacing_board(world.class_a)}
    assert rows == {
        world.learner: "check not passed: 33 % (needs 60 %); give the module a new check",
        world.sibling: "check under way: 1 of 3 answered",
    }


def test_the_plan_page_draws_the_chart_with_aim_trend_prompt_and_table(world):
    from django.test import Client

    cur = curriculum_for(world)
    start = timezone.localdate() - dt.timedelta(days=40)
    objective = _objective(
        world,
        cur,
        METHOD_MANUAL,
        10,
        50,
        baseline_date=start,
        target_date=start + dt.timedelta(days=80),
        unit="wpm",
    )
    for week, value in enumerate([11, 12, 12, 13], start=1):
        plans.measurement_record(
            objective=objective,
            recorded_by=world.teacher,
            on=start + dt.timedelta(days=7 * week),
            value=value,
        )
    client = Client()
    client.force_login(world.teacher)
    page = client.get(f"/plans/{objective.plan_id}/").content.decode()
    chart = page.split('<div class="indiv-svg">', 1)[1].split("</svg>", 1)[0]
    assert '<line class="aim"' in chart and "<title>Aim line</title>" in chart
    assert '<line class="trend"' in chart and "<title>Trend line</title>" in chart
    assert chart.count("<circle cx") - 1 == 4  # one more in the legend
    assert "Decision rule:" in page and "consider changing it" in page
    table = page.split('<table class="data indiv-points">', 1)[1].split("</table>", 1)[0]
    assert "Data points (4)" in table
    rows = table.split("<tbody>", 1)[1].split("</tr>")[:-1]
    # Week 1: aim is 10 + 40 × 7/80 = 13.5; the point (11) is behind it.
    assert "<td>11</td><td>13.5</td><td>Yes</td>" in rows[0].replace("\n", "")
    assert "0.60 per week" in page
