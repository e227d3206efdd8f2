"""Online path cost: one ``update`` plus one fresh ``predict_one`` per response.

Fits each model on generated data (or builder_train.csv when present and
``--real`` is given), then replays responses of many learners one at a time,
as the platform does, and reports microseconds per response (update +
predict_one, and mastery separately). Target: < 20 µs per response.

Usage: .venv/bin/python bench/engine_online.py [--responses 200000] [--real]
Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from trellis.engine import datasets
from trellis.engine.bkt import generate_bkt
from trellis.engine.models import get_model

DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data").resolve()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", type=int, default=200_000)
    ap.add_argument("--models", default="bkt,bkt-forget,answer-logit")
    ap.add_argument("--real", action="store_true", help="replay builder_train.csv")
    args = ap.parse_args()
    real = DATA / "assistments2009" / "builder_train.csv"
    if args.real and real.exists():
        log = datasets.read_dkt(real)
        source = str(real)
    else:
        log = generate_bkt(2000, 10, 10, seed=0)
        source = "generate_bkt(2000 learners, 10 skills, 10 each)"
    names = log.skill_ids
    idx = np.lexsort((log.order, log.learner))[: args.responses]
    learners = log.learner[idx].tolist()
    skills = [names[k] for k in log.skill[idx].tolist()]
    correct = log.correct[idx].tolist()
    n = len(idx)
    print(f"data: {source}; replaying {n} responses")
    results: dict[str, Any] = {}
    for name in args.models.split(","):
        model = get_model(name)().fit(log)
        states: dict[int, Any] = {u: model.init_state() for u in set(learners)}
        upd, pred, mast = model.update, model.predict_one, model.mastery
        t0 = time.perf_counter()
        for u, s, c in zip(learners, skills, correct, strict=True):
            st = states[u]
            pred(st, s)
            upd(st, s, c)
        t1 = time.perf_counter()
        for u, s in zip(learners, skills, strict=True):
            mast(states[u], s)
        t2 = time.perf_counter()
        us = (t1 - t0) / n * 1e6
        results[model.name] = {
            "update_plus_predict_us": us,
            "mastery_us": (t2 - t1) / n * 1e6,
            "under_20us": us < 20.0,
        }
        print(
            f"{model.name:<16} update+predict {us:6.2f} µs/response   mastery {results[model.name]['mastery_us']:6.2f} µs"
        )
    print(json.dumps({"responses": n, "source": source, "models": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
