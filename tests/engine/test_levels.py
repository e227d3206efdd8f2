from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.engine.levels import (
    FAMILIAR,
    MASTERED,
    MIN_ATTEMPTS_MASTERED,
    PROFICIENT,
    Level,
    level,
    percent,
    percent_to,
)


@pytest.mark.parametrize(
    ("p", "n", "expected"),
    [
        (0.99, 0, Level.NOT_STARTED),
        (0.0, 1, Level.ATTEMPTED),
        (FAMILIAR - 1e-9, 5, Level.ATTEMPTED),
        (FAMILIAR, 5, Level.FAMILIAR),
        (PROFICIENT - 1e-9, 5, Level.FAMILIAR),
        (PROFICIENT, 5, Level.PROFICIENT),
        (MASTERED - 1e-9, 5, Level.PROFICIENT),
        (MASTERED, MIN_ATTEMPTS_MASTERED, Level.MASTERED),
        (0.999, MIN_ATTEMPTS_MASTERED - 1, Level.PROFICIENT),
        (1.0, 10, Level.MASTERED),
    ],
)
def test_levels(p: float, n: int, expected: Level) -> None:
    assert level(p, n) is expected
    assert level(p, n) == expected.value


def test_levels_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        level(1.5, 2)
    with pytest.raises(ValueError):
        level(float("nan"), 2)
    with pytest.raises(ValueError):
        level(0.5, -1)


def test_levels_are_monotone_in_mastery() -> None:
    order = list(Level)
    last = 0
    for i in range(101):
        cur = order.index(level(i / 100, 10))
        assert cur >= last
        last = cur


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.9496, 94),  # rounds to 95, but is below MASTERED: kept at 94
        (0.95, 95),
        (0.9449, 94),
        (0.5996, 59),
        (0.60, 60),
        (0.3951, 39),
        (0.40, 40),
        (0.57, 57),
        (0.125, 12),  # Python rounds half to even; no threshold near
        (0.995, 100),
        (0.0, 0),
        (1.0, 100),
        (1.0 + 1e-9, 100),  # a stored figure a hair outside [0, 1]
        (-1e-9, 0),
    ],
)
def test_a_percent_is_rounded_but_never_up_across_a_threshold(p: float, shown: int) -> None:
    assert percent(p) == shown


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_the_shown_percent_reads_as_the_same_level_and_is_within_a_point(p: float) -> None:
    """A reader who holds the shown percent against the legend's thresholds
    finds the level shown beside it."""
    for digits in (0, 1):
        shown = percent_to(p, digits)
        assert level(shown / 100, 5) is level(p, 5)
        assert abs(shown - 100 * p) <= 10.0**-digits + 1e-9
    assert percent(p) == int(percent_to(p, 0))
