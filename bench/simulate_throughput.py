"""How fast does the learner simulator generate responses? Target (spec):
10 million responses in under two minutes.

Generates about ``--responses`` responses (``--responses-per-learner`` per
learner on average, so ``responses / R`` learners), then, separately,
writes the first ``--csv-rows`` of them as CSV to a temporary file (ISO
timestamps) and reports the write speed. ``--csv-rows 0`` skips the CSV
part; ``--csv-rows -1`` writes every response.

Run::

    .venv/bin/python bench/simulate_throughput.py                  # 10M responses
    .venv/bin/python bench/simulate_throughput.py --responses 1000000

Prints human-readable lines, then a JSON object as the last line
(responses, seconds, responses_per_second, peak_rss_mb, csv_*).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np

from trellis.engine.evaluate import peak_rss_mb
from trellis.engine.simulate import simulate, write_csv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--responses", type=int, default=10_000_000)
    ap.add_argument("--responses-per-learner", type=int, default=100)
    ap.add_argument("--competencies", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv-rows", type=int, default=1_000_000)
    args = ap.parse_args()
    learners = max(1, args.responses // args.responses_per_learner)
    print(
        f"simulating {learners} learners x ~{args.responses_per_learner} responses "
        f"on {args.competencies} competencies (seed {args.seed}) ..."
    )
    t0 = time.perf_counter()
    sim = simulate(
        n_learners=learners,
        n_competencies=args.competencies,
        responses_per_learner=args.responses_per_learner,
        seed=args.seed,
    )
    seconds = time.perf_counter() - t0
    n = len(sim.log)
    rate = n / seconds
    print(f"{n} responses in {seconds:.2f} s: {rate:,.0f} responses/s")
    print(
        f"correct {sim.log.correct.mean():.3f}, known before response {sim.known.mean():.3f}, "
        f"known at the end {sim.final_known.mean():.3f}"
    )
    result: dict[str, object] = {
        "responses": n,
        "learners": learners,
        "competencies": args.competencies,
        "seconds": round(seconds, 3),
        "responses_per_second": round(rate),
    }
    rows = n if args.csv_rows < 0 else min(args.csv_rows, n)
    if rows > 0:
        part = sim.log if rows == n else sim.log.take(np.arange(rows, dtype=np.int64))
        fd, path = tempfile.mkstemp(suffix=".csv")
        os.close(fd)
        try:
            t1 = time.perf_counter()
            write_csv(part, path, start=sim.start)
            csv_seconds = time.perf_counter() - t1
            size_mb = os.path.getsize(path) / 1e6
        finally:
            os.unlink(path)
        print(
            f"CSV: {rows} rows in {csv_seconds:.2f} s: {rows / csv_seconds:,.0f} rows/s "
            f"({size_mb:.0f} MB)"
        )
        result.update(
            csv_rows=rows,
            csv_seconds=round(csv_seconds, 3),
            csv_rows_per_second=round(rows / csv_seconds),
            csv_mb=round(size_mb, 1),
        )
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(f"peak RSS {result['peak_rss_mb']} MB; target 10M responses < 120 s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
