"""Trellis mastery models against two outside anchors, answer by answer.

Data: ``../shared/data/assistments2009-dedup/train.csv`` (``--format
answers``: every answer once, its skills joined by ``_``), 5-fold
cross-validation by learner (``learner_folds``, seed 0). Every model gives
one probability per answer; AUC, RMSE and log loss are computed over the
pooled out-of-fold predictions.

Anchors, both run in the bench's own venv (``var/bench-pybkt-venv``, made by
``bench/engine_vs_pybkt.py``; never Trellis dependencies), in a subprocess:

* pyBKT (its C++ build), fit on one row per (answer, skill): each skill's
  sequence holds every answer touching it once; an answer's prediction is
  the mean over its skills (as Trellis BKT's ``combine="mean"``).
* Best-LR (Gervet et al., 2020) in scikit-learn: logistic regression on the
  item, the answer's skills, and ``log1p`` of the learner's earlier attempts
  and right answers, overall and on each skill of the answer (earlier
  answers only). Its fit time includes building those features.

Every process runs with one BLAS/OpenMP thread (``OMP_NUM_THREADS=1``, ...,
set before NumPy loads): on a shared machine multi-threaded BLAS inside
L-BFGS spent ten times the CPU for nothing.

Usage: .venv/bin/python bench/engine_vs_anchors.py [--models bkt,answer-logit]
       [--num-fits 5] [--skip-anchors] [--folds 5]
Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_vs_pybkt import ensure_pybkt, run_pybkt, run_worker  # noqa: E402
from trellis.engine.bkt import combine_rows  # noqa: E402
from trellis.engine.datasets import read_answers  # noqa: E402
from trellis.engine.evaluate import auc, learner_folds, rmse  # noqa: E402
from trellis.engine.models import get_model  # noqa: E402
from trellis.engine.responses import ResponseLog  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data" / "assistments2009-dedup" / "train.csv").resolve()

BEST_LR = r"""
import json, sys, time
import numpy as np, scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

def load(path):
    d = np.load(path)
    return {k: d[k] for k in d.files}

def feats(a, n_sk, n_it):
    # one row per answer; counts from the learner's earlier answers only
    n = a["learner"].shape[0]
    ptr, idx = a["ptr"], a["idx"]
    lens = np.diff(ptr)
    ans = np.repeat(np.arange(n), lens)
    y = a["correct"].astype(np.int64)
    o = np.lexsort((np.arange(n), a["order"], a["learner"]))
    lo = a["learner"][o]
    new = np.r_[True, lo[1:] != lo[:-1]]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    cs = np.r_[0, np.cumsum(y[o])]
    att = np.empty(n); win = np.empty(n)
    att[o] = np.arange(n) - start
    win[o] = cs[:-1] - cs[start]
    m = ans.shape[0]
    el, ek = a["learner"][ans], idx
    o2 = np.lexsort((np.arange(m), a["order"][ans], ek, el))
    key = el[o2] * (n_sk + 1) + ek[o2]
    new2 = np.r_[True, key[1:] != key[:-1]]
    start2 = np.maximum.accumulate(np.where(new2, np.arange(m), 0))
    cs2 = np.r_[0, np.cumsum(y[ans][o2])]
    satt = np.empty(m); swin = np.empty(m)
    satt[o2] = np.arange(m) - start2
    swin[o2] = cs2[:-1] - cs2[start2]
    it = a["item"]
    ok = it >= 0
    rows = np.concatenate([np.flatnonzero(ok), ans, ans, ans, np.arange(n), np.arange(n)])
    cols = np.concatenate([it[ok], n_it + ek, n_it + n_sk + ek, n_it + 2 * n_sk + ek,
                           np.full(n, n_it + 3 * n_sk), np.full(n, n_it + 3 * n_sk + 1)])
    vals = np.concatenate([np.ones(int(ok.sum())), np.ones(m), np.log1p(satt), np.log1p(swin),
                           np.log1p(att), np.log1p(win)])
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n_it + 3 * n_sk + 2))

spec = json.load(open(sys.argv[1]))
out = {"fit_seconds": 0.0, "predict_seconds": 0.0}
for f in spec["folds"]:
    tr, te = load(f["train"]), load(f["test"])
    t0 = time.perf_counter()
    x = feats(tr, spec["n_skills"], spec["n_items"])
    lr = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000).fit(x, tr["correct"])
    t1 = time.perf_counter()
    p = lr.predict_proba(feats(te, spec["n_skills"], spec["n_items"]))[:, 1]
    t2 = time.perf_counter()
    out["fit_seconds"] += t1 - t0
    out["predict_seconds"] += t2 - t1
    np.save(f["out"], p)
import sklearn
out["sklearn"] = sklearn.__version__
print(json.dumps(out))
"""


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def save_answers(log: ResponseLog, path: Path) -> None:
    ptr, idx = log.csr()
    item = log.item if log.item is not None else np.full(len(log), -1, dtype=np.int64)
    np.savez(
        path,
        learner=log.learner,
        order=log.order,
        correct=log.correct,
        item=item,
        ptr=ptr,
        idx=idx,
    )


def run_best_lr(
    py: Path, folds: list[tuple[ResponseLog, ResponseLog]], n_skills: int, n_items: int
) -> tuple[dict[str, Any], list[np.ndarray]]:
    res, preds = run_worker(
        py,
        folds,
        write=save_answers,
        suffix=".npz",
        worker=BEST_LR,
        spec={"n_skills": n_skills, "n_items": n_items},
        name="Best-LR",
    )
    return {"model": "Best-LR (sklearn)", **res}, preds


def run_pybkt_answers(
    py: Path, folds: list[tuple[ResponseLog, ResponseLog]], num_fits: int
) -> tuple[dict[str, Any], list[np.ndarray]]:
    expanded = [(tr.expand()[0], te.expand()[0]) for tr, te in folds]
    res, rows = run_pybkt(py, expanded, seed=0, num_fits=num_fits)
    preds = [
        combine_rows(np.asarray(p, dtype=np.float64), te.csr()[0], "mean")
        for p, (_, te) in zip(rows, folds, strict=True)
    ]
    return {"model": "pyBKT (C++)" if res.get("cpp") else "pyBKT (Python)", **res}, preds


def run_trellis(
    name: str, folds: list[tuple[ResponseLog, ResponseLog]], num_fits: int
) -> tuple[dict[str, Any], list[np.ndarray]]:
    fit_s = pred_s = 0.0
    preds = []
    label = name
    for tr, te in folds:
        cls = get_model(name)
        m = cls(n_init=num_fits) if name.startswith("bkt") else cls()
        label = m.name
        t0 = time.perf_counter()
        m.fit(tr)
        t1 = time.perf_counter()
        preds.append(m.predict_proba(te))
        pred_s += time.perf_counter() - t1
        fit_s += t1 - t0
    return {"model": label, "fit_seconds": fit_s, "predict_seconds": pred_s}, preds


def score(
    res: dict[str, Any], folds: list[tuple[ResponseLog, ResponseLog]], preds: list[np.ndarray]
) -> dict[str, Any]:
    y = np.concatenate([te.correct for _, te in folds]).astype(np.float64)
    p = np.concatenate(preds)
    fold_auc = [auc(te.correct, q) for (_, te), q in zip(folds, preds, strict=True)]
    return {
        **res,
        "auc": auc(y, p),
        "rmse": rmse(y, p),
        "log_loss": log_loss(y, p),
        "auc_folds": fold_auc,
        "n_test": int(y.shape[0]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="bkt,answer-logit")
    ap.add_argument("--num-fits", type=int, default=5)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--skip-anchors", action="store_true")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found (see ../shared/data/README.md)")
        return 0
    log = read_answers(DATA)
    folds = []
    for f in learner_folds(log, args.folds, seed=0):
        test = np.isin(log.learner, f)
        folds.append((log.take(np.flatnonzero(~test)), log.take(np.flatnonzero(test))))
    print(
        f"data: {DATA.name}: {len(log)} answers, {log.n_learners} learners, {log.n_skills} skills"
    )
    rows: list[dict[str, Any]] = []
    for name in args.models.split(","):
        res, preds = run_trellis(name, folds, args.num_fits)
        rows.append(score(res, folds, preds))
        print(f"  {rows[-1]['model']}: AUC {rows[-1]['auc']:.4f}", flush=True)
    note = ""
    if not args.skip_anchors:
        py, note = ensure_pybkt()
        if py is None:
            print(f"anchors skipped: {note}")
        else:
            res, preds = run_best_lr(py, folds, log.n_skills, len(log.item_ids))
            rows.append(score(res, folds, preds))
            print(f"  Best-LR: AUC {rows[-1]['auc']:.4f}", flush=True)
            res, preds = run_pybkt_answers(py, folds, args.num_fits)
            rows.append(score(res, folds, preds))
    load = os.getloadavg()
    print()
    print("| model | AUC | RMSE | log loss | fit s (5 folds) |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['model']} | {r['auc']:.4f} | {r['rmse']:.4f} | {r['log_loss']:.4f} "
            f"| {r['fit_seconds']:.1f} |"
        )
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    by = {r["model"]: r for r in rows}
    summary: dict[str, Any] = {
        "data": DATA.name,
        "folds": args.folds,
        "load_avg": [round(v, 2) for v in load],
        "results": rows,
    }
    lr = by.get("Best-LR (sklearn)")
    pb = next((r for k, r in by.items() if k.startswith("pyBKT")), None)
    for r in rows:
        if r["model"].startswith(("pyBKT", "Best-LR")):
            continue
        if lr is not None:
            summary[f"{r['model']}_minus_best_lr_auc"] = r["auc"] - lr["auc"]
            summary[f"{r['model']}_fit_over_best_lr"] = r["fit_seconds"] / lr["fit_seconds"]
        if pb is not None:
            summary[f"{r['model']}_minus_pybkt_auc"] = r["auc"] - pb["auc"]
            summary[f"{r['model']}_fit_over_pybkt"] = r["fit_seconds"] / pb["fit_seconds"]
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
