"""Fit BKT and the best model on millions of simulated responses.

Data come from the team simulator ``trellis.engine.simulate.simulate``
(``responses / 100`` learners, 40 competencies, 100 responses per learner on
average, seed 0); generation time is reported separately and not counted in
the fit time. Reports fit seconds and peak RSS per model
(target: < 3 min and < 4 GB each). Each model is fit in its own subprocess
so that the peak RSS figures do not mix.

Usage: .venv/bin/python bench/engine_fit_large.py [--responses 10000000]
       [--models bkt,best] [--bkt-n-init 1]
Prints lines, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

from trellis.engine.bkt import generate_bkt
from trellis.engine.models import get_model
from trellis.engine.responses import ResponseLog


def make_log(n: int) -> tuple[ResponseLog, str]:
    """About ``n`` responses from the team simulator (100 per learner, 40
    competencies); the BKT generator if the simulator is unavailable."""
    try:
        from trellis.engine.simulate import simulate
    except ImportError:
        n_skills, length = 20, 25
        learners = max(1, n // (n_skills * length))
        return generate_bkt(learners, n_skills, length, seed=0), "bkt.generate_bkt"
    per = 100
    sim = simulate(max(1, n // per), 40, per, seed=0)
    return sim.log, "trellis.engine.simulate.simulate"


def one(name: str, n: int, n_init: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    log, source = make_log(n)
    gen_s = time.perf_counter() - t0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    kwargs: dict[str, Any] = {"n_init": n_init} if name.startswith("bkt") else {}
    model = get_model(name)(**kwargs)
    t0 = time.perf_counter()
    model.fit(log)
    fit_s = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "model": model.name,
        "params": kwargs,
        "responses": len(log),
        "source": source,
        "generate_seconds": gen_s,
        "fit_seconds": fit_s,
        "peak_rss_mb": rss,
        "peak_rss_mb_before_fit": rss0,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", type=int, default=10_000_000)
    ap.add_argument("--models", default="bkt,best")
    ap.add_argument(
        "--bkt-n-init", type=int, default=1, help="BKT random restarts (default 1 here)"
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.responses, args.bkt_n_init)))
        return 0
    results = []
    for name in args.models.split(","):
        cmd = [sys.executable, __file__, "--one", name, "--responses", str(args.responses)]
        cmd += ["--bkt-n-init", str(args.bkt_n_init)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{name}: failed: {r.stderr.strip()[-500:]}")
            results.append({"model": name, "error": r.stderr.strip()[-500:]})
            continue
        res = json.loads(r.stdout.strip().splitlines()[-1])
        ok = res["fit_seconds"] < 180 and res["peak_rss_mb"] < 4096
        res["within_target"] = ok
        results.append(res)
        print(
            f"{res['model']:<16} {res['responses']:>10} responses  fit {res['fit_seconds']:7.1f} s  "
            f"peak RSS {res['peak_rss_mb']:7.0f} MB  ({'ok' if ok else 'over target'})",
            flush=True,
        )
    print(json.dumps({"responses": args.responses, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
