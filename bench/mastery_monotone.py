"""Does mastery move with the evidence, and what does that cost?

Two measurements per model (issue #14's trust defect):

1. On simulated schools (``simulate(20, 4, 30, seed=8)`` and
   ``simulate(200, 10, 60, seed=1)``): from 200 random reachable states
   (0-29 random answers, 80 % right), nine wrong answers in a row on one
   skill, then nine right ones; how many wrong answers raised the skill's
   mastery, how many right ones lowered it, and the largest wrong-way move.
   ``mastery`` is today's read-out; ``unconstrained`` is the number the
   platform showed before (answer-logit: the next-answer prediction on an
   average item of the skill; BKT: P(known) after the learn transition).
2. On the de-duplicated ASSISTments file, learner fold 0 of the bench's
   seed-0 5-fold split (fit on the other four): the AUC of each number as a
   prediction of the next answer (an answer's value: the mean over its
   skills, before it), next to the model's own next-answer prediction, whose
   AUC the monotone read-out leaves unchanged.

Usage: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/mastery_monotone.py``.
The last line printed is JSON.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from trellis.engine.bkt import BKT  # noqa: E402
from trellis.engine.datasets import read_answers  # noqa: E402
from trellis.engine.evaluate import auc, learner_folds  # noqa: E402
from trellis.engine.models import CANDIDATES, get_model  # noqa: E402
from trellis.engine.responses import ResponseLog  # noqa: E402
from trellis.engine.simulate import simulate  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "../shared/data/assistments2009-dedup/train.csv"


def unconstrained(model: Any, state: Any, skill: str) -> float:
    """The number shown as mastery before the read-outs (see docstring)."""
    if isinstance(model, BKT):
        return float(model._known(state, skill)[0])
    return float(model.predict_one(state, skill))


def wrong_way(model: Any, log: ResponseLog) -> dict[str, Any]:
    skills = [str(s) for s in (log.skill_ids or range(log.n_skills))]
    out: dict[str, Any] = {}
    for label, read in (("mastery", model.mastery), ("unconstrained", None)):
        rng = np.random.default_rng(0)
        raised = lowered = 0
        worst = 0.0
        for _ in range(200):
            st = model.init_state()
            for _ in range(int(rng.integers(0, 30))):
                model.update(st, skills[rng.integers(len(skills))], bool(rng.random() < 0.8))
            sk = skills[rng.integers(len(skills))]

            def value(st: Any = st, sk: str = sk, read: Any = read) -> float:
                return float(read(st, sk)) if read else unconstrained(model, st, sk)

            prev = value()
            for correct in [False] * 9 + [True] * 9:
                model.update(st, sk, correct)
                cur = value()
                if not correct and cur > prev + 1e-9:
                    raised += 1
                    worst = max(worst, cur - prev)
                if correct and cur < prev - 1e-9:
                    lowered += 1
                    worst = max(worst, prev - cur)
                prev = cur
        out[label] = {"wrong_raised": raised, "right_lowered": lowered, "worst": round(worst, 4)}
    out["answers_each_way"] = 1800
    return out


def held_out(name: str, train: ResponseLog, test: ResponseLog) -> dict[str, Any]:
    model = get_model(name)().fit(train)
    ptr, idx = test.csr()
    names = [str(s) for s in (test.skill_ids or range(test.n_skills))]
    items = test.item_ids or ()
    order = np.lexsort((np.arange(len(test)), test.order, test.learner))
    states: dict[int, Any] = {}
    shown = np.empty(len(test))
    before = np.empty(len(test))
    for i in order.tolist():
        st = states.setdefault(int(test.learner[i]), model.init_state())
        sk = [names[k] for k in idx[ptr[i] : ptr[i + 1]].tolist()]
        shown[i] = np.mean([model.mastery(st, s) for s in sk])
        before[i] = np.mean([unconstrained(model, st, s) for s in sk])
        it = None
        if test.item is not None and test.item[i] >= 0:
            it = str(items[test.item[i]])
        model.update(st, sk, bool(test.correct[i]), item=it)
    res: dict[str, Any] = (
        {}
        if isinstance(model, BKT)
        else {"mastery_coef": [round(v, 4) for v in model.mastery_coef_.tolist()]}
    )
    return res | {
        "auc_prediction": auc(test.correct, model.predict_proba(test)),
        "auc_mastery": auc(test.correct, shown),
        "auc_unconstrained": auc(test.correct, before),
    }


def main() -> int:
    summary: dict[str, Any] = {"simulated": {}, "assistments_fold0": {}}
    for args in ((20, 4, 30, 8), (200, 10, 60, 1)):
        log = simulate(args[0], args[1], args[2], seed=args[3]).log
        for name in CANDIDATES:
            res = wrong_way(get_model(name)().fit(log), log)
            summary["simulated"][f"{name} {args}"] = res
            print(f"{name} simulate{args}: {res}", flush=True)
    if DATA.exists():
        log = read_answers(DATA)
        test = np.isin(log.learner, learner_folds(log, 5, seed=0)[0])
        train, held = log.take(np.flatnonzero(~test)), log.take(np.flatnonzero(test))
        for name in CANDIDATES:
            res = held_out(name, train, held)
            summary["assistments_fold0"][name] = res
            print(f"{name} fold 0: {res}", flush=True)
    else:
        print(f"skipped the held-out part: {DATA} not found")
    summary["load_avg"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
