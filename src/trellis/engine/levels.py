"""From a mastery probability and a number of attempts to a platform level.

=============  ==========================================================
level          when
=============  ==========================================================
not_started    no attempt on the skill yet (whatever the probability)
attempted      attempts > 0 and mastery < ``FAMILIAR`` (0.40)
familiar       ``FAMILIAR`` (0.40) <= mastery < ``PROFICIENT`` (0.60)
proficient     ``PROFICIENT`` (0.60) <= mastery < ``MASTERED`` (0.95)
mastered       mastery >= ``MASTERED`` (0.95) and attempts >= ``MIN_ATTEMPTS_MASTERED``
=============  ==========================================================

0.95 is the classic BKT mastery threshold (Corbett & Anderson, 1995). A
learner is never "mastered" on fewer than ``MIN_ATTEMPTS_MASTERED`` (3)
attempts, so one lucky answer on an easy skill cannot close it: such a
learner is shown as proficient.

People read the probability as a whole percent beside its level, and a
legend that states these thresholds. :func:`percent` rounds, but never up
to a threshold the probability has not reached: 0.9496 reads 94 %, not
"proficient, 95 %" under "mastered from 95 %".
"""

from __future__ import annotations

import math
from enum import StrEnum


class Level(StrEnum):
    NOT_STARTED = "not_started"
    ATTEMPTED = "attempted"
    FAMILIAR = "familiar"
    PROFICIENT = "proficient"
    MASTERED = "mastered"


LEVELS: tuple[Level, ...] = tuple(Level)

FAMILIAR = 0.40
PROFICIENT = 0.60
MASTERED = 0.95
MIN_ATTEMPTS_MASTERED = 3


def level(mastery: float, attempts: int) -> Level:
    """The level of a learner on a skill (see the module table)."""
    if attempts < 0:
        raise ValueError(f"expected attempts >= 0, got {attempts}")
    if attempts == 0:
        return Level.NOT_STARTED
    if math.isnan(mastery) or not 0.0 <= mastery <= 1.0:
        raise ValueError(f"expected a probability in [0, 1], got {mastery}")
    if mastery >= MASTERED and attempts >= MIN_ATTEMPTS_MASTERED:
        return Level.MASTERED
    if mastery >= PROFICIENT:
        return Level.PROFICIENT
    if mastery >= FAMILIAR:
        return Level.FAMILIAR
    return Level.ATTEMPTED


#: The probabilities at which the level changes, lowest first.
THRESHOLDS = (FAMILIAR, PROFICIENT, MASTERED)


def percent_to(mastery: float, digits: int) -> float:
    """``100 * mastery`` rounded to ``digits`` decimals, but kept below any
    level threshold that ``mastery`` is below (see the module docstring).
    A stored figure a hair outside [0, 1] reads as 0 or 100."""
    mastery = min(max(mastery, 0.0), 1.0)
    shown = round(100 * mastery, digits)
    for threshold in THRESHOLDS:
        edge = round(100 * threshold, digits)
        if mastery < threshold and shown >= edge:
            return round(edge - 10.0**-digits, digits)
    return shown


def percent(mastery: float) -> int:
    """The mastery as a whole percent for people to read, never rounded up
    across a level's threshold."""
    return int(percent_to(mastery, 0))
