"""Partner skills: a skill whose answers replay another's (multi-skill
problems logged once per skill) is found in training data and its replayed
outcome becomes a feature, from earlier responses only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.replay import online_features, online_predictions
from trellis.engine import partners
from trellis.engine.evaluate import auc
from trellis.engine.history import FEATURES, HistoryLogit, HistoryState
from trellis.engine.responses import ResponseLog


def replay_log(n_learners: int = 200, seed: int = 0, b_first_every: int = 5) -> ResponseLog:
    """Skill a: random outcomes; skill b: a prefix of the same learner's a
    outcomes (answered after a, except every ``b_first_every``-th learner,
    who answers b first); skill c: independent outcomes."""
    rng = np.random.default_rng(seed)
    learner, skill, correct, order = [], [], [], []
    for u in range(n_learners):
        ya = rng.integers(0, 2, int(rng.integers(5, 16))).tolist()
        yb = ya[: int(rng.integers(3, len(ya) + 1))]
        yc = rng.integers(0, 2, int(rng.integers(3, 10))).tolist()
        blocks = [(0, ya), (1, yb), (2, yc)]
        if u % b_first_every == 0:
            blocks = [(1, yb), (0, ya), (2, yc)]
        t = 0
        for k, ys in blocks:
            for y in ys:
                learner.append(u)
                skill.append(k)
                correct.append(y)
                order.append(t)
                t += 1
    return ResponseLog(
        learner=np.array(learner, dtype=np.int64),
        skill=np.array(skill, dtype=np.int64),
        correct=np.array(correct, dtype=np.int8),
        order=np.array(order, dtype=np.int64),
        learner_ids=tuple(f"u{u}" for u in range(n_learners)),
        skill_ids=("a", "b", "c"),
    )


def test_fit_partners_finds_the_replayed_skill() -> None:
    log = replay_log()
    code, strength = partners.fit_partners(log.learner, log.skill, log.order, log.correct, 3)
    assert code[1, 0] == 0  # b's strongest partner is a
    assert strength[1, 0] > 0.9
    # c replays nothing beyond chance, a is not a replay of b (b is shorter)
    assert strength[2].max() < 0.3
    assert strength[0].max() < 0.3


def test_fit_partners_samples_learners_above_max_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    log = replay_log()
    monkeypatch.setattr(partners, "MAX_PAIRS", 300)  # ~33 of the 200 learners
    code, strength = partners.fit_partners(log.learner, log.skill, log.order, log.correct, 3)
    assert code[1, 0] == 0
    assert strength[1, 0] > 0.8


def test_partner_feature_is_the_replayed_outcome_and_never_looks_ahead() -> None:
    log = replay_log()
    model = HistoryLogit(max_iter=50).fit(log)
    assert model.partners_["b"][0][0] == "a"
    x = model.history_features(log)
    sign, match = x[:, FEATURES.index("pa_sign")], x[:, FEATURES.index("pa_match")]
    for u in (1, 2, 0, 5):  # a before b for 1 and 2; b before a for 0 and 5
        rows = np.flatnonzero(log.learner == u)
        a_rows = rows[log.skill[rows] == 0]
        b_rows = rows[log.skill[rows] == 1]
        if u % 5:
            assert match[b_rows].tolist() == [1.0] * len(b_rows)
            assert sign[b_rows].tolist() == [
                2.0 * y - 1.0 for y in log.correct[a_rows][: len(b_rows)]
            ]
        else:  # a's answers come later: nothing to replay yet
            assert not match[b_rows].any()
    # c's partners are chance matches: weak if present
    assert x[log.skill == 2, FEATURES.index("pa_st")].max() < 0.3


def test_partner_feature_stops_when_the_prefixes_differ() -> None:
    model = HistoryLogit(max_iter=30).fit(replay_log())
    st = model.partners_["b"][0][1]
    state = HistoryState()
    for y in (1, 0, 1, 1):
        model.update(state, "a", y)
    on = model._features(state, "b")[FEATURES.index("pa_sign") :]
    assert on == [1.0, st, 1.0, st]
    model.update(state, "b", 0)  # a started with a right answer: no longer a replay
    assert model._features(state, "b")[FEATURES.index("pa_sign") :] == [0.0] * 4


def test_partner_predictions_use_the_replay() -> None:
    """On b's responses after a, the fitted model predicts the replayed
    outcome almost perfectly; on the independent skill c it cannot."""
    train, test = replay_log(seed=1), replay_log(seed=2)
    model = HistoryLogit().fit(train)
    p = model.predict_proba(test)
    b_after_a = (test.skill == 1) & (test.learner % 5 != 0)
    assert auc(test.correct[b_after_a], p[b_after_a]) > 0.97
    assert auc(test.correct[test.skill == 2], p[test.skill == 2]) < 0.7


def test_partner_features_vectorised_equal_scalar_interleaved() -> None:
    """Interleaved skills and shuffled rows: batch features equal the online
    path bit for bit, partners included."""
    log = replay_log(60, seed=3)
    rng = np.random.default_rng(4)
    order = log.order.copy()
    for u in range(60):  # interleave a, b and c within each learner
        rows = np.flatnonzero(log.learner == u)
        order[rows] = rng.permutation(rows.shape[0])
    log = ResponseLog(
        learner=log.learner,
        skill=log.skill,
        correct=log.correct,
        order=order,
        learner_ids=log.learner_ids,
        skill_ids=log.skill_ids,
    )
    model = HistoryLogit(max_iter=20).fit(replay_log(100, seed=5))
    log = log.take(rng.permutation(len(log)))
    x = model.history_features(log)
    expected = online_features(model, log)
    assert x[:, FEATURES.index("pa_match")].any()
    assert np.array_equal(x, expected)


_PARTNER_MODELS: dict[str, HistoryLogit] = {}


def _partner_model(name: str) -> HistoryLogit:
    """history-logit / history-net fit on data where b replays a."""
    from trellis.engine.models import get_model

    if name not in _PARTNER_MODELS:
        _PARTNER_MODELS[name] = get_model(name)().fit(replay_log(150, seed=6))
    return _PARTNER_MODELS[name]


@st.composite
def abc_logs(draw: st.DrawFn) -> ResponseLog:
    """Short logs over skills a, b, c (and unseen d) where replays are common."""
    n = draw(st.integers(1, 30))
    return ResponseLog(
        learner=np.asarray(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))),
        skill=np.asarray(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))),
        correct=np.asarray(
            draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int8
        ),
        order=np.asarray(draw(st.permutations(list(range(n))))),
        learner_ids=("x", "y", "z"),
        skill_ids=("a", "b", "c", "d"),
    )


@pytest.mark.parametrize("name", ["history-logit", "history-net"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=abc_logs(), data=st.data())
def test_partner_models_never_look_ahead_and_online_equals_batch(
    name: str, log: ResponseLog, data: st.DataObject
) -> None:
    model = _partner_model(name)
    assert model.partners_["b"][0][0] == "a"
    before = model.predict_proba(log)
    t = data.draw(st.integers(0, len(log) - 1))
    later = (log.learner == log.learner[t]) & (log.order > log.order[t])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    correct = log.correct.copy()
    correct[later] = rng.integers(0, 2, int(later.sum()))
    changed = ResponseLog(
        learner=log.learner,
        skill=log.skill,
        correct=correct,
        order=log.order,
        learner_ids=log.learner_ids,
        skill_ids=log.skill_ids,
    )
    assert model.predict_proba(changed)[t] == before[t]
    assert np.array_equal(online_predictions(model, log), before)
