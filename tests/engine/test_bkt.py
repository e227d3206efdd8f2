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
