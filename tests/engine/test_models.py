"""Properties every mastery model must have: no look-ahead, online = batch,
save/load round trips, registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.replay import online_features, online_predictions
from trellis.engine.bkt import generate_bkt
from trellis.engine.models import MODELS, get_model, load_model, load_model_file
from trellis.engine.responses import ResponseLog

NAMES = sorted(set(MODELS) - {"best"})
_FITTED: dict[str, Any] = {}


def training_log() -> ResponseLog:
    return generate_bkt(60, 3, 12, seed=3)


def fitted(name: str) -> Any:
    if name not in _FITTED:
        _FITTED[name] = get_model(name)().fit(training_log())
    return _FITTED[name]


@st.composite
def logs(draw: st.DrawFn) -> ResponseLog:
    n = draw(st.integers(1, 40))
    learner = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    skill = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    correct = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    order = draw(st.permutations(list(range(n))))
    return ResponseLog(
        learner=np.asarray(learner, dtype=np.int64),
        skill=np.asarray(skill, dtype=np.int64),
        correct=np.asarray(correct, dtype=np.int8),
        order=np.asarray(order, dtype=np.int64),
        learner_ids=("a", "b", "c", "d"),
        # s3 and s4 are not in the training data: defaults are used
        skill_ids=("s0", "s1", "s2", "s3", "s4"),
    )


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=logs(), data=st.data())
def test_no_look_ahead(name: str, log: ResponseLog, data: st.DataObject) -> None:
    model = fitted(name)
    before = model.predict_proba(log)
    t = data.draw(st.integers(0, len(log) - 1))
    later = (log.learner == log.learner[t]) & (log.order > log.order[t])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    correct = log.correct.copy()
    skill = log.skill.copy()
    correct[later] = rng.integers(0, 2, int(later.sum()))
    skill[later] = rng.integers(0, 5, int(later.sum()))
    changed = ResponseLog(
        learner=log.learner,
        skill=skill,
        correct=correct.astype(np.int8),
        order=log.order,
        learner_ids=log.learner_ids,
        skill_ids=log.skill_ids,
    )
    after = model.predict_proba(changed)
    assert after[t] == before[t]
    # and the response at t itself does not leak into its own prediction
    flipped = changed.correct.copy()
    flipped[t] = 1 - flipped[t]
    own = ResponseLog(
        learner=log.learner,
        skill=skill,
        correct=flipped,
        order=log.order,
        learner_ids=log.learner_ids,
        skill_ids=log.skill_ids,
    )
    assert model.predict_proba(own)[t] == before[t]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None)
@given(log=logs())
def test_online_update_equals_batch(name: str, log: ResponseLog) -> None:
    model = fitted(name)
    assert np.array_equal(online_predictions(model, log), model.predict_proba(log))


@pytest.mark.parametrize("name", NAMES)
def test_online_equals_batch_on_generated_data(name: str) -> None:
    model = fitted(name)
    log = generate_bkt(20, 4, 15, seed=11)
    p = model.predict_proba(log)
    assert p.shape == (len(log),) and np.all((p > 0) & (p < 1))
    assert np.array_equal(online_predictions(model, log), p)


@pytest.mark.parametrize("name", NAMES)
def test_save_load_round_trips_bit_for_bit(name: str, tmp_path: Path) -> None:
    model = fitted(name)
    path = tmp_path / "m.json"
    model.save(path)
    again = type(model).load(path)
    assert again.to_dict() == model.to_dict()
    log = generate_bkt(10, 5, 10, seed=5)
    assert np.array_equal(again.predict_proba(log), model.predict_proba(log))
    assert np.array_equal(load_model(model.to_dict()).predict_proba(log), model.predict_proba(log))
    assert np.array_equal(load_model_file(path).predict_proba(log), model.predict_proba(log))


@pytest.mark.parametrize("name", NAMES)
def test_state_round_trips_and_mastery_is_a_probability(name: str) -> None:
    import json

    model = fitted(name)
    state = model.init_state()
    assert model.attempts(state, "s0") == 0
    for c in (0, 1, 1, 1, 1, 1, 1):
        model.update(state, "s0", c)
    assert model.attempts(state, "s0") == 7
    m = model.mastery(state, "s0")
    assert 0.0 < m < 1.0
    assert m > model.mastery(model.init_state(), "s0")
    again = type(state).from_dict(json.loads(json.dumps(state.to_dict())))
    assert model.mastery(again, "s0") == m
    assert model.predict_one(again, "s1") == model.predict_one(state, "s1")
    # unseen skills get defaults
    assert 0.0 < model.mastery(state, "never-seen") < 1.0


def test_registry() -> None:
    assert get_model("bkt").name == "bkt"
    assert get_model("best") is MODELS["history-net"]
    for name, cls in MODELS.items():
        assert name in ("best", cls.name)
    with pytest.raises(KeyError, match="unknown model"):
        get_model("dkt")
    with pytest.raises(ValueError):
        load_model({"model": "nope"})


def test_fit_returns_self_and_learned_attributes_end_in_underscore() -> None:
    for name in NAMES:
        cls = get_model(name)
        model = cls()
        assert not [k for k in vars(model) if k.endswith("_")]
        assert model.fit(training_log()) is model
        assert [k for k in vars(model) if k.endswith("_") and not k.startswith("_")]


def test_history_logit_with_items_online_equals_batch() -> None:
    base = generate_bkt(40, 3, 10, seed=8)
    rng = np.random.default_rng(0)
    item = rng.integers(0, 12, len(base)).astype(np.int64)
    log = ResponseLog(
        learner=base.learner,
        skill=base.skill,
        correct=base.correct,
        order=base.order,
        item=item,
        learner_ids=base.learner_ids,
        skill_ids=base.skill_ids,
        item_ids=tuple(f"i{k}" for k in range(12)),
    )
    model = get_model("history-logit")().fit(log)
    assert len(model.items_) == 12
    batch = model.predict_proba(log)
    out = np.empty(len(log))
    states: dict[int, Any] = {}
    for i in np.lexsort((np.arange(len(log)), log.order, log.learner)).tolist():
        s = states.setdefault(int(log.learner[i]), model.init_state())
        sk, it = log.skill_ids[log.skill[i]], log.item_ids[log.item[i]]
        out[i] = model.predict_one(s, sk, item=it)
        model.update(s, sk, int(log.correct[i]), item=it)
    assert np.array_equal(out, batch)
    again = load_model(model.to_dict())
    assert np.array_equal(again.predict_proba(log), batch)


def test_history_features_vectorised_equal_scalar() -> None:
    """The NumPy feature construction equals the scalar online path bit for
    bit, on shuffled rows with interleaved skills, and for a row subset."""
    from trellis.engine.history import FEATURES, HistoryLogit

    log = generate_bkt(30, 5, 14, seed=5)
    log = log.take(np.random.default_rng(1).permutation(len(log)))
    model = HistoryLogit(max_iter=20).fit(log)
    x = model.history_features(log)
    assert x.shape == (len(log), len(FEATURES))
    expected = online_features(model, log)
    assert np.array_equal(x, expected)
    rows = np.array([0, 7, 3, len(log) - 1])
    assert np.array_equal(model.history_features(log, rows), expected[rows])


def test_history_fit_subsamples_rows_above_max_fit_rows() -> None:
    from trellis.engine.history import HistoryLogit

    log = generate_bkt(40, 3, 10, seed=2)
    small = HistoryLogit(max_iter=30, max_fit_rows=200).fit(log)
    p = small.predict_proba(log)
    assert np.all((p > 0) & (p < 1))
    assert small.n_iter_ <= 30


def test_history_state_rejects_other_layout() -> None:
    from trellis.engine.history import HistoryState

    with pytest.raises(ValueError):
        HistoryState.from_dict({"skills": {"a": [1.0, 2.0]}, "overall": []})


def test_history_net_switches_off_when_held_out_learners_do_not_gain() -> None:
    """Few learners, many skills: the network cannot help the held-out
    learners, so it is switched off and predictions are the linear model's."""
    from trellis.engine.history import HistoryLogit
    from trellis.engine.history_net import HistoryNet

    log = generate_bkt(6, 40, 6, seed=5)
    net = HistoryNet(hidden_iter=200, l2_hidden=0.0).fit(log)
    assert net.hidden_used_ is False
    assert net.holdout_loss_ >= net.holdout_loss_linear_
    assert not net.out_coef_.any()
    linear = HistoryLogit().fit(log)
    assert np.allclose(net.predict_proba(log), linear.predict_proba(log), rtol=0, atol=1e-12)


def test_history_net_kept_when_it_helps_held_out_learners() -> None:
    """Outcomes driven by an interaction the linear model cannot express
    (right when the last answer on this skill equals the last answer on any
    skill: an XOR of two features): the network learns it and is kept."""
    from trellis.engine.history import HistoryLogit
    from trellis.engine.history_net import HistoryNet

    rng = np.random.default_rng(7)
    learner, skill, correct, order = [], [], [], []
    for u in range(300):
        last = {k: int(rng.integers(0, 2)) for k in range(4)}
        overall = int(rng.integers(0, 2))
        for t in range(30):
            k = int(rng.integers(0, 4))
            c = int(rng.random() < (0.9 if last[k] == overall else 0.1))
            last[k] = overall = c
            learner.append(u)
            skill.append(k)
            correct.append(c)
            order.append(t)
    log = ResponseLog(
        learner=np.array(learner),
        skill=np.array(skill),
        correct=np.array(correct, dtype=np.int8),
        order=np.array(order),
    )
    net = HistoryNet(hidden=8).fit(log)
    assert net.hidden_used_ is True
    assert net.holdout_loss_ < net.holdout_loss_linear_
    linear = HistoryLogit().fit(log)
    assert not np.allclose(net.predict_proba(log), linear.predict_proba(log))
