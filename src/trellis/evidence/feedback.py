"""Feedback on an answer in words that match the event: right or wrong
first, then how the learner's mastery of each competency moved with it
("Not quite. Your mastery of 6.RP.1 went down from 97 % to 91 % (still
mastered)."). A wrong answer never reads as good news: when the estimate
rises after a wrong answer (the model allows for learning), it says the
figure without calling it progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from trellis.engine import levels
from trellis.evidence.models.mastery_state import LEVELS, NOT_STARTED

LEVEL_LABELS = dict(LEVELS)

#: Where the last answer's movement is kept between the POST and the page
#: that shows it (the session), keyed by the response.
SESSION_KEY = "evidence:last-move"


@dataclass(frozen=True)
class Move:
    competency: str  # label, e.g. "6.RP.1"
    before_percent: float
    after_percent: float
    before_level: str
    after_level: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def level_word(level: str) -> str:
    return _(LEVEL_LABELS[level]).lower()


def move_text(move: Move, correct: bool) -> str:
    """One sentence on how mastery of one competency moved."""
    a, b = _pair(move.before_percent, move.after_percent)
    same = move.before_level == move.after_level
    level = level_word(move.after_level)
    state = (_("still %(level)s") if same else _("now %(level)s")) % {"level": level}
    args = {"code": move.competency, "a": a, "b": b, "state": state}
    if move.after_percent < move.before_percent and a != b:
        return _("Your mastery of %(code)s went down from %(a)s %% to %(b)s %% (%(state)s).") % args
    if a == b:
        return _("Your mastery of %(code)s stayed at %(b)s %% (%(state)s).") % args
    if correct:
        return _("Your mastery of %(code)s went up from %(a)s %% to %(b)s %% (%(state)s).") % args
    return (
        _(
            "Your mastery estimate of %(code)s is %(b)s %% (%(state)s): a wrong answer "
            "does not count as progress; try a similar question."
        )
        % args
    )


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two percentages as text: whole numbers, or one decimal when whole
    numbers would hide the move (99.7 -> 99.1). Neither is rounded up across
    a level's threshold it has not reached (``engine.levels.percent_to``):
    94.96 % beside "still proficient" reads 94, not 95."""
    for digits in (0, 1):
        x, y = _shown(a, digits), _shown(b, digits)
        if x != y:
            return x, y
    return _shown(a, 0), _shown(b, 0)


def _shown(percent: float, digits: int) -> str:
    return f"{levels.percent_to(percent / 100, digits):.{digits}f}"


def feedback_text(correct: bool, moves: list[Move]) -> str:
    head = _("Correct.") if correct else _("Not quite.")
    return " ".join([head, *(move_text(m, correct) for m in moves)])


def moves_of(result, labels: dict[int, str]) -> list[Move]:
    """The movement of each competency a recorded answer updated
    (``RecordResult.before`` and ``.estimates``), in label order."""
    out = []
    for cid, estimate in result.estimates.items():
        before = result.before.get(cid)
        out.append(
            Move(
                competency=labels.get(cid, str(cid)),
                before_percent=100 * before.probability if before else 0.0,
                after_percent=100 * estimate.probability,
                before_level=before.level if before else NOT_STARTED,
                after_level=str(estimate.level),
            )
        )
    return sorted(out, key=lambda m: m.competency)


def remember(session, result) -> None:
    """Keep the answer's movement for the page the learner is sent to."""
    from trellis.curriculum.selectors import competencies_by_ids

    labels = {c.pk: c.label for c in competencies_by_ids(result.estimates)}
    session[SESSION_KEY] = {
        "response": result.response.pk,
        "moves": [m.as_dict() for m in moves_of(result, labels)],
    }


def recall(session, response) -> str:
    """The feedback sentence for ``response`` (a Response), if its movement
    was kept; otherwise right or wrong alone."""
    kept = session.get(SESSION_KEY) or {}
    moves = []
    if kept.get("response") == response.pk:
        moves = [Move(**m) for m in kept.get("moves", [])]
    return feedback_text(bool(response.correct), moves)
