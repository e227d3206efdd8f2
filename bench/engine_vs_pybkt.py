"""Trellis mastery models against pyBKT on the same splits.

* ASSISTments 2009 builder_train.csv (DKT format): one 80/20 split by learner
  (seed 0): fit on 80 % of the learners, predict the other 20 %.
* Cognitive Tutor ct.csv (DataShop): 5-fold cross-validation by learner
  (seed 0), AUC/RMSE over the pooled out-of-fold predictions.

pyBKT is never a Trellis dependency: it is installed into its own venv at
var/bench-pybkt-venv (created on first run) and run in a subprocess of that
venv; data and predictions go through temporary files. If pyBKT cannot be
installed the Trellis figures are still printed, with the reason.

Usage: .venv/bin/python bench/engine_vs_pybkt.py [--seed 0] [--models bkt,best]
       [--skip-pybkt] [--num-fits 5] [--data assist09,ct]

``--num-fits`` sets pyBKT's ``num_fits`` *and* Trellis BKT's ``n_init``, so
fit times compare like for like.
Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from trellis.engine import datasets
from trellis.engine.evaluate import auc, learner_folds, peak_rss_mb, rmse, split_by_learner
from trellis.engine.models import get_model
from trellis.engine.responses import ResponseLog

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
VENV = ROOT / "var" / "bench-pybkt-venv"

WORKER = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
from pyBKT.models import Model
spec = json.load(open(sys.argv[1]))
out = {"fit_seconds": 0.0, "predict_seconds": 0.0}
preds_all = []
for fold in spec["folds"]:
    train = pd.read_csv(fold["train"], dtype={"skill_name": str, "user_id": str})
    test = pd.read_csv(fold["test"], dtype={"skill_name": str, "user_id": str})
    # pyBKT sorts the frame it is given *in place*: keep the file's row
    # order aside and hand it a copy (reading test["row"] after predict gave
    # a permuted order, hence the AUC of 0.49 reported in an earlier run).
    rows = test["row"].to_numpy().copy()
    test.index = rows
    m = Model(seed=spec["seed"], num_fits=spec["num_fits"])
    t0 = time.perf_counter()
    m.fit(data=train.copy())
    t1 = time.perf_counter()
    pred = m.predict(data=test.copy())
    t2 = time.perf_counter()
    out["fit_seconds"] += t1 - t0
    out["predict_seconds"] += t2 - t1
    # align by our own row column (pyBKT sorts the frame by order and user)
    p = pred.set_index("row")["correct_predictions"].reindex(rows).to_numpy(dtype=float)
    np.save(fold["out"], p)
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
out["peak_rss_mb"] = max(self_kb, child_kb) / 1024.0
import pyBKT, glob, os
pkg = os.path.dirname(pyBKT.__file__)
out["cpp"] = bool(glob.glob(os.path.join(pkg, "**", "*.so"), recursive=True))
print(json.dumps(out))
"""


def _has_cpp(py: Path) -> bool:
    """Whether the venv's pyBKT carries its compiled C++ extensions."""
    probe = (
        "import glob, os, pyBKT; d = os.path.dirname(pyBKT.__file__); "
        "print(bool(glob.glob(os.path.join(d, '**', '*.so'), recursive=True)))"
    )
    r = subprocess.run([str(py), "-c", probe], capture_output=True, text=True)
    return r.returncode == 0 and r.stdout.strip() == "True"


def ensure_pybkt() -> tuple[Path | None, str]:
    """The venv's python, or None and why not.

    pyBKT 1.4.3 is an sdist whose setup.py compiles its C++ extensions
    (bundled Eigen, OpenMP, gcc) but imports NumPy to find its headers; under
    pip's default build isolation NumPy is absent, the compile is skipped and
    setup.py silently installs the pure-Python fallback. So NumPy goes in
    first and pyBKT is built with --no-build-isolation from the sdist."""
    py = VENV / "bin" / "python"
    marker = VENV / ".cpp-build-tried"
    if py.exists():
        ok = subprocess.run([str(py), "-c", "from pyBKT.models import Model"], capture_output=True)
        if ok.returncode == 0 and (_has_cpp(py) or marker.exists()):
            return py, "existing venv"
    with tempfile.TemporaryDirectory() as tmp:
        probe = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, "pybkt"],
            capture_output=True,
            text=True,
        )
    if probe.returncode != 0:
        return None, "pip download pybkt failed: " + probe.stderr.strip().splitlines()[-1:][0]
    print(f"creating {VENV} and building pyBKT (C++) with pandas numpy ...", flush=True)
    if not py.exists():
        r = subprocess.run(
            [sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True
        )
        if r.returncode != 0:
            return None, "python -m venv failed: " + r.stderr.strip()
    pip = [str(py), "-m", "pip", "install", "-q"]
    # pyBKT 1.4.3 predates NumPy 2 (array-to-scalar assignments in EM_fit)
    # and calls sklearn metrics with plain lists at import time (rejected by
    # scikit-learn >= 1.6): pin what it was written against, in this venv only.
    deps = ["pandas<2.3", "numpy<2", "scikit-learn<1.6", "scipy<1.15", "requests"]
    r = subprocess.run([*pip, *deps, "setuptools", "wheel"], capture_output=True, text=True)
    if r.returncode != 0:
        return None, "pip install (pyBKT's dependencies) failed: " + (
            r.stderr.strip().splitlines() or [""]
        )[-1]
    r = subprocess.run(
        [
            *pip,
            "--no-build-isolation",
            "--no-binary",
            "pybkt",
            "--force-reinstall",
            "--no-deps",
            "pyBKT",
        ],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        return None, "pip install pyBKT failed: " + (r.stderr.strip().splitlines() or [""])[-1]
    marker.write_text("pyBKT built from the sdist; C++: " + str(_has_cpp(py)) + "\n")
    return py, "installed now"


def write_csv(log: ResponseLog, path: Path) -> None:
    """Columns pyBKT wants (user_id, skill_name, correct, order_id) plus row."""
    # Skills go by code: pyBKT builds regular expressions from skill names,
    # and DataShop KC names hold characters such as "*" and "(".
    names = np.asarray([f"k{k}" for k in range(log.n_skills)])
    users = np.asarray(
        log.learner_ids if log.learner_ids else [str(k) for k in range(log.n_learners)]
    )
    with path.open("w", encoding="utf-8") as fh:
        fh.write("row,user_id,skill_name,correct,order_id\n")
        # order_id must sort responses in time order across the whole file.
        rank = np.empty(len(log), dtype=np.int64)
        rank[np.lexsort((np.arange(len(log)), log.order, log.learner))] = np.arange(len(log))
        for i, (u, s, c, o) in enumerate(
            zip(
                users[log.learner],
                names[log.skill],
                log.correct.tolist(),
                rank.tolist(),
                strict=True,
            )
        ):
            fh.write(f'{i},{u},"{s}",{c},{o}\n')


def run_worker(
    py: Path,
    folds: list[tuple[ResponseLog, ResponseLog]],
    *,
    write: Callable[[ResponseLog, Path], None],
    suffix: str,
    worker: str,
    spec: dict[str, Any],
    name: str,
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Run an anchor's worker script in the bench's own venv: each fold's
    train and test logs written with ``write``, one spec file, predictions
    back as ``.npy`` files, figures as the worker's last JSON line."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        spec = {**spec, "folds": []}
        for j, (tr, te) in enumerate(folds):
            write(tr, t / f"train{j}{suffix}")
            write(te, t / f"test{j}{suffix}")
            spec["folds"].append(
                {
                    "train": str(t / f"train{j}{suffix}"),
                    "test": str(t / f"test{j}{suffix}"),
                    "out": str(t / f"p{j}.npy"),
                }
            )
        (t / "spec.json").write_text(json.dumps(spec))
        (t / "worker.py").write_text(worker)
        r = subprocess.run(
            [str(py), str(t / "worker.py"), str(t / "spec.json")], capture_output=True, text=True
        )
        if r.returncode != 0:
            raise RuntimeError(f"{name} worker failed: " + r.stderr.strip()[-2000:])
        res = json.loads(r.stdout.strip().splitlines()[-1])
        preds = [np.load(t / f"p{j}.npy") for j in range(len(folds))]
    return res, preds


def run_pybkt(
    py: Path, folds: list[tuple[ResponseLog, ResponseLog]], seed: int, num_fits: int = 5
) -> tuple[dict[str, Any], list[np.ndarray]]:
    return run_worker(
        py,
        folds,
        write=write_csv,
        suffix=".csv",
        worker=WORKER,
        spec={"seed": seed, "num_fits": num_fits},
        name="pyBKT",
    )


def run_trellis(
    name: str, folds: list[tuple[ResponseLog, ResponseLog]], num_fits: int = 5
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
        t2 = time.perf_counter()
        fit_s += t1 - t0
        pred_s += t2 - t1
    return {
        "model": label,
        "fit_seconds": fit_s,
        "predict_seconds": pred_s,
        "peak_rss_mb": peak_rss_mb(),
    }, preds


def score(
    res: dict[str, Any], folds: list[tuple[ResponseLog, ResponseLog]], preds: list[np.ndarray]
) -> dict[str, Any]:
    y = np.concatenate([te.correct for _, te in folds])
    p = np.concatenate(preds)
    # A row a model could not predict (NaN) gets a constant 0.5 and is
    # counted in n_unpredicted: never silently left out of the figures.
    missing = ~np.isfinite(p)
    if missing.any():
        p = np.where(missing, 0.5, p)
    return {
        **res,
        "auc": auc(y, p),
        "rmse": rmse(y, p),
        "n_test": int(y.shape[0]),
        "n_unpredicted": int(missing.sum()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", default="bkt,bkt-forget,answer-logit")
    ap.add_argument("--skip-pybkt", action="store_true")
    ap.add_argument(
        "--num-fits",
        type=int,
        default=5,
        help="random restarts, pyBKT num_fits and Trellis BKT n_init alike (default 5)",
    )
    ap.add_argument("--data", default="assist09,ct", help="comma list of assist09, ct")
    args = ap.parse_args()
    builder = DATA / "assistments2009" / "builder_train.csv"
    ct = DATA / "cognitive_tutor_algebra" / "ct.csv"
    if not builder.exists() or not ct.exists():
        print(f"real data not found under {DATA}; nothing to benchmark")
        print(json.dumps({"skipped": f"data missing at {DATA}"}))
        return 0
    py, why = (None, "--skip-pybkt given") if args.skip_pybkt else ensure_pybkt()
    if py is None:
        print(f"pyBKT unavailable: {why}")
    log = datasets.read_dkt(builder)
    tr, te = split_by_learner(log, 0.2, args.seed)
    # One row per (step, KC), as pyBKT takes it and as the DataShop reader
    # gave it before steps became one multi-skill answer: a per-skill
    # comparison (engine_vs_anchors.py scores answers).
    ct_log = datasets.read_datashop(ct).expand()[0]
    ct_folds = []
    for f in learner_folds(ct_log, 5, args.seed):
        mask = np.isin(ct_log.learner, f)
        ct_folds.append((ct_log.take(np.flatnonzero(~mask)), ct_log.take(np.flatnonzero(mask))))
    wanted = set(args.data.split(","))
    setups = {}
    if "assist09" in wanted:
        setups["assist09-80/20"] = [(tr, te)]
    if "ct" in wanted:
        setups["ct-5fold"] = ct_folds
    rows: list[dict[str, Any]] = []
    for ds, folds in setups.items():
        for name in args.models.split(","):
            res, preds = run_trellis(name, folds, args.num_fits)
            rows.append({"data": ds, **score(res, folds, preds)})
            print(f"  done {ds} {name}", flush=True)
        if py is not None:
            try:
                res, preds = run_pybkt(py, folds, args.seed, args.num_fits)
                rows.append({"data": ds, "model": "pyBKT", **score(res, folds, preds)})
                print(f"  done {ds} pyBKT (C++ extension: {res.get('cpp')})", flush=True)
            except RuntimeError as e:
                print(f"pyBKT failed on {ds}: {e}")
                why = str(e).splitlines()[0]
    print()
    print(f"{'data':<16}{'model':<16}{'AUC':>8}{'RMSE':>8}{'fit s':>9}{'pred s':>9}{'peak MB':>9}")
    for r in rows:
        print(
            f"{r['data']:<16}{r['model']:<16}{r['auc']:>8.4f}{r['rmse']:>8.4f}"
            f"{r['fit_seconds']:>9.2f}{r['predict_seconds']:>9.2f}{r['peak_rss_mb']:>9.0f}"
        )
    summary: dict[str, Any] = {
        "rows": rows,
        "pybkt": why if py is None else "ok",
        "num_fits": args.num_fits,
    }
    for ds in setups:
        by = {r["model"]: r for r in rows if r["data"] == ds}
        if "pyBKT" in by and "bkt" in by:
            summary[ds] = {
                "bkt_minus_pybkt_auc": by["bkt"]["auc"] - by["pyBKT"]["auc"],
                "bkt_over_pybkt_fit_time": by["bkt"]["fit_seconds"] / by["pyBKT"]["fit_seconds"],
                "pybkt_cpp": by["pyBKT"].get("cpp"),
            }
        best = [
            r for r in rows if r["data"] == ds and r["model"] not in ("pyBKT", "bkt", "bkt-forget")
        ]
        if best:
            summary.setdefault(ds, {})["best_model"] = best[0]["model"]
            summary[ds]["best_auc"] = best[0]["auc"]
            if "pyBKT" in by:
                summary[ds]["best_minus_pybkt_auc"] = best[0]["auc"] - by["pyBKT"]["auc"]
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
