"""Progress monitoring: aim line, trend, the four-point rule and the chart's
numbers (the chart is drawn by trellis.individualization.charts and tested
in tests/individualization/test_progress_chart.py)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.monitoring import (
    TARGET_BEFORE_BASELINE_ERROR,
    TOO_FEW_POINTS_ERROR,
    AimLine,
    DataPoint,
    decision,
    progress_table,
    trend_line,
)

START = date(2025, 3, 3)
AIM = AimLine(START, 20.0, START + timedelta(weeks=10), 60.0)  # +4 a week


def pts(values, start=START + timedelta(weeks=1)):
    return [DataPoint(start + timedelta(weeks=k), v) for k, v in enumerate(values)]


def test_aim_line_value_at():
    assert AIM.value_at(START) == 20.0
    assert AIM.value_at(START + timedelta(weeks=5)) == pytest.approx(40.0)
    assert AIM.value_at(START + timedelta(weeks=10)) == pytest.approx(60.0)
    assert AIM.slope_per_day * 7 == pytest.approx(4.0)


@pytest.mark.parametrize("days", [0, -1])
def test_target_not_after_baseline_is_rejected_with_the_constant(days):
    with pytest.raises(ValueError) as exc:
        AimLine(START, 1, START + timedelta(days=days), 2)
    assert str(exc.value) == TARGET_BEFORE_BASELINE_ERROR


def test_ols_trend_recovers_a_straight_line():
    t = trend_line(pts([24, 28, 32, 36]))
    assert t.slope_per_week == pytest.approx(4.0)
    assert t.value_at(START + timedelta(weeks=1)) == pytest.approx(24.0)
    assert t.method == "ols" and t.n_points == 4


def test_tukey_trend_resists_an_outlier():
    values = [24, 28, 32, 90, 40, 44]
    ols = trend_line(pts(values))
    tukey = trend_line(pts(values), method="tukey")
    assert tukey.slope_per_week == pytest.approx(4.0)
    assert abs(ols.slope_per_week - 4.0) > abs(tukey.slope_per_week - 4.0)


def test_trend_needs_three_points_on_two_dates():
    with pytest.raises(ValueError) as exc:
        trend_line(pts([1, 2]))
    assert str(exc.value) == TOO_FEW_POINTS_ERROR
    same_day = [DataPoint(START, v) for v in (1, 2, 3)]
    with pytest.raises(ValueError):
        trend_line(same_day)
    with pytest.raises(ValueError):
        trend_line(pts([1, 2, 3]), method="median")


def test_four_below_prompts_a_change_of_plan():
    d = decision(pts([25, 20, 22, 23, 24]), AIM)  # aim at weeks 1-5: 24..40
    assert d.kind == "change_plan"
    assert len(d.points_considered) == 4
    assert "below the aim line" in d.message and "changing" in d.message


def test_four_above_prompts_raising_the_goal():
    d = decision(pts([30, 35, 40, 45]), AIM)
    assert d.kind == "raise_goal"
    assert "raising" in d.message


def test_mixed_points_keep_going():
    d = decision(pts([30, 20, 35, 20]), AIM)
    assert d.kind == "keep_going"


def test_only_the_most_recent_run_counts():
    # Four early points below, then back above: keep going.
    assert decision(pts([10, 10, 10, 10, 50]), AIM).kind == "keep_going"


def test_rule_restricts_the_direction():
    ahead = pts([30, 35, 40, 45])
    assert decision(ahead, AIM, rule="four_below").kind == "keep_going"
    behind = pts([10, 10, 10, 10])
    assert decision(behind, AIM, rule="four_above").kind == "keep_going"
    assert decision(behind, AIM, rule="four_below", n=3).kind == "change_plan"
    with pytest.raises(ValueError):
        decision(behind, AIM, rule="five_below")  # type: ignore[arg-type]


def test_point_on_the_line_is_neither():
    on_line = [DataPoint(d, AIM.value_at(d)) for d in (p.date for p in pts([0, 0, 0, 0]))]
    assert decision(on_line, AIM).kind == "keep_going"


def test_insufficient_data():
    d = decision(pts([1, 2, 3]), AIM)
    assert d.kind == "insufficient_data"
    assert "3 data points" in d.message and "needs 4" in d.message


def test_decreasing_goal_behind_means_above():
    # Errors per page from 10 down to 0: more errors than the aim is behind.
    aim = AimLine(START, 10.0, START + timedelta(weeks=10), 0.0)
    behind = pts([10, 10, 10, 10])
    d = decision(behind, aim)
    assert d.kind == "change_plan"
    assert "above the aim line" in d.message
    assert decision(pts([0, 0, 0, 0]), aim).kind == "raise_goal"
    rows = progress_table(aim, behind)
    assert all(r.behind for r in rows)


def test_progress_table_numbers():
    rows = progress_table(AIM, list(reversed(pts([30, 20]))))
    assert [r.date for r in rows] == [START + timedelta(weeks=1), START + timedelta(weeks=2)]
    assert rows[0].aim_value == pytest.approx(24.0)
    assert rows[0].difference == pytest.approx(6.0) and not rows[0].behind
    assert rows[1].behind


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.floats(-1e4, 1e4, allow_nan=False)),
        min_size=0,
        max_size=12,
    )
)
def test_decision_always_has_a_kind(raw):
    points = [DataPoint(START + timedelta(days=d), v) for d, v in raw]
    assert decision(points, AIM).kind in {
        "change_plan",
        "raise_goal",
        "keep_going",
        "insufficient_data",
    }
