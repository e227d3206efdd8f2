"""The one place Trellis talks to the mastery engine (``trellis.engine``).

Everything else in the platform asks this module for: the school's fitted
model, a level for a probability, the online update of one learner ×
competency record, a replay of a learner's evidence, and the expected chance
of success on an item (for adaptive practice). If the engine's interface
moves, only this file changes.

Skills are named by the competency's primary key as a string. A school's
model is the latest ``MasteryModel`` row; until ``trellis fit-mastery`` has
seen ``MIN_RESPONSES_TO_FIT`` responses, the default parameters below are
used (a fifth of learners know a skill before practising it, 15 % learn it
per attempt, 20 % guess, 10 % slip — the usual BKT starting values).

Levels come from ``trellis.engine.levels`` (documented in
docs/assessment-and-mastery.md):

=============  ===========================================================
not started    no evidence yet
attempted      some evidence, P(mastery) below 0.40
familiar       P(mastery) at least 0.40
proficient     P(mastery) at least 0.60
mastered       P(mastery) at least 0.95 and at least 3 attempts
=============  ===========================================================
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache as shared_cache
from django.db import transaction

from trellis.engine import levels as engine_levels
from trellis.engine.bkt import BKT, BKTState
from trellis.engine.responses import ResponseLog

MODEL_NAME = "bkt"
MIN_RESPONSES_TO_FIT = 200
DEFAULT_PARAMS: dict[str, float] = {
    "prior": 0.2,
    "learn": 0.15,
    "forget": 0.0,
    "guess": 0.2,
    "slip": 0.1,
}
MASTERED_PROBABILITY = engine_levels.MASTERED
#: A rubric task counts as correct evidence from this share of the points.
RUBRIC_CORRECT_FRACTION = 0.5


def level_for(probability: float, attempts: int) -> str:
    return str(engine_levels.level(min(max(probability, 0.0), 1.0), attempts))


def is_mastered(probability: float, attempts: int) -> bool:
    return level_for(probability, attempts) == engine_levels.Level.MASTERED


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class SchoolModel:
    """A loaded engine model plus what Trellis keeps beside it."""

    engine: Any
    item_ease: dict[str, float] = field(default_factory=dict)
    row_id: int | None = None

    def params(self) -> dict[str, Any]:
        return {"engine": self.engine.to_dict(), "item_ease": self.item_ease}


def default_engine() -> BKT:
    return BKT.from_dict(
        {
            "model": MODEL_NAME,
            "version": 1,
            "params": BKT().get_params(),
            "skills": [],
            **{k: [] for k in DEFAULT_PARAMS},
            "default": dict(DEFAULT_PARAMS),
            "log_likelihood": 0.0,
        }
    )


def from_params(params: dict[str, Any], row_id: int | None = None) -> SchoolModel:
    return SchoolModel(
        engine=BKT.from_dict(params["engine"]),
        item_ease={str(k): float(v) for k, v in params.get("item_ease", {}).items()},
        row_id=row_id,
    )


_cache: dict[int, tuple[float, SchoolModel]] = {}
_cache_lock = threading.Lock()
#: How long the id of a school's latest fit is trusted before the database is
#: asked again. The id lives in Django's cache (Redis in production, shared by
#: every web and worker process), and a fit replaces it at once; with a
#: per-process cache (the demo) another process sees a new fit within this time.
MODEL_CHECK_SECONDS = 60.0


def _latest_key(school_id: int) -> str:
    return f"trellis:mastery-model:{school_id}"


def model_for_school(school_id: int) -> SchoolModel:
    """The school's latest fitted model (defaults before the first fit),
    parsed once per process; which fit is the latest comes from the shared
    cache, so recording a response usually costs no query for the model."""
    from trellis.evidence.models import MasteryModel

    latest = shared_cache.get(_latest_key(school_id))
    if latest is None:
        latest = (
            MasteryModel.objects.filter(school_id=school_id)
            .order_by("-fitted_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        ) or 0
        shared_cache.set(_latest_key(school_id), latest, MODEL_CHECK_SECONDS)
    cached = _cache.get(school_id)
    if cached is not None and (cached[1].row_id or 0) == latest:
        return cached[1]
    if not latest:
        model = SchoolModel(engine=default_engine(), row_id=None)
    else:
        model = from_params(MasteryModel.objects.get(pk=latest).params, row_id=latest)
    with _cache_lock:
        _cache[school_id] = (time.monotonic(), model)
    return model


def forget_cached_model(school_id: int) -> None:
    """After a fit: every process asks the database for the latest fit (now,
    and again once the fit commits, so nobody keeps the previous one)."""
    with _cache_lock:
        _cache.pop(school_id, None)
    shared_cache.delete(_latest_key(school_id))
    transaction.on_commit(lambda: shared_cache.delete(_latest_key(school_id)))


@dataclass(frozen=True)
class Estimate:
    probability: float
    attempts: int
    level: str
    state: dict[str, Any]


def update(model: SchoolModel, state: dict[str, Any], skill: str, correct: bool) -> Estimate:
    """Fold one piece of evidence into one learner × competency state."""
    engine_state = BKTState.from_dict(state) if state else model.engine.init_state()
    model.engine.update(engine_state, skill, bool(correct))
    probability = float(model.engine.mastery(engine_state, skill))
    attempts = int(model.engine.attempts(engine_state, skill))
    return Estimate(
        probability=probability,
        attempts=attempts,
        level=level_for(probability, attempts),
        state=engine_state.to_dict(),
    )


def replay(model: SchoolModel, skill: str, outcomes: Iterable[bool]) -> Estimate:
    """A learner's whole history on one competency, from no evidence."""
    engine_state = model.engine.init_state()
    for correct in outcomes:
        model.engine.update(engine_state, skill, bool(correct))
    probability = float(model.engine.mastery(engine_state, skill))
    attempts = int(model.engine.attempts(engine_state, skill))
    return Estimate(
        probability=probability,
        attempts=attempts,
        level=level_for(probability, attempts),
        state=engine_state.to_dict(),
    )


def expected_success(model: SchoolModel, state: dict[str, Any], skill: str, item_id: int) -> float:
    """P(correct) on this item: the model's chance for the competency, shifted
    by how much easier or harder the item has proved than its competency's
    other items (``item_ease``, in logits, fit with the model)."""
    engine_state = BKTState.from_dict(state) if state else model.engine.init_state()
    base = float(model.engine.predict_one(engine_state, skill))
    return _sigmoid(_logit(base) + model.item_ease.get(str(item_id), 0.0))


def choose_practice_item(
    candidates: Sequence[tuple[int, float]], seen: set[int], target: float
) -> int | None:
    """The engine's rule: closest to the target success, fresh items first."""
    from trellis.engine.practice import ItemCandidate, choose_next_item

    chosen = choose_next_item(
        [ItemCandidate(id=f"{item_id:012d}", predicted_success=p) for item_id, p in candidates],
        {f"{i:012d}" for i in seen},
        target,
    )
    return int(chosen) if chosen is not None else None


@dataclass(frozen=True)
class Observation:
    learner_id: int
    skill: str
    item_id: int
    correct: bool
    order: int


def fit(observations: Sequence[Observation]) -> SchoolModel:
    """Fit the school's model on its evidence (defaults when there is too
    little), and each item's ease relative to its competency."""
    if len(observations) < MIN_RESPONSES_TO_FIT:
        return SchoolModel(engine=default_engine())
    learners = sorted({o.learner_id for o in observations})
    skills = sorted({o.skill for o in observations})
    items = sorted({o.item_id for o in observations})
    l_code = {v: i for i, v in enumerate(learners)}
    s_code = {v: i for i, v in enumerate(skills)}
    i_code = {v: i for i, v in enumerate(items)}
    log = ResponseLog(
        learner=np.fromiter(
            (l_code[o.learner_id] for o in observations), np.int64, len(observations)
        ),
        skill=np.fromiter((s_code[o.skill] for o in observations), np.int64, len(observations)),
        correct=np.fromiter((int(o.correct) for o in observations), np.int8, len(observations)),
        order=np.fromiter((o.order for o in observations), np.int64, len(observations)),
        item=np.fromiter((i_code[o.item_id] for o in observations), np.int64, len(observations)),
        learner_ids=tuple(str(x) for x in learners),
        skill_ids=tuple(skills),
        item_ids=tuple(str(x) for x in items),
    )
    engine = BKT(n_init=3, max_iter=50).fit(log)
    return SchoolModel(engine=engine, item_ease=_item_ease(observations))


def _item_ease(observations: Sequence[Observation]) -> dict[str, float]:
    """logit(item success) − logit(its competency's success), both smoothed
    toward the competency's rate with a pseudo-count of 5."""
    skill_n: dict[str, list[int]] = {}
    item_n: dict[tuple[int, str], list[int]] = {}
    for o in observations:
        skill_n.setdefault(o.skill, [0, 0])
        skill_n[o.skill][0] += int(o.correct)
        skill_n[o.skill][1] += 1
        item_n.setdefault((o.item_id, o.skill), [0, 0])
        item_n[(o.item_id, o.skill)][0] += int(o.correct)
        item_n[(o.item_id, o.skill)][1] += 1
    ease: dict[str, float] = {}
    for (item_id, skill), (right, n) in item_n.items():
        s_right, s_n = skill_n[skill]
        rate = (s_right + 1) / (s_n + 2)
        item_rate = (right + 5 * rate) / (n + 5)
        ease[str(item_id)] = round(_logit(item_rate) - _logit(rate), 4)
    return ease
