"""Adaptive practice keeps success near the target, avoids repeats, stops at mastery."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.engine.practice import (
    PROBABILITY_ERROR,
    STOP_MASTERED_MESSAGE,
    STOP_NO_ITEMS_MESSAGE,
    ItemCandidate,
    choose_next_item,
    next_practice_step,
    should_stop,
)

ITEMS = [
    ItemCandidate("easy", 0.95),
    ItemCandidate("target", 0.72),
    ItemCandidate("hard", 0.3),
    ItemCandidate("mid", 0.6),
]


def test_closest_to_target():
    assert choose_next_item(ITEMS, set()) == "target"
    assert choose_next_item(ITEMS, set(), target=0.3) == "hard"


def test_never_repeats_while_fresh_items_remain():
    assert choose_next_item(ITEMS, {"target"}) == "mid"
    assert choose_next_item(ITEMS, {"target", "mid", "hard"}) == "easy"


def test_repeats_only_once_all_seen():
    all_seen = {c.id for c in ITEMS}
    assert choose_next_item(ITEMS, all_seen) == "target"
    assert choose_next_item(ITEMS, all_seen, allow_repeats=False) is None
    assert choose_next_item([], set()) is None


def test_tie_break_by_id():
    tied = [ItemCandidate("b", 0.6), ItemCandidate("a", 0.8), ItemCandidate("c", 0.6)]
    assert choose_next_item(tied, set()) == "a"
    assert choose_next_item(list(reversed(tied)), set()) == "a"


def test_stop_at_mastery():
    assert should_stop(0.96, 0.95)
    assert should_stop(0.95, 0.95)
    assert not should_stop(0.5)
    step = next_practice_step(ITEMS, set(), 0.97)
    assert step.stop and step.item_id is None and step.message == STOP_MASTERED_MESSAGE
    step = next_practice_step(ITEMS, set(), 0.4)
    assert not step.stop and step.item_id == "target" and "72%" in step.message
    step = next_practice_step([], set(), 0.4)
    assert step.stop and step.message == STOP_NO_ITEMS_MESSAGE


def test_probabilities_validated():
    with pytest.raises(ValueError) as exc:
        ItemCandidate("x", 1.5)
    assert str(exc.value) == PROBABILITY_ERROR.format(name="predicted_success", value=1.5)
    with pytest.raises(ValueError):
        should_stop(-0.1)


@given(
    st.lists(st.tuples(st.text("abcdef", min_size=1, max_size=3), st.floats(0, 1)), max_size=10),
    st.sets(st.text("abcdef", min_size=1, max_size=3)),
    st.floats(0, 1),
)
def test_choice_properties(raw, seen, target):
    candidates = [ItemCandidate(i, p) for i, p in raw]
    chosen = choose_next_item(candidates, seen, target)
    fresh = [c for c in candidates if c.id not in seen]
    if not candidates:
        assert chosen is None
        return
    pool = fresh or candidates
    assert chosen in {c.id for c in pool}
    best = min(abs(c.predicted_success - target) for c in pool)
    chosen_gap = min(abs(c.predicted_success - target) for c in pool if c.id == chosen)
    assert chosen_gap <= best + 1e-9
