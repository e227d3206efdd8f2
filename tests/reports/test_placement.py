"""Classes run in each style (by the demo's runners) land where they
should, and the decisions behind each row are the records the styles made,
each counted once however many records it wrote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trellis.engine.continuum import (
    DIFFERENTIATION,
    INDIVIDUALIZATION,
    PERSONALIZATION,
    WHOLE_CLASS,
)
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def _result(school_class, days: int = 30):
    today = timezone.localdate()
    return selectors.continuum_for(
        counts.class_scope(school_class), today - dt.timedelta(days=days), today
    )


def _tally(result, row_key: str, source: str):
    row = next(r for r in result.report.rows if r.key == row_key)
    return next(t for t in row.sources if t.key == source)


def test_each_style_lands_on_its_approach(styled):
    assert _result(styled.diff).report.label == f"mostly {DIFFERENTIATION}"
    assert _result(styled.indiv).report.label == f"mostly {INDIVIDUALIZATION}"
    assert _result(styled.pers).report.label == f"mostly {PERSONALIZATION}"
    positions = [_result(c).report.position for c in (styled.diff, styled.indiv, styled.pers)]
    assert positions[0] < 0.5 < positions[1] < 1.5 < positions[2]


def test_decisions_and_learner_days_are_the_records_made(styled):
    learners = styled.diff.enrollments.filter(active=True).count()
    diff = _result(styled.diff)
    assert _tally(diff, "starts_with", "groupings").decisions == 2  # two lessons
    assert _tally(diff, "starts_with", "groupings").learner_days == learners  # one day
    assert _tally(diff, "progress", "group_lessons").decisions == 6  # 2 lessons x 3 groups
    # Two groupings on the same day govern each learner's day once.
    assert next(r for r in diff.report.rows if r.key == "progress").learner_days == learners
    pers = _result(styled.pers)
    assert _tally(pers, "objectives", "learner_goals").decisions == learners
    assert _tally(pers, "support", "help_to_network").decisions == learners
    assert _tally(pers, "support", "help_to_teacher").decisions == 0
    assert _tally(pers, "progress", "benchmarks_met").decisions == learners
    assert _tally(pers, "who_designs", "proposals").decisions == learners // 2
    indiv = _result(styled.indiv)
    # Each plan was saved four times (created, two objectives, a support): one plan each.
    assert _tally(indiv, "starts_with", "individual_plans").decisions == learners
    assert _tally(indiv, "support", "support_sessions").decisions == 3 * learners
    # Placing the class on its default sequence is one whole-class decision.
    placed = _tally(indiv, "who_designs", "class_sequences")
    assert (placed.decisions, placed.learner_days, placed.approach) == (1, learners, WHOLE_CLASS)
    assert _tally(indiv, "who_designs", "individual_sequences").decisions == 0


def test_date_range_excludes_records_outside_it(styled):
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    result = selectors.continuum_for(
        counts.class_scope(styled.diff), long_ago, long_ago + dt.timedelta(days=10)
    )
    assert result.report.label == "not enough evidence"
    assert result.report.rows_with_data == 0


def test_learner_and_school_scopes(styled, world):
    learner = styled.pers.enrollments.order_by("pk").first().learner
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    result = selectors.continuum_for(counts.learner_scope(learner), start, today)
    assert _tally(result, "objectives", "learner_goals").decisions == 1
    # One learner on one day is below the minimum of learner-days.
    assert result.report.label == "not enough evidence"
    school = selectors.continuum_for(counts.school_scope(world.school), start, today)
    per_class = [_result(c) for c in (styled.diff, styled.indiv, styled.pers)]
    for row, source in (("objectives", "learner_goals"), ("starts_with", "groupings")):
        assert _tally(school, row, source).decisions == sum(
            _tally(c, row, source).decisions for c in per_class
        )


def test_drill_down_lists_the_records_counted(styled):
    today = timezone.localdate()
    scope = counts.class_scope(styled.pers)
    start = today - dt.timedelta(days=30)
    records = selectors.drill_down(scope, start, today, "learner_goals")
    assert len(records) == _tally(_result(styled.pers), "objectives", "learner_goals").decisions
    assert all(r.day == today and len(r.learner_ids) == 1 for r in records)
    with pytest.raises(ValueError, match="no kind of record called"):
        selectors.drill_down(scope, start, today, "nonsense")


def test_bad_range_is_refused():
    with pytest.raises(ValueError, match="must not be after"):
        selectors.parse_range("2026-02-01", "2026-01-01")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        selectors.parse_range("yesterday", None)
