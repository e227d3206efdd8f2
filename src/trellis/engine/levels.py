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
