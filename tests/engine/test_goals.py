"""Projected dates for goals, with their uncertainty and plain answers."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.goals import (
    NO_PROGRESS_MESSAGE,
    NOT_ENOUGH_MESSAGE,
    PROGRESS_RANGE_ERROR,
    ProgressObservation,
    project_goal,
)

START = date(2025, 1, 6)


def obs(values, every_days=7):
    return [
        ProgressObservation(START + timedelta(days=every_days * k), v) for k, v in enumerate(values)
    ]


def test_steady_progress_projects_exactly():
    # 10 points a week from 0: reaches 1.0 after 10 weeks.
    p = project_goal(obs([0.0, 0.1, 0.2, 0.3]))
    assert p.date == START + timedelta(weeks=10)
    assert p.earliest == p.latest == p.date  # no scatter, no uncertainty
    assert p.rate_per_week == pytest.approx(0.1)
    assert "10.0 percentage points a week" in p.message


def test_noisy_progress_has_a_range_around_the_date():
    p = project_goal(obs([0.0, 0.14, 0.17, 0.33, 0.38, 0.52]))
    assert p.date is not None and p.earliest is not None and p.latest is not None
    assert p.earliest < p.date < p.latest
    assert "likely between" in p.message and "80% range" in p.message
    wider = project_goal(obs([0.0, 0.14, 0.17, 0.33, 0.38, 0.52]), confidence=0.95)
    assert wider.earliest <= p.earliest and wider.latest >= p.latest


def test_very_noisy_progress_has_no_latest_date():
    p = project_goal(obs([0.05, 0.3, 0.0, 0.35, 0.1, 0.4]))
    assert p.date is not None
    assert p.latest is None
    assert "vary too much" in p.message


@pytest.mark.parametrize("values", [[], [0.2], [0.1, 0.2]])
def test_too_few_check_ins(values):
    p = project_goal(obs(values))
    assert p.date is None and p.message == NOT_ENOUGH_MESSAGE
    assert "not enough check-ins yet" in p.message.lower()


def test_same_day_check_ins_are_not_enough():
    same = [ProgressObservation(START, v) for v in (0.1, 0.2, 0.3)]
    assert project_goal(same).message == NOT_ENOUGH_MESSAGE


@pytest.mark.parametrize("values", [[0.2, 0.2, 0.2], [0.5, 0.4, 0.3]])
def test_no_progress_or_going_back(values):
    p = project_goal(obs(values))
    assert p.date is None and p.message == NO_PROGRESS_MESSAGE
    assert p.rate_per_week is not None and p.rate_per_week <= 0


def test_goal_already_reached():
    p = project_goal(obs([0.5, 0.9, 1.0, 0.95]))
    assert p.reached and p.date == START + timedelta(weeks=2)
    assert p.message == "Goal reached on 20 Jan 2025."


def test_due_date_on_track():
    data = obs([0.0, 0.1, 0.2, 0.3])
    assert project_goal(data, due=START + timedelta(weeks=12)).on_track is True
    late = project_goal(data, due=START + timedelta(weeks=8))
    assert late.on_track is False and "after the goal’s date" in late.message


def test_never_projects_before_the_last_check_in():
    # Fast start, then stalled just short of the target.
    p = project_goal(obs([0.0, 0.6, 0.9, 0.92, 0.93, 0.94]))
    last = START + timedelta(weeks=5)
    assert p.date is not None and p.date >= last
    assert p.earliest is None or p.earliest >= last


def test_validation():
    with pytest.raises(ValueError) as exc:
        project_goal(obs([0.1, 1.2]))
    assert str(exc.value) == PROGRESS_RANGE_ERROR.format(value=1.2, day=START + timedelta(days=7))
    with pytest.raises(ValueError):
        project_goal(obs([0.1]), confidence=1.0)
    with pytest.raises(ValueError):
        project_goal(obs([0.1]), target=0.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.floats(0, 1)), max_size=15))
def test_projection_is_ordered_when_given(raw):
    data = [ProgressObservation(START + timedelta(days=d), v) for d, v in raw]
    p = project_goal(data)
    assert p.message
    if p.date is not None and not p.reached:
        last = max(o.date for o in data)
        assert p.date >= last
        if p.earliest is not None:
            assert p.earliest <= p.date
        if p.latest is not None:
            assert p.latest >= p.date
