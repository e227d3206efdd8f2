"""Benchmark: the platform's model selection (``trellis.evidence.mastery.fit``,
what ``trellis fit-mastery`` runs per school) on a simulated school of 500
learners, 40 competencies, about 100 answers each: every candidate fitted on
75 % of the learners and scored on the rest, the winner refitted on all.

    .venv/bin/python bench/fit_mastery_selection.py

Prints each candidate's held-out scores and fit time, then a JSON line.
"""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trellis.settings")
django.setup()

import time  # noqa: E402

from trellis.engine.simulate import simulate  # noqa: E402
from trellis.evidence import mastery  # noqa: E402

sim = simulate(500, 40, 100, seed=0)
log = sim.log.sorted()
obs = [
    mastery.Observation(
        learner_id=int(log.learner[i]),
        skills=(log.skill_ids[int(log.skill[i])],),
        item_id=int(log.item[i]),
        correct=bool(log.correct[i]),
        order=i,
    )
    for i in range(len(log))
]
t = time.perf_counter()
fitted = mastery.fit(obs)
total = time.perf_counter() - t
for c in fitted.selection["candidates"]:
    print(
        f"{c['name']:<14} AUC {c['auc']:.4f}  log loss {c['log_loss']:.4f}  fit {c['fit_seconds']} s"
    )
print(
    json.dumps(
        {
            "bench": "fit_mastery_selection",
            "answers": len(obs),
            "chosen": fitted.name,
            "seconds": round(total, 1),
            "candidates": fitted.selection["candidates"],
        }
    )
)
