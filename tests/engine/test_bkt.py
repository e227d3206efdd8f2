"""BKT: parameter recovery, EM behaviour, defaults."""

from __future__ import annotations

import numpy as np
import pytest

from trellis.engine.bkt import BKT, BKTForget, generate_bkt
from trellis.engine.evaluate import auc

TRUE = {"prior": 0.3, "learn": 0.15, "guess": 0.2, "slip": 0.1}


def test_recovers_parameters_from_generated_data() -> None:
    # 800 sequences of 20 per skill: learn, guess and slip within 0.04 of the
    # truth, prior (which trades off against learn) within 0.07.
    log = generate_bkt(800, 3, 20, {**TRUE, "forget": 0.0}, seed=1)
    m = BKT(tol=1e-4).fit(log)
    for name, value in TRUE.items():
        got = getattr(m, name + "_")
        assert np.all(np.abs(got - value) < (0.07 if name == "prior" else 0.04)), (name, got)
    assert np.all(m.forget_ == 0.0)


def test_recovers_forgetting() -> None:
    log = generate_bkt(500, 2, 20, {**TRUE, "forget": 0.05}, seed=2)
    m = BKTForget().fit(log)
    assert np.all(np.abs(m.forget_ - 0.05) < 0.03), m.forget_
    assert np.all(np.abs(m.learn_ - 0.15) < 0.05), m.learn_


def test_predictions_beat_chance_and_know_rises_with_success() -> None:
    train = generate_bkt(200, 2, 15, seed=3)
    test = generate_bkt(100, 2, 15, seed=4)
    m = BKT().fit(train)
    assert auc(test.correct, m.predict_proba(test)) > 0.7
    s = m.init_state()
    prior = m.mastery(s, "s0")
    m.update(s, "s0", True)
    assert m.mastery(s, "s0") > prior
    known = m.predict_known(test)
    assert np.all((known >= 0) & (known <= 1))


def test_defaults_for_unseen_skills_are_weighted_means() -> None:
    m = BKT(n_init=2).fit(generate_bkt(50, 2, 10, seed=5))
    d = m.params_for("unknown")
    assert d == m.default_params_
    assert min(m.prior_) <= d["prior"] <= max(m.prior_)


def test_fit_is_deterministic_given_seed() -> None:
    log = generate_bkt(60, 2, 10, seed=6)
    a = BKT(random_state=7).fit(log).to_dict()
    b = BKT(random_state=7).fit(log).to_dict()
    assert a == b


def test_not_fitted_raises() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        BKT().predict_one(BKT().init_state(), "s")


def test_large_skills_are_fit_on_whole_sampled_sequences() -> None:
    """Above ``max_responses_per_skill`` EM sees a random subset of whole
    (learner, skill) sequences of about that size, and the parameters stay
    close to the full fit's."""
    log = generate_bkt(3000, 2, 20, seed=3)  # 30,000 responses per skill
    model = BKT(n_init=1, max_responses_per_skill=None).fit(log)
    capped = BKT(n_init=1, max_responses_per_skill=10_000).fit(log)
    rows = capped._fit_rows(log, np.random.default_rng(0))
    assert rows is not None
    per_skill = np.bincount(log.skill[rows], minlength=2)
    assert np.all((per_skill >= 10_000) & (per_skill < 10_000 + 20))
    # whole sequences only: every kept (learner, skill) keeps all 20 responses
    key = log.learner[rows].astype(np.int64) * 2 + log.skill[rows]
    assert set(np.bincount(key)[np.bincount(key) > 0].tolist()) == {20}
    assert capped.n_fit_responses_ == int(per_skill.sum())
    assert model.n_fit_responses_ == len(log)
    for name in ("learn", "guess", "slip"):
        assert np.allclose(getattr(capped, name + "_"), getattr(model, name + "_"), atol=0.03)
    # a cap above every skill's count changes nothing
    same = BKT(n_init=1, max_responses_per_skill=10**9).fit(log)
    assert same.to_dict()["learn"] == model.to_dict()["learn"]
