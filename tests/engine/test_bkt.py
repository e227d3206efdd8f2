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


def _bkt_with(prior: float, learn: float, guess: float, slip: float) -> BKT:
    return BKT.from_dict(
        {
            "model": "bkt",
            "version": 1,
            "params": BKT().get_params(),
            "skills": ["s"],
            "prior": [prior],
            "learn": [learn],
            "forget": [0.0],
            "guess": [guess],
            "slip": [slip],
            "default": {"prior": 0.5, "learn": 0.1, "forget": 0.0, "guess": 0.2, "slip": 0.1},
            "log_likelihood": 0.0,
        }
    )


def test_long_run_of_right_answers_does_not_pin_known_at_one() -> None:
    """After 12 right answers with a small guess, P(unknown) is ~1e-17: as
    1 - P(known) it rounds to exactly 0 and no number of wrong answers moves
    the estimate again. Carried separately, online and batch follow the
    exact (rational) recursion, which falls after ~25 wrong answers."""
    from fractions import Fraction

    from trellis.engine.responses import ResponseLog

    prior, learn, guess, slip = 0.79, 0.073, 0.0185, 0.1416
    m = _bkt_with(prior, learn, guess, slip)
    outcomes = [1] * 12 + [0] * 30 + [1] * 3
    exact = []
    p = Fraction(prior)
    fl, fg, fs = Fraction(learn), Fraction(guess), Fraction(slip)
    for y in outcomes:
        exact.append(float(p * (1 - fs) + (1 - p) * fg))
        a, b = (p * (1 - fs), (1 - p) * fg) if y else (p * fs, (1 - p) * (1 - fg))
        f = a / (a + b)
        p = f + (1 - f) * fl
    state = m.init_state()
    online = []
    for y in outcomes:
        online.append(m.predict_one(state, "s"))
        m.update(state, "s", y)
    log = ResponseLog(
        learner=np.zeros(len(outcomes), dtype=np.int64),
        skill=np.zeros(len(outcomes), dtype=np.int64),
        correct=np.array(outcomes, dtype=np.int8),
        order=np.arange(len(outcomes)),
        skill_ids=("s",),
    )
    batch = m.predict_proba(log)
    assert np.allclose(online, exact, rtol=1e-9, atol=0)
    assert np.array_equal(np.array(online), batch)
    assert online[41] < 0.5  # thirty wrong answers later
    assert online[12] > 0.858  # still near 1 - slip right after the run


def test_state_saved_without_unknown_reads_as_one_minus_known() -> None:
    from trellis.engine.bkt import BKTState

    m = _bkt_with(0.3, 0.15, 0.2, 0.1)
    old = BKTState.from_dict({"known": {"s": 0.6}, "attempts": {"s": 2}})
    assert m.predict_one(old, "s") == 0.6 * 0.9 + (1.0 - 0.6) * 0.2
    m.update(old, "s", True)
    assert 0.6 < m.mastery(old, "s") < 1.0
    assert BKTState.from_dict(old.to_dict()) == old


def test_dropping_converged_skills_changes_no_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """EM stops working on skills that converged in every restart (and on
    their long sequences); the fitted parameters are exactly those of EM
    over all sequences to the end."""
    import trellis.engine.bkt as bkt
    from trellis.engine.responses import ResponseLog

    short = generate_bkt(300, 4, 8, seed=21)
    long = generate_bkt(6, 1, 400, {**TRUE, "forget": 0.0}, seed=22)
    log = ResponseLog(
        learner=np.concatenate([short.learner, long.learner + 300]),
        skill=np.concatenate([short.skill, long.skill + 4]),
        correct=np.concatenate([short.correct, long.correct]),
        order=np.concatenate([short.order, long.order]),
    )
    monkeypatch.setattr(bkt, "_COMPACT", 0.0)  # never drop anything
    full = BKT(n_init=3).fit(log)
    monkeypatch.setattr(bkt, "_COMPACT", 1.0)  # drop as soon as any skill converges
    compact = BKT(n_init=3).fit(log)
    for name in ("prior", "learn", "guess", "slip"):
        assert np.array_equal(getattr(full, name + "_"), getattr(compact, name + "_")), name
    assert full.log_likelihood_ == compact.log_likelihood_


def test_early_restart_selection_keeps_the_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Restarts compete for ``_SELECT_AFTER`` iterations, then only each
    skill's best goes on: on generated data the result is the one all five
    restarts run to the end find, and the likelihood is no lower than one
    restart's."""
    import trellis.engine.bkt as bkt

    log = generate_bkt(400, 3, 15, {**TRUE, "forget": 0.0}, seed=31)
    monkeypatch.setattr(bkt, "_SELECT_AFTER", 10_000)
    full = BKT(n_init=5).fit(log)
    monkeypatch.setattr(bkt, "_SELECT_AFTER", 10)
    early = BKT(n_init=5).fit(log)
    one = BKT(n_init=1).fit(log)
    for name in ("prior", "learn", "guess", "slip"):
        assert np.allclose(getattr(full, name + "_"), getattr(early, name + "_"), atol=0.02), name
    assert early.log_likelihood_ >= one.log_likelihood_ - 1e-6
    assert early.n_iter_ <= full.n_iter_


def test_multi_skill_answer_combines_its_skills_predictions() -> None:
    """An answer with skills {a, b}: each skill's sequence sees it once; its
    prediction is the mean (or product) of what each skill alone predicts."""
    from trellis.engine.bkt import BKT, generate_bkt
    from trellis.engine.responses import ResponseLog

    model = BKT(n_init=1).fit(generate_bkt(30, 2, 10, seed=1))
    log = ResponseLog.from_skill_lists(
        learner=[0, 0, 0],
        skills=[[0], [0, 1], [1]],
        correct=[1, 0, 1],
        order=[0, 1, 2],
        skill_ids=("s0", "s1"),
    )
    # each skill alone, one sequence per skill holding the shared answer
    s0 = model.init_state()
    p_a0 = model.predict_one(s0, "s0")
    model.update(s0, "s0", 1)
    p_a1 = model.predict_one(s0, "s0")
    p_b1 = model.predict_one(model.init_state(), "s1")
    s1 = model.init_state()
    model.update(s1, "s1", 0)
    p_b2 = model.predict_one(s1, "s1")
    assert model.predict_proba(log).tolist() == [p_a0, (p_a1 + p_b1) / 2, p_b2]
    model.combine = "product"
    assert model.predict_proba(log).tolist() == [p_a0, p_a1 * p_b1, p_b2]
    state = model.init_state()
    model.update(state, ["s0", "s1"], False)
    assert model.attempts(state, "s0") == model.attempts(state, "s1") == 1
