"""Adaptive practice: which item comes next, and when to stop.

Rules, in the words a learner or teacher would use:

* **Keep it challenging but doable.** The next item is the one whose
  predicted chance of success (from the mastery model) is closest to a
  target, about 70 % by default -- hard enough to learn from, easy enough
  to keep going.
* **No repeats while fresh items remain.** Items already seen in this
  session are only offered again once every item has been seen (and only
  if repeats are allowed).
* **Stop at mastery.** Practice on a competency stops once the estimated
  probability of mastery reaches the threshold (0.95 by default).
* **Ties are broken by item id**, so the same situation always gives the
  same item.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

# --- Error messages ---------------------------------------------------------

PROBABILITY_ERROR = "{name} must be a probability between 0 and 1, not {value}."

DEFAULT_TARGET = 0.7
DEFAULT_MASTERY_THRESHOLD = 0.95

STOP_MASTERED_MESSAGE = "Mastery reached: practice on this competency stops here."
STOP_NO_ITEMS_MESSAGE = "No practice items are left for this competency."


@dataclass(frozen=True)
class ItemCandidate:
    id: str
    predicted_success: float  # the model's chance this learner answers correctly

    def __post_init__(self) -> None:
        _check_probability("predicted_success", self.predicted_success)


@dataclass(frozen=True)
class PracticeStep:
    """What to do next: an item to show, or stop (with the reason)."""

    item_id: str | None
    stop: bool
    message: str


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(PROBABILITY_ERROR.format(name=name, value=value))


def choose_next_item(
    candidates: Sequence[ItemCandidate],
    seen: Collection[str],
    target: float = DEFAULT_TARGET,
    *,
    allow_repeats: bool = True,
) -> str | None:
    """The id of the candidate whose predicted success is closest to
    ``target``, among those not yet ``seen`` (all candidates once every one
    has been seen, if ``allow_repeats``). None when there is nothing to show."""
    _check_probability("target", target)
    fresh = [c for c in candidates if c.id not in seen]
    pool = fresh if fresh else (list(candidates) if allow_repeats else [])
    if not pool:
        return None
    best = min(pool, key=lambda c: (round(abs(c.predicted_success - target), 9), c.id))
    return best.id


def should_stop(mastery_prob: float, threshold: float = DEFAULT_MASTERY_THRESHOLD) -> bool:
    """True once the probability of mastery has reached the threshold."""
    _check_probability("mastery_prob", mastery_prob)
    _check_probability("threshold", threshold)
    return mastery_prob >= threshold


def next_practice_step(
    candidates: Sequence[ItemCandidate],
    seen: Collection[str],
    mastery_prob: float,
    *,
    target: float = DEFAULT_TARGET,
    threshold: float = DEFAULT_MASTERY_THRESHOLD,
    allow_repeats: bool = True,
) -> PracticeStep:
    """Both rules together: stop at mastery, else the next item."""
    if should_stop(mastery_prob, threshold):
        return PracticeStep(None, True, STOP_MASTERED_MESSAGE)
    item = choose_next_item(candidates, seen, target, allow_repeats=allow_repeats)
    if item is None:
        return PracticeStep(None, True, STOP_NO_ITEMS_MESSAGE)
    chance = next(c.predicted_success for c in candidates if c.id == item)
    return PracticeStep(
        item,
        False,
        f"Next item chosen for about a {round(100 * chance)}% chance of success "
        f"(aiming for {round(100 * target)}%).",
    )
