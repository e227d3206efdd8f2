"""Live-lesson flags: which learners the teacher may want to go to now.

Computed from each learner's recent events (answers, and other activity
such as opening a resource) at the moment ``now``:

* **Stuck** -- the learner's last ``errors_in_a_row`` answers (default 3)
  were all wrong and all on the same competency: "3 wrong in a row on
  6.RP.1 since 10:42". An answer on another competency, or a right answer,
  breaks the run.
* **Idle** -- nothing at all for ``idle_minutes`` (default 5): "No activity
  for 7 minutes, since 10:40". A learner with no events yet counts from the
  start of the lesson, when it is given.
* **Racing ahead** -- the last ``correct_in_a_row`` answers (default 5) were
  all right and on the same competency, or the learner has already mastered the lesson's objective:
  they may be ready for a challenge.

Flags are listed stuck first, then idle, then racing ahead; within a kind,
the one that started longest ago comes first; ties by learner id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

# --- Error messages ------------------------------------------------------------

THRESHOLD_ERROR = "{name} must be at least 1, not {value}."

STUCK_ERRORS: Final = "stuck_errors"
IDLE: Final = "idle"
RACING_AHEAD: Final = "racing_ahead"
FlagKind = Literal["stuck_errors", "idle", "racing_ahead"]
_ORDER = {STUCK_ERRORS: 0, IDLE: 1, RACING_AHEAD: 2}


@dataclass(frozen=True)
class LessonEvent:
    """One thing a learner did. ``correct`` is None for activity that is not
    an answer (opening a resource, writing a reflection...)."""

    timestamp: datetime
    competency: str | None
    correct: bool | None = None


@dataclass(frozen=True)
class Flag:
    learner_id: str
    kind: FlagKind
    competency: str | None
    evidence: str  # one line for the teacher
    since: datetime


def _hm(t: datetime) -> str:
    return f"{t:%H:%M}"


def _trailing_run(answers: Sequence[LessonEvent], correct: bool) -> list[LessonEvent]:
    """The most recent answers that were all right (or all wrong) and all on
    the competency of the last answer."""
    run: list[LessonEvent] = []
    if not answers:
        return run
    comp = answers[-1].competency
    for e in reversed(answers):
        if e.correct is not correct or e.competency != comp:
            break
        run.append(e)
    run.reverse()
    return run


def flag_learners(
    events_by_learner: Mapping[str, Sequence[LessonEvent]],
    now: datetime,
    *,
    errors_in_a_row: int = 3,
    idle_minutes: float = 5,
    correct_in_a_row: int = 5,
    lesson_start: datetime | None = None,
    objective: str | None = None,
    mastered_objective_at: Mapping[str, datetime] | None = None,
) -> list[Flag]:
    """Flags for every learner in ``events_by_learner`` as of ``now``.

    ``mastered_objective_at`` maps learners who have already mastered the
    lesson's ``objective`` to when they did; they are flagged as racing
    ahead. Events after ``now`` are ignored."""
    for name, value in (
        ("errors_in_a_row", errors_in_a_row),
        ("idle_minutes", idle_minutes),
        ("correct_in_a_row", correct_in_a_row),
    ):
        if value < 1:
            raise ValueError(THRESHOLD_ERROR.format(name=name, value=value))
    mastered = mastered_objective_at or {}
    idle_after = timedelta(minutes=idle_minutes)
    flags: list[Flag] = []
    for learner_id in sorted(events_by_learner):
        events = sorted(
            (e for e in events_by_learner[learner_id] if e.timestamp <= now),
            key=lambda e: e.timestamp,
        )
        answers = [e for e in events if e.correct is not None]

        wrong = _trailing_run(answers, False)
        if len(wrong) >= errors_in_a_row:
            comp = wrong[-1].competency
            on = f" on {comp}" if comp else ""
            flags.append(
                Flag(
                    learner_id,
                    STUCK_ERRORS,
                    comp,
                    f"{len(wrong)} wrong in a row{on} since {_hm(wrong[0].timestamp)}",
                    wrong[0].timestamp,
                )
            )

        last = events[-1].timestamp if events else lesson_start
        if last is not None and now - last >= idle_after:
            minutes = int((now - last).total_seconds() // 60)
            what = "No activity" if events else "No activity since the lesson started"
            flags.append(
                Flag(
                    learner_id,
                    IDLE,
                    events[-1].competency if events else None,
                    f"{what} for {minutes} minutes, since {_hm(last)}",
                    last,
                )
            )

        right = _trailing_run(answers, True)
        if learner_id in mastered:
            at = mastered[learner_id]
            what = f"Mastered {objective}" if objective else "Mastered the lesson's objective"
            flags.append(
                Flag(
                    learner_id,
                    RACING_AHEAD,
                    objective,
                    f"{what} at {_hm(at)}: ready for a challenge",
                    at,
                )
            )
        elif len(right) >= correct_in_a_row:
            comp = right[-1].competency
            on = f" on {comp}" if comp else ""
            flags.append(
                Flag(
                    learner_id,
                    RACING_AHEAD,
                    comp,
                    f"{len(right)} right in a row{on} since {_hm(right[0].timestamp)}",
                    right[0].timestamp,
                )
            )
    flags.sort(key=lambda f: (_ORDER[f.kind], f.since, f.learner_id))
    return flags
