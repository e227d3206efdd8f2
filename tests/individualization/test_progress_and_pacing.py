"""Progress monitoring data points, the decision prompt, own-pace modules
and summative reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.individualization.helpers import answer_all, check_for, curriculum_for, plan_for
from trellis.engine import monitoring as m
from trellis.individualization import constants as c
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
    objective = _objective(world, cur, c.METHOD_PERCENT, 0, 100)
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
    objective = _objective(world, cur, c.METHOD_PROBABILITY, 0.1, 0.95)
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
        c.METHOD_MANUAL,
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
    assert progress.decision.kind == m.CHANGE_PLAN and progress.prompt
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
    assert pacing.EMPTY_SEQUENCE in str(err.value)
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
    assert pacing.CHECK_OTHER_CLASS in str(err.value)


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
