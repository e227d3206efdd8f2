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

Each flag's ``evidence`` is an English sentence; beside it the flag carries
the same sentence as a key of ``REASONS`` and its parameters
(``reason_params``), so that a presentation layer can say it in another
language (``trellis.differentiation.words``).
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

#: The sentences a flag's ``evidence`` can be, by key; ``{time}`` is the
#: clock time (HH:MM) the run or the quiet started. Keys ending in ``_one``
#: are the singular of the key without it.
REASONS: Final[dict[str, str]] = {
    "wrong_on": "{count} wrong in a row on {competency} since {time}",
    "wrong": "{count} wrong in a row since {time}",
    "idle": "No activity for {minutes} minutes, since {time}",
    "idle_one": "No activity for {minutes} minute, since {time}",
    "idle_from_start": "No activity since the lesson started for {minutes} minutes, since {time}",
    "idle_from_start_one": (
        "No activity since the lesson started for {minutes} minute, since {time}"
    ),
    "mastered_objective": "Mastered {objective} at {time}: ready for a challenge",
    "mastered_the_objective": "Mastered the lesson's objective at {time}: ready for a challenge",
    "right_on": "{count} right in a row on {competency} since {time}",
    "right": "{count} right in a row since {time}",
}


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
    #: ``evidence`` as a key of ``REASONS`` and its parameters (``time`` is
    #: the datetime itself, which ``evidence`` shows as HH:MM).
    reason: str = ""
    reason_params: tuple[tuple[str, object], ...] = ()


def _flag(
    learner_id: str,
    kind: FlagKind,
    subject: str | None,
    reason: str,
    since: datetime,
    **params: object,
) -> Flag:
    """A flag whose evidence is ``REASONS[reason]`` said with ``params`` and
    the time ``since``."""
    evidence = REASONS[reason].format(time=_hm(since), **params)
    return Flag(
        learner_id,
        kind,
        subject,
        evidence,
        since,
        reason,
        tuple(sorted({**params, "time": since}.items())),
    )


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
            at = wrong[0].timestamp
            if comp:
                flags.append(
                    _flag(
                        learner_id,
                        STUCK_ERRORS,
                        comp,
                        "wrong_on",
                        at,
                        count=len(wrong),
                        competency=comp,
                    )
                )
            else:
                flags.append(_flag(learner_id, STUCK_ERRORS, comp, "wrong", at, count=len(wrong)))

        last = events[-1].timestamp if events else lesson_start
        if last is not None and now - last >= idle_after:
            minutes = int((now - last).total_seconds() // 60)
            key = "idle" if events else "idle_from_start"
            flags.append(
                _flag(
                    learner_id,
                    IDLE,
                    events[-1].competency if events else None,
                    key + ("_one" if minutes == 1 else ""),
                    last,
                    minutes=minutes,
                )
            )

        right = _trailing_run(answers, True)
        if learner_id in mastered:
            at = mastered[learner_id]
            if objective:
                flags.append(
                    _flag(
                        learner_id,
                        RACING_AHEAD,
                        objective,
                        "mastered_objective",
                        at,
                        objective=objective,
                    )
                )
            else:
                flags.append(
                    _flag(learner_id, RACING_AHEAD, objective, "mastered_the_objective", at)
                )
        elif len(right) >= correct_in_a_row:
            comp = right[-1].competency
            at = right[0].timestamp
            if comp:
                flags.append(
                    _flag(
                        learner_id,
                        RACING_AHEAD,
                        comp,
                        "right_on",
                        at,
                        count=len(right),
                        competency=comp,
                    )
                )
            else:
                flags.append(_flag(learner_id, RACING_AHEAD, comp, "right", at, count=len(right)))
    flags.sort(key=lambda f: (_ORDER[f.kind], f.since, f.learner_id))
    return flags
