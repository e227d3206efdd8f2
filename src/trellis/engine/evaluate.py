"""Evaluation of mastery models: AUC, RMSE, by-learner splits, cross-validation.

Splits are always *by learner*: every response of a learner is either in the
training part or in the test part, never both, so a model is judged on
learners it has never seen (as the platform uses it on a new class).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

from trellis.engine.responses import ResponseLog


def auc(y: ArrayLike, p: ArrayLike) -> float:
    """Area under the ROC curve by the rank-sum (Mann-Whitney) formula; tied
    scores get their average rank (so a tie counts one half). NaN when ``y``
    holds only one class."""
    yy = np.asarray(y).astype(bool).ravel()
    pp = np.asarray(p, dtype=np.float64).ravel()
    if yy.shape != pp.shape:
        raise ValueError(f"y and p differ in length: {yy.shape[0]} != {pp.shape[0]}")
    n_pos = int(yy.sum())
    n_neg = int(yy.shape[0] - n_pos)
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(pp, method="average")
    return float((ranks[yy].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def rmse(y: ArrayLike, p: ArrayLike) -> float:
    """Root mean squared error between 0/1 outcomes and probabilities."""
    yy = np.asarray(y, dtype=np.float64).ravel()
    pp = np.asarray(p, dtype=np.float64).ravel()
    if yy.shape != pp.shape:
        raise ValueError(f"y and p differ in length: {yy.shape[0]} != {pp.shape[0]}")
    if yy.shape[0] == 0:
        return float("nan")
    return float(np.sqrt(np.mean((yy - pp) ** 2)))


def learner_folds(log: ResponseLog, k: int, seed: int = 0) -> list[NDArray[np.int64]]:
    """Shuffle the learner codes present in ``log`` (seeded) and cut them
    into ``k`` folds of near-equal size."""
    if k < 2:
        raise ValueError(f"expected at least 2 folds, got {k}")
    learners = np.unique(log.learner)
    if learners.shape[0] < k:
        raise ValueError(f"expected at least {k} learners for {k} folds, got {learners.shape[0]}")
    rng = np.random.default_rng(seed)
    perm = rng.permutation(learners)
    return [np.sort(f).astype(np.int64) for f in np.array_split(perm, k)]


def split_by_learner(
    log: ResponseLog, test_size: float = 0.2, seed: int = 0
) -> tuple[ResponseLog, ResponseLog]:
    """Split ``log`` into (train, test) by learner; ``test_size`` is the
    share of learners held out (at least one learner on each side)."""
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"expected 0 < test_size < 1, got {test_size}")
    learners = np.unique(log.learner)
    if learners.shape[0] < 2:
        raise ValueError("expected at least 2 learners to split")
    rng = np.random.default_rng(seed)
    perm = rng.permutation(learners)
    n_test = min(max(1, round(test_size * learners.shape[0])), learners.shape[0] - 1)
    test = np.sort(perm[:n_test]).astype(np.int64)
    train = np.sort(perm[n_test:]).astype(np.int64)
    return log.for_learners(train), log.for_learners(test)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / (1024.0 * 1024.0) if sys.platform == "darwin" else r / 1024.0


def evaluate_split(
    make_model: Callable[[], Any], train: ResponseLog, test: ResponseLog
) -> dict[str, Any]:
    """Fit a fresh model on ``train``, score it on ``test``."""
    model = make_model()
    t0 = time.perf_counter()
    model.fit(train)
    t1 = time.perf_counter()
    p = model.predict_proba(test)
    t2 = time.perf_counter()
    return {
        "model": getattr(model, "name", type(model).__name__),
        "auc": auc(test.correct, p),
        "rmse": rmse(test.correct, p),
        "n_train": len(train),
        "n_test": len(test),
        "fit_seconds": t1 - t0,
        "predict_seconds": t2 - t1,
        "peak_rss_mb": peak_rss_mb(),
    }


def cross_validate(
    make_model: Callable[[], Any], log: ResponseLog, k: int = 5, seed: int = 0
) -> dict[str, Any]:
    """K-fold cross-validation by learner. AUC and RMSE are computed over the
    pooled out-of-fold predictions (every response is predicted once, by the
    model that did not see its learner); ``folds`` holds per-fold figures.
    ``n_train``/``n_test`` are totals over the folds, times are summed."""
    folds = learner_folds(log, k, seed)
    preds = np.empty(len(log), dtype=np.float64)
    per_fold = []
    name = ""
    fit_s = pred_s = 0.0
    n_train = 0
    for f in folds:
        test_mask = np.isin(log.learner, f)
        test_idx = np.flatnonzero(test_mask)
        train_idx = np.flatnonzero(~test_mask)
        train, test = log.take(train_idx), log.take(test_idx)
        model = make_model()
        name = getattr(model, "name", type(model).__name__)
        t0 = time.perf_counter()
        model.fit(train)
        t1 = time.perf_counter()
        p = model.predict_proba(test)
        t2 = time.perf_counter()
        preds[test_idx] = p
        fit_s += t1 - t0
        pred_s += t2 - t1
        n_train += len(train)
        per_fold.append({"auc": auc(test.correct, p), "rmse": rmse(test.correct, p)})
    return {
        "model": name,
        "auc": auc(log.correct, preds),
        "rmse": rmse(log.correct, preds),
        "n_train": n_train,
        "n_test": len(log),
        "fit_seconds": fit_s,
        "predict_seconds": pred_s,
        "peak_rss_mb": peak_rss_mb(),
        "folds": per_fold,
        "auc_fold_mean": float(np.mean([f["auc"] for f in per_fold])),
    }
