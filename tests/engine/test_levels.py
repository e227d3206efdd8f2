from __future__ import annotations

import pytest

from trellis.engine.levels import (
    FAMILIAR,
    MASTERED,
    MIN_ATTEMPTS_MASTERED,
    PROFICIENT,
    Level,
    level,
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
