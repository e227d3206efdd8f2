"""Metrics and by-learner splits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.bkt import BKT, generate_bkt
from trellis.engine.evaluate import auc, cross_validate, learner_folds, rmse, split_by_learner


def brute_auc(y: list[int], p: list[float]) -> float:
    pos = [q for q, t in zip(p, y, strict=True) if t]
    neg = [q for q, t in zip(p, y, strict=True) if not t]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.5, 0.5, 0.9, 1.0])),
        min_size=2,
        max_size=30,
    )
)
def test_auc_matches_pairwise_count_with_ties(pairs: list[tuple[int, float]]) -> None:
    y = [a for a, _ in pairs]
    p = [b for _, b in pairs]
    if len(set(y)) < 2:
        assert np.isnan(auc(y, p))
    else:
        assert auc(y, p) == pytest.approx(brute_auc(y, p), abs=1e-12)


def test_auc_and_rmse_simple_cases() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert auc([0, 1], [0.5, 0.5]) == 0.5
    assert rmse([0, 1], [0.0, 1.0]) == 0.0
    assert rmse([0, 1], [0.5, 0.5]) == 0.5
    with pytest.raises(ValueError):
        auc([0, 1], [0.5])


def test_split_by_learner_keeps_learners_whole() -> None:
    log = generate_bkt(50, 2, 5, seed=0)
    train, test = split_by_learner(log, 0.2, seed=1)
    assert len(train) + len(test) == len(log)
    assert not set(train.learner.tolist()) & set(test.learner.tolist())
    assert len(set(test.learner.tolist())) == 10
    again = split_by_learner(log, 0.2, seed=1)[1]
    assert np.array_equal(again.learner, test.learner)


def test_learner_folds_partition_learners() -> None:
    log = generate_bkt(23, 1, 3, seed=0)
    folds = learner_folds(log, 5, seed=2)
    allf = np.concatenate(folds)
    assert sorted(allf.tolist()) == list(range(23))
    with pytest.raises(ValueError):
        learner_folds(log, 1)


def test_cross_validate_reports_pooled_scores() -> None:
    log = generate_bkt(60, 2, 10, seed=0)
    res = cross_validate(lambda: BKT(n_init=1), log, k=3, seed=0)
    assert res["n_test"] == len(log) and res["n_train"] == 2 * len(log)
    assert 0.6 < res["auc"] <= 1.0 and len(res["folds"]) == 3
