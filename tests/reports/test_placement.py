"""Classes run in each style land where they should on the continuum, and
the counts behind each row are the records the styles made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from trellis.engine.continuum import DIFFERENTIATION, INDIVIDUALIZATION, PERSONALIZATION
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def _report(school_class, days: int = 30):
    today = timezone.localdate()
    return selectors.continuum_for(
        counts.class_scope(school_class), today - dt.timedelta(days=days), today
    )


def test_each_style_lands_on_its_approach(styled):
    assert _report(styled.diff).report.label == f"mostly {DIFFERENTIATION}"
    assert _report(styled.indiv).report.label == f"mostly {INDIVIDUALIZATION}"
    assert _report(styled.pers).report.label == f"mostly {PERSONALIZATION}"
    positions = [_report(c).report.position for c in (styled.diff, styled.indiv, styled.pers)]
    assert positions[0] < 0.5 < positions[1] < 1.5 < positions[2]


def test_counts_are_the_records_made(styled):
    diff = _report(styled.diff).counts
    assert diff.groups_formed == 6  # two lessons x three groups
    assert diff.class_objectives == 2
    assert diff.calendar_advances == 12  # six learners placed twice
    assert diff.assessments_for == 2 and diff.assessments_of == 1
    assert diff.goals_set_by_learner == 0
    pers = _report(styled.pers).counts
    assert pers.goals_set_by_learner == 6
    assert pers.network_members_added == 6
    assert pers.help_requests_to_network == 6
    assert pers.help_requests_to_teacher == 0
    assert pers.mastery_advances == 6
    assert pers.learner_proposals == 3
    indiv = _report(styled.indiv).counts
    assert indiv.specific_objectives == 12  # six learners x two objectives
    assert indiv.one_on_one_supports == 18
    assert indiv.teacher_set_sequences == 6
    assert indiv.own_pace_advances == 3  # the three ready learners pass module 1
    assert indiv.resources_assigned_to_individual == 6
    assert indiv.assessments_of == 3


def test_date_range_excludes_records_outside_it(styled):
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    result = selectors.continuum_for(
        counts.class_scope(styled.diff), long_ago, long_ago + dt.timedelta(days=10)
    )
    assert result.report.label == "no data"
    assert result.report.rows_with_data == 0


def test_learner_and_school_scopes(styled, world):
    learner = styled.pers.enrollments.order_by("pk").first().learner
    today = timezone.localdate()
    result = selectors.continuum_for(
        counts.learner_scope(learner), today - dt.timedelta(days=30), today
    )
    assert result.counts.goals_set_by_learner == 1
    assert result.report.label == f"mostly {PERSONALIZATION}"
    # the school's counts add up its classes
    school = selectors.continuum_for(
        counts.school_scope(world.school), today - dt.timedelta(days=30), today
    ).counts
    per_class = [_report(c).counts for c in (styled.diff, styled.indiv, styled.pers)]
    assert school.goals_set_by_learner == sum(c.goals_set_by_learner for c in per_class)
    assert school.groups_formed == sum(c.groups_formed for c in per_class)


def test_drill_down_lists_the_records_counted(styled):
    today = timezone.localdate()
    scope = counts.class_scope(styled.pers)
    start = today - dt.timedelta(days=30)
    records = selectors.drill_down(scope, start, today, "goals_set_by_learner")
    assert len(records) == _report(styled.pers).counts.goals_set_by_learner
    with pytest.raises(ValueError, match="no count called"):
        selectors.drill_down(scope, start, today, "nonsense")


def test_bad_range_is_refused():
    with pytest.raises(ValueError, match="must not be after"):
        selectors.parse_range("2026-02-01", "2026-01-01")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        selectors.parse_range("yesterday", None)
