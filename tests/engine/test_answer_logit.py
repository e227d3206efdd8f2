"""answer-logit's recency features: the last three outcomes on a skill and
an item's success rate after the learner's last two outcomes; neither may
read the outcome of the answer it describes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.test_models import training_log, with_correct
from trellis.engine.answer_logit import GLOBAL, PATTERNS, SKILL, AnswerLogit
from trellis.engine.responses import ResponseLog

_MODEL: list[AnswerLogit] = []


def model() -> AnswerLogit:
    if not _MODEL:
        _MODEL.append(AnswerLogit().fit(training_log()))
    return _MODEL[0]


def test_the_last_three_outcomes_on_a_skill_light_one_pattern() -> None:
    # learner a: s0 right, s1 wrong, s0 wrong, s0 right, s0 right, s0 wrong
    outcomes = [1, 0, 0, 1, 1, 0]
    skills = [["s0"], ["s1"], ["s0"], ["s0"], ["s0"], ["s0"]]
    log = ResponseLog.from_skill_lists(
        learner=[0] * 6,
        skills=[[int(s[1:]) for s in k] for k in skills],
        correct=outcomes,
        order=list(range(6)),
        learner_ids=("a",),
        skill_ids=("s0", "s1"),
    )
    _, h, answer = model().features(log)
    pat = h[:, [SKILL.index(p) for p in PATTERNS]]
    on = {
        int(answer[r]): PATTERNS[int(np.argmax(pat[r]))] for r in range(len(answer)) if pat[r].any()
    }
    # s0's outcomes in time order: 1, 0, 1, 1, 0; most recent first
    assert on == {4: "last3_101", 5: "last3_110"}
    assert pat.sum() == 2.0


def _two_outcomes_then(item: int, first: int, learners: range) -> dict[str, list[int]]:
    cols: dict[str, list[int]] = {"learner": [], "item": [], "correct": [], "order": []}
    for u in learners:
        for t, (i, c) in enumerate(((0, first), (0, first), (item, first))):
            cols["learner"].append(u)
            cols["item"].append(i)
            cols["correct"].append(c)
            cols["order"].append(t)
    return cols


def test_an_item_after_two_rights_reads_how_it_went_after_two_rights() -> None:
    # item "x": right for the 20 learners who got two right before it, wrong
    # for the 20 who got two wrong; "w" is a warm-up item
    a = _two_outcomes_then(1, 1, range(20))
    b = _two_outcomes_then(1, 0, range(20, 40))
    n = len(a["learner"]) * 2
    log = ResponseLog(
        learner=np.array(a["learner"] + b["learner"]),
        skill=np.zeros(n, dtype=np.int64),
        correct=np.array(a["correct"] + b["correct"], dtype=np.int8),
        order=np.array(a["order"] + b["order"]),
        item=np.array(a["item"] + b["item"]),
        learner_ids=tuple(f"u{i}" for i in range(40)),
        skill_ids=("s",),
        item_ids=("w", "x"),
    )
    fitted = AnswerLogit().fit(log)
    col = GLOBAL.index("item_after_recent")
    g, _, _ = fitted.features(log)
    third = log.order == 2
    after_rights = g[third & (log.correct == 1), col]
    after_wrongs = g[third & (log.correct == 0), col]
    assert np.all(after_rights > 0.5) and np.all(after_wrongs < -0.5)
    # first answers: no earlier outcome, the rate of "w" as a first item
    # equals its overall rate (half right), so no shift
    assert np.allclose(g[log.order == 0, col], 0.0, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_training_answers_own_outcome_never_reaches_its_own_features(
    data: st.DataObject,
) -> None:
    """Cross-fitting: with the fitted tables fixed, flipping training answer
    t changes none of the features (item means and rates from other learner
    groups included) of t or of its learner's earlier answers."""
    log = training_log()
    fitted = model()
    t = data.draw(st.integers(0, len(log) - 1))
    flipped = log.correct.copy()
    flipped[t] = 1 - flipped[t]
    g0, h0, answer = fitted.features(log, cross_fit=True)
    g1, h1, _ = fitted.features(with_correct(log, flipped), cross_fit=True)
    mine = (log.learner == log.learner[t]) & (log.order <= log.order[t])
    mine &= (log.order < log.order[t]) | (np.arange(len(log)) <= t)
    assert np.array_equal(g0[mine], g1[mine])
    assert np.array_equal(h0[mine[answer]], h1[mine[answer]])


def test_an_item_reads_how_it_went_for_peers_with_the_same_record_so_far() -> None:
    # item "x" comes after four warm-up answers: the 20 learners with four
    # rights got it right, the 20 with four wrongs got it wrong; a learner's
    # band is that of (right + 1) / (answers + 2): 5/6 or 1/6
    cols: dict[str, list[int]] = {"learner": [], "item": [], "correct": [], "order": []}
    for u in range(40):
        c = 1 if u < 20 else 0
        for t in range(5):
            cols["learner"].append(u)
            cols["item"].append(1 if t == 4 else 0)
            cols["correct"].append(c)
            cols["order"].append(t)
    n = len(cols["learner"])
    log = ResponseLog(
        learner=np.array(cols["learner"]),
        skill=np.zeros(n, dtype=np.int64),
        correct=np.array(cols["correct"], dtype=np.int8),
        order=np.array(cols["order"]),
        item=np.array(cols["item"]),
        learner_ids=tuple(f"u{i}" for i in range(40)),
        skill_ids=("s",),
        item_ids=("w", "x"),
    )
    fitted = AnswerLogit().fit(log)
    g, _, _ = fitted.features(log)
    col = GLOBAL.index("item_among_peers")
    last = log.order == 4
    # x's mean is 1/2 (shrunk towards 1/2), its rate among the strong band
    # (20 + 5 * 0.5) / (20 + 5) = 0.9, among the weak one 0.1
    assert np.allclose(g[last & (log.correct == 1), col], np.log(0.9 / 0.1))
    assert np.allclose(g[last & (log.correct == 0), col], np.log(0.1 / 0.9))
    # every learner answered x as their fifth answer: no shift by experience
    assert np.allclose(g[last, GLOBAL.index("item_at_experience")], 0.0, atol=1e-9)
    # the same learner, online, sees the same numbers
    state = fitted.init_state()
    for _ in range(4):
        fitted.update(state, "s", True, item="w")
    p = fitted.predict_one(state, "s", item="x")
    batch = fitted.predict_proba(log)[int(np.flatnonzero(last & (log.correct == 1))[0])]
    assert p == batch
