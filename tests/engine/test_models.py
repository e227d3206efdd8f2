"""Properties every mastery model must have: no look-ahead, online = batch,
save/load round trips, registry."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.replay import online_predictions, time_order
from trellis.engine.base import UNKNOWN_PARAM, EngineModel
from trellis.engine.bkt import generate_bkt
from trellis.engine.models import CANDIDATES, MODELS, get_model, load_model, load_model_file
from trellis.engine.responses import ResponseLog

NAMES = sorted(set(MODELS) - {"best"})
_FITTED: dict[str, Any] = {}


def training_log() -> ResponseLog:
    """BKT-generated answers, two in five given a second skill, with items."""
    base = generate_bkt(60, 3, 12, seed=3)
    rng = np.random.default_rng(0)
    skills = [[k] if rng.random() < 0.6 else [k, (k + 1) % 3] for k in base.skill.tolist()]
    return ResponseLog.from_skill_lists(
        learner=base.learner,
        skills=skills,
        correct=base.correct,
        order=base.order,
        item=rng.integers(0, 3, len(base)),
        learner_ids=base.learner_ids,
        skill_ids=base.skill_ids,
        item_ids=("i0", "i1", "i2"),
    )


def fitted(name: str) -> Any:
    if name not in _FITTED:
        _FITTED[name] = get_model(name)().fit(training_log())
    return _FITTED[name]


@st.composite
def logs(draw: st.DrawFn) -> ResponseLog:
    """Small logs with time ties (``order`` drawn with repeats), answers with
    one to three skills, items (some unseen in training, some unknown)."""
    n = draw(st.integers(1, 40))
    learner = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    skills = draw(
        st.lists(
            st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
            min_size=n,
            max_size=n,
        )
    )
    correct = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    order = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    item = draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n))
    return ResponseLog.from_skill_lists(
        learner=learner,
        skills=skills,
        correct=correct,
        order=order,
        item=item,
        learner_ids=("a", "b", "c", "d"),
        # s3 and s4 are not in the training data: defaults are used
        skill_ids=("s0", "s1", "s2", "s3", "s4"),
        item_ids=("i0", "i1", "i2", "new"),
    )


def with_correct(log: ResponseLog, correct: np.ndarray) -> ResponseLog:
    return ResponseLog.multi(
        learner=log.learner,
        skill_ptr=log.csr()[0],
        skill_idx=log.csr()[1],
        correct=correct.astype(np.int8),
        order=log.order,
        item=log.item,
        learner_ids=log.learner_ids,
        skill_ids=log.skill_ids,
        item_ids=log.item_ids,
    )


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=logs(), data=st.data())
def test_flipping_an_answer_never_changes_earlier_or_its_own_prediction(
    name: str, log: ResponseLog, data: st.DataObject
) -> None:
    """The property that makes leakage impossible: with time ties and
    multi-skill answers, flipping answer t changes no prediction for any
    answer up to and including t (in processing order: learner, order, row)."""
    model = fitted(name)
    before = model.predict_proba(log)
    t = data.draw(st.integers(0, len(log) - 1))
    flipped = log.correct.copy()
    flipped[t] = 1 - flipped[t]
    after = model.predict_proba(with_correct(log, flipped))
    rank = np.empty(len(log), dtype=np.int64)
    rank[time_order(log)] = np.arange(len(log))
    same_learner = log.learner == log.learner[t]
    untouched = ~same_learner | (rank <= rank[t])
    assert np.array_equal(after[untouched], before[untouched])


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None)
@given(log=logs(), data=st.data())
def test_later_answers_never_reach_earlier_predictions(
    name: str, log: ResponseLog, data: st.DataObject
) -> None:
    model = fitted(name)
    before = model.predict_proba(log)
    t = data.draw(st.integers(0, len(log) - 1))
    rank = np.empty(len(log), dtype=np.int64)
    rank[time_order(log)] = np.arange(len(log))
    later = (log.learner == log.learner[t]) & (rank > rank[t])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    correct = log.correct.copy()
    correct[later] = rng.integers(0, 2, int(later.sum()))
    after = model.predict_proba(with_correct(log, correct))
    assert after[t] == before[t]


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
    assert get_model("best") is MODELS["answer-logit"]
    assert set(CANDIDATES) == set(MODELS) - {"best"}
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


def test_answer_logit_fits_a_sample_of_answers_above_max_fit_rows() -> None:
    from trellis.engine.answer_logit import AnswerLogit

    log = training_log()
    small = AnswerLogit(max_fit_rows=200).fit(log)
    full = AnswerLogit().fit(log)
    # the item and skill tables come from the whole log either way
    assert small.items_ == full.items_ and small.skills_ == full.skills_
    assert len(small.item_coef_) == len(small.items_)
    assert not np.array_equal(small.global_coef_, full.global_coef_)
    p = small.predict_proba(log)
    assert np.all((p > 0) & (p < 1))
    assert np.array_equal(online_predictions(small, log), p)


# ------------------------------------------------------- parameters (EngineModel)
def _changed(value: Any) -> Any:
    """A value of the same type that differs from ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 3
    if isinstance(value, float):
        return value * 2 + 0.125
    if value is None:
        return 123
    return {"mean": "product", "product": "mean"}.get(value, value)


@pytest.mark.parametrize("name", NAMES)
def test_get_params_is_the_init_signature_and_clones(name):
    cls = MODELS[name]
    assert issubclass(cls, EngineModel)
    model = cls()
    params = model.get_params()
    assert list(params) == [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    # Every parameter set to a non-default value survives a clone.
    changed = {k: _changed(v) for k, v in params.items()}
    assert all(changed[k] != params[k] for k in params)
    model = cls(**changed)
    clone = type(model)(**model.get_params())
    assert type(clone) is type(model)
    assert clone.get_params() == model.get_params() == changed


@pytest.mark.parametrize("name", NAMES)
def test_saved_params_are_get_params(name):
    model = fitted(name)
    assert model.to_dict()["params"] == model.get_params()
    assert load_model(model.to_dict()).get_params() == model.get_params()


def test_set_params_names_the_unknown_parameter():
    model = MODELS["bkt"]()
    assert model.set_params(n_init=2) is model and model.n_init == 2
    with pytest.raises(ValueError) as err:
        model.set_params(n_inits=2)
    names = ", ".join(p for p in inspect.signature(type(model).__init__).parameters if p != "self")
    assert str(err.value) == UNKNOWN_PARAM.format(model="BKT", name="n_inits", names=names)
