"""The one place Trellis talks to the mastery engine (``trellis.engine``).

Everything else in the platform asks this module for: the school's fitted
model, a level for a probability, the online update of one learner ×
competency record, a replay of a learner's evidence, and the expected chance
of success on an item (for adaptive practice). If the engine's interface
moves, only this file changes.

Skills are named by the competency's primary key as a string. A school's
model is the latest ``MasteryModel`` row: the engine model that predicted
the school's held-out learners best (:func:`fit`; any of
``trellis.engine.models.CANDIDATES``). Until ``trellis fit-mastery`` has
seen ``MIN_RESPONSES_TO_FIT`` answers, BKT with the default parameters
below is used (a fifth of learners know a skill before practising it, 15 %
learn it per attempt, 20 % guess, 10 % slip — the usual BKT starting
values). :class:`Tracker` folds answers in whatever the model: per
competency record for BKT, one state per learner for models whose state
spans skills (``SchoolModel.per_learner``).

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
from django.utils.translation import gettext_lazy as _

from trellis.engine import evaluate as engine_evaluate
from trellis.engine import levels as engine_levels
from trellis.engine.bkt import BKT, BKTState
from trellis.engine.models import CANDIDATES, MODELS, load_model
from trellis.engine.responses import ResponseLog

MODEL_NAME = "bkt"
MIN_RESPONSES_TO_FIT = 200
#: Choosing between models needs learners to hold out: below this many
#: learners (or answers) the school gets BKT fitted on everything.
MIN_LEARNERS_TO_SELECT = 10
#: Share of learners held out to score the candidates (seeded split).
HOLDOUT_SHARE = 0.25
HOLDOUT_SEED = 0
CALIBRATION_BINS = 10
DEFAULT_PARAMS: dict[str, float] = {
    "prior": 0.2,
    "learn": 0.15,
    "forget": 0.0,
    "guess": 0.2,
    "slip": 0.1,
}
#: Constructor arguments of a candidate in the platform (engine defaults
#: otherwise): fewer EM restarts than the engine's benchmark settings, so a
#: nightly fit of a large school stays within minutes.
CANDIDATE_PARAMS: dict[str, dict[str, Any]] = {
    "bkt": {"n_init": 3, "max_iter": 50},
    "bkt-forget": {"n_init": 3, "max_iter": 50},
}
MASTERED_PROBABILITY = engine_levels.MASTERED
#: A rubric task counts as correct evidence from this share of the points.
RUBRIC_CORRECT_FRACTION = 0.5


def candidate_names() -> list[str]:
    """The models the engine offers for a school's selection
    (``trellis.engine.models.CANDIDATES``), simplest first: on equal held-out
    scores the earlier one is kept."""
    return list(CANDIDATES)


def check_candidates(names: Sequence[str]) -> list[str]:
    """``names`` if each is an engine model (ValueError naming the choices)."""
    known = candidate_names()
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(
            f"unknown mastery model {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"expected some of {', '.join(known)}"
        )
    return list(dict.fromkeys(names))


def make_candidate(name: str) -> Any:
    return MODELS[name](**CANDIDATE_PARAMS.get(name, {}))


#: What each model is called on the model card, and what its P(mastery) is.
MODEL_LABELS: dict[str, Any] = {
    "bkt": _("Bayesian Knowledge Tracing"),
    "bkt-forget": _("Bayesian Knowledge Tracing with forgetting"),
    "answer-logit": _("Answer history regression"),
}
_KNOWS = _(
    "P(mastery) is the probability that the learner knows the competency, given "
    "every answer they have given on it: the model treats knowing as a hidden "
    "yes/no state, learnt with some chance at each practice, and lets a learner "
    "who knows it slip and one who does not guess right. 0.95 means the model is "
    "95 % sure the competency is known."
)
_EXPECTS = _(
    "P(mastery) is the probability that the learner's next answer, on a "
    "question of average difficulty for the competency, is right, judged from "
    "their record on that competency (how many right and wrong answers, the "
    "last one, and how recent they are) and, within a fixed bound, from how "
    "all their answers compared with how hard those questions were (a general "
    "ability). The model's chance for a given question uses more (recent "
    "patterns, how that question went for similar learners), which helps "
    "choose questions but is not a level. It is an expected performance rather "
    "than a hidden state: 0.95 means the model expects 19 right answers out of "
    "20."
)
#: True of every registered model (tests/engine/test_mastery_monotone.py).
_MOVES_WITH_EVIDENCE = _(
    "A wrong answer never raises P(mastery) and a right answer never lowers it, "
    "on the competency answered or on any other."
)
_MEANINGS: dict[str, Any] = {
    "bkt": _KNOWS,
    "bkt-forget": _(
        "P(mastery) is the probability that the learner knows the competency, given "
        "every answer they have given on it: the model treats knowing as a hidden "
        "yes/no state, learnt with some chance at each practice and forgotten with "
        "some chance, and lets a learner who knows it slip and one who does not "
        "guess right. 0.95 means the model is 95 % sure the competency is known."
    ),
    "answer-logit": _EXPECTS,
}
_MEANING_OTHER = _(
    "P(mastery) is this model's probability that the learner answers the next "
    "question on the competency correctly, predicted from everything they did "
    "before."
)
LEVELS_SENTENCE = _(
    "Whatever the model, levels use the same thresholds on this probability: "
    "familiar from 0.40, proficient from 0.60, mastered from 0.95 with at least "
    "3 attempts."
)
NOTE_DEFAULTS = _(
    "Too little evidence to fit yet: Trellis uses Bayesian Knowledge Tracing with "
    "its default parameters until trellis fit-mastery has seen 200 answers."
)
NOTE_NO_SELECTION = _(
    "Fewer than 10 learners: Bayesian Knowledge Tracing was fitted on all the "
    "evidence, with no held-out comparison of models."
)
NOTE_NOT_ASKED = _(
    "Bayesian Knowledge Tracing was fitted on all the evidence without comparing "
    "models (as the demo does); trellis fit-mastery compares every model."
)
NOTE_SELECTED = _(
    "Every candidate model was fitted on the school's other learners and scored "
    "on the held-out learners' answers; the one with the lowest log loss was "
    "refitted on all the evidence and is in use."
)


def model_label(name: str) -> str:
    return str(MODEL_LABELS.get(name, name))


def model_meaning(name: str) -> str:
    """One paragraph on what "mastery" means for the model ``name``."""
    if name in _MEANINGS:
        return f"{_MEANINGS[name]} {_MOVES_WITH_EVIDENCE} {LEVELS_SENTENCE}"
    return f"{_MEANING_OTHER} {LEVELS_SENTENCE}"


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
    """A loaded engine model plus what Trellis keeps beside it.

    ``selection`` is what ``fit`` measured (candidates' held-out scores,
    the chosen model's calibration table, counts); empty for defaults."""

    engine: Any
    item_ease: dict[str, float] = field(default_factory=dict)
    row_id: int | None = None
    selection: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.engine.name)

    @property
    def per_learner(self) -> bool:
        """True when the model's state spans the learner's skills (history
        models: overall counts, the previous answer, an ability estimate),
        so it is kept once per learner (``LearnerModelState``) rather than
        in each learner × competency record. BKT's skills are independent."""
        return not isinstance(self.engine, BKT)

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
        engine=load_model(params["engine"]),
        item_ease={str(k): float(v) for k, v in params.get("item_ease", {}).items()},
        row_id=row_id,
    )


#: Parsed models by school, kept per process because parsing the fitted
#: parameters costs more than an answer may; keyed by the fit's row id so it
#: is never stale: the expiring part (which fit is the latest) is in Django's
#: cache below, not here.
_cache: dict[int, SchoolModel] = {}
_cache_lock = threading.Lock()
#: How long the id of a school's latest fit is trusted before the database is
#: asked again. The id lives in Django's cache (Redis in production, shared by
#: every web and worker process), and a fit replaces it at once; with a
#: per-process cache (the demo) another process sees a new fit within this time.
MODEL_CHECK_SECONDS = 60.0


def _latest_key(school_id: int) -> str:
    return f"trellis:mastery-model:{school_id}"


def model_for_school(school_id: int, *, latest: int | None = None) -> SchoolModel:
    """The school's latest fitted model (defaults before the first fit),
    parsed once per process; which fit is the latest comes from the shared
    cache, so recording a response usually costs no query for the model.
    ``latest``: the id of the latest fit (0: none) when the caller read it
    in a statement of its own (the answer endpoint, with the item); the
    cache is not asked then."""
    from trellis.evidence.models import MasteryModel

    if latest is None:
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
    if cached is not None and (cached.row_id or 0) == latest:
        return cached
    if not latest:
        model = SchoolModel(engine=default_engine(), row_id=None)
    else:
        model = from_params(MasteryModel.objects.get(pk=latest).params, row_id=latest)
    with _cache_lock:
        _cache[school_id] = model
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


def _estimate(model: SchoolModel, engine_state: Any, skill: str, record_state: dict) -> Estimate:
    probability = float(model.engine.mastery(engine_state, skill))
    attempts = int(model.engine.attempts(engine_state, skill))
    return Estimate(
        probability=probability,
        attempts=attempts,
        level=level_for(probability, attempts),
        state=record_state,
    )


def update(model: SchoolModel, state: dict[str, Any], skill: str, correct: bool) -> Estimate:
    """Fold one piece of evidence into one learner × competency state (BKT,
    whose skills are independent; per-learner models go through
    :class:`Tracker`)."""
    engine_state = BKTState.from_dict(state) if state else model.engine.init_state()
    model.engine.update(engine_state, skill, bool(correct))
    return _estimate(model, engine_state, skill, engine_state.to_dict())


def replay(model: SchoolModel, skill: str, outcomes: Iterable[bool]) -> Estimate:
    """A learner's whole history on one competency, from no evidence (BKT)."""
    tracker = Tracker(model)
    estimate = None
    for correct in outcomes:
        estimate = tracker.feed([skill], correct)[skill]
    if estimate is None:
        engine_state = model.engine.init_state()
        return _estimate(model, engine_state, skill, {})
    return estimate


def learner_state_is_current(model: SchoolModel, stored: dict[str, Any] | None) -> bool:
    """Whether a stored per-learner state was built by this model (or is
    empty: a learner with no evidence)."""
    return not stored or stored.get("model") == model.row_id


class Tracker:
    """One learner's evidence folded in answer by answer, whatever the model.

    BKT keeps a state per competency (``record_states``, as stored in each
    ``MasteryRecord``); a per-learner model keeps one state for the learner
    (``learner_state``: ``{"model": MasteryModel id, "state": ...}``, stored
    in ``LearnerModelState``). ``feed`` takes one answer with all of its
    competencies and returns the new estimate of each."""

    def __init__(
        self,
        model: SchoolModel,
        *,
        learner_state: dict[str, Any] | None = None,
        record_states: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.model = model
        self.record_states = dict(record_states or {})
        self._engine_state: Any = None
        if model.per_learner:
            init = model.engine.init_state()
            if learner_state and learner_state_is_current(model, learner_state):
                init = type(init).from_dict(learner_state["state"])
            self._engine_state = init

    @property
    def learner_state(self) -> dict[str, Any]:
        if not self.model.per_learner:
            return {}
        return {"model": self.model.row_id, "state": self._engine_state.to_dict()}

    def feed(
        self, skills: Sequence[str], correct: bool, item: int | str | None = None
    ) -> dict[str, Estimate]:
        model = self.model
        out: dict[str, Estimate] = {}
        if not model.per_learner:
            for skill in skills:
                estimate = update(model, self.record_states.get(skill, {}), skill, correct)
                self.record_states[skill] = estimate.state
                out[skill] = estimate
            return out
        # One update per answer with all of its competencies (the engine's
        # multi-skill interface, docs/engine-helpers.md).
        model.engine.update(
            self._engine_state,
            skills[0] if len(skills) == 1 else list(skills),
            bool(correct),
            item=None if item is None else str(item),
        )
        for skill in skills:
            out[skill] = _estimate(model, self._engine_state, skill, {})
        return out

    def estimate(self, skill: str) -> Estimate:
        """The current estimate of a skill (no evidence: the model's prior)."""
        if self.model.per_learner:
            return _estimate(self.model, self._engine_state, skill, {})
        state = self.record_states.get(skill, {})
        engine_state = BKTState.from_dict(state) if state else self.model.engine.init_state()
        return _estimate(self.model, engine_state, skill, state)


def expected_success(model: SchoolModel, state: dict[str, Any], skill: str, item_id: int) -> float:
    """P(correct) on this item: the model's chance for the competency, shifted
    by how much easier or harder the item has proved than its competency's
    other items (``item_ease``, in logits, fit with the model; a per-learner
    model predicts the item itself). ``state`` is
    the record's state (BKT) or the learner's state (per-learner models)."""
    if model.per_learner:
        # The model has its own item terms (fitted with it): no ease added.
        engine_state = Tracker(model, learner_state=state)._engine_state
        return float(model.engine.predict_one(engine_state, skill, item=str(item_id)))
    else:
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
    """One answer: a learner, an item, the item's competencies, the outcome
    and its place in time."""

    learner_id: int
    skills: tuple[str, ...]
    item_id: int
    correct: bool
    order: int


def response_log(observations: Sequence[Observation]) -> ResponseLog:
    """The engine's log of these answers: one row per answer with all of
    its competencies (``ResponseLog.from_skill_lists``), so an item with
    two competencies counts once in the fit and in the held-out scores."""
    learners = sorted({o.learner_id for o in observations})
    skills = sorted({skill for o in observations for skill in o.skills})
    items = sorted({o.item_id for o in observations})
    l_code = {v: i for i, v in enumerate(learners)}
    s_code = {v: i for i, v in enumerate(skills)}
    i_code = {v: i for i, v in enumerate(items)}
    n = len(observations)
    return ResponseLog.from_skill_lists(
        learner=np.fromiter((l_code[o.learner_id] for o in observations), np.int64, n),
        skills=[[s_code[skill] for skill in o.skills] for o in observations],
        correct=np.fromiter((int(o.correct) for o in observations), np.int8, n),
        order=np.fromiter((o.order for o in observations), np.int64, n),
        item=np.fromiter((i_code[o.item_id] for o in observations), np.int64, n),
        learner_ids=tuple(str(x) for x in learners),
        skill_ids=tuple(skills),
        item_ids=tuple(str(x) for x in items),
    )


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def calibration_table(
    y: np.ndarray, p: np.ndarray, bins: int = CALIBRATION_BINS
) -> list[dict[str, Any]]:
    """Predicted against observed success by bin of predicted probability
    (equal widths, 0-0.1, ..., 0.9-1; empty bins left out)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        if n == 0:
            continue
        out.append(
            {
                "low": round(float(edges[b]), 2),
                "high": round(float(edges[b + 1]), 2),
                "n": n,
                "predicted": round(float(p[mask].mean()), 4),
                "observed": round(float(y[mask].mean()), 4),
            }
        )
    return out


def score_candidates(
    log: ResponseLog, names: Sequence[str] | None = None
) -> tuple[list[dict[str, Any]], dict[str, np.ndarray], np.ndarray]:
    """Fit each candidate on the training learners and score it on the held
    out ones (``HOLDOUT_SHARE`` of learners, seeded): held-out AUC and log
    loss per candidate, each candidate's held-out predictions, and the
    held-out outcomes."""
    train, test = engine_evaluate.split_by_learner(log, HOLDOUT_SHARE, HOLDOUT_SEED)
    y = test.correct.astype(np.float64)
    scores = []
    predictions: dict[str, np.ndarray] = {}
    for name in names or candidate_names():
        started = time.perf_counter()
        model = make_candidate(name).fit(train)
        fit_seconds = time.perf_counter() - started
        p = np.asarray(model.predict_proba(test), dtype=np.float64)
        predictions[name] = p
        auc = engine_evaluate.auc(y, p)
        scores.append(
            {
                "name": name,
                # None when the held-out answers are all right or all wrong
                "auc": None if math.isnan(auc) else round(auc, 4),
                "log_loss": round(_log_loss(y, p), 4),
                "fit_seconds": round(fit_seconds, 2),
            }
        )
    return scores, predictions, y


def fit(
    observations: Sequence[Observation],
    *,
    select: bool = True,
    candidates: Sequence[str] | None = None,
) -> SchoolModel:
    """Fit the school's model on its evidence (BKT defaults when there is too
    little), and each item's ease relative to its competency.

    With ``select`` and at least ``MIN_LEARNERS_TO_SELECT`` learners, every
    candidate is fitted on most learners and scored on the rest; the one
    with the lowest held-out log loss (ties: higher AUC) is refitted on all
    the evidence and kept, with the scores and its calibration table in
    ``selection``. Otherwise BKT is fitted on everything. ``candidates``
    limits the models tried (default: every engine model)."""
    names = check_candidates(candidates) if candidates is not None else candidate_names()
    if len(observations) < MIN_RESPONSES_TO_FIT:
        return SchoolModel(engine=default_engine())
    log = response_log(observations)
    learners = len({o.learner_id for o in observations})
    selection: dict[str, Any] = {
        "n_answers": len(observations),
        "n_rows": len(log),
        "n_learners": learners,
        "candidates": [],
        "calibration": [],
        "chosen": MODEL_NAME,
        # why no models were compared: not asked, or too few learners
        "skipped": "" if select else "not_asked",
    }
    chosen = MODEL_NAME
    if select and learners < MIN_LEARNERS_TO_SELECT:
        selection["skipped"] = "few_learners"
    elif select:
        scores, predictions, y = score_candidates(log, names)
        best = min(scores, key=lambda c: (c["log_loss"], -(c["auc"] or 0.0)))
        chosen = best["name"]
        selection.update(
            chosen=chosen,
            candidates=scores,
            calibration=calibration_table(y, predictions[chosen]),
            n_test_rows=int(y.shape[0]),
            n_test_learners=int(round(HOLDOUT_SHARE * learners)),
            holdout_share=HOLDOUT_SHARE,
        )
    engine = make_candidate(chosen).fit(log)
    return SchoolModel(engine=engine, item_ease=_item_ease(observations), selection=selection)


def _item_ease(observations: Sequence[Observation]) -> dict[str, float]:
    """logit(item success) − logit(its competency's success), both smoothed
    toward the competency's rate with a pseudo-count of 5."""
    skill_n: dict[str, list[int]] = {}
    item_n: dict[tuple[int, str], list[int]] = {}
    for o in observations:
        for skill in o.skills:
            skill_n.setdefault(skill, [0, 0])
            skill_n[skill][0] += int(o.correct)
            skill_n[skill][1] += 1
            item_n.setdefault((o.item_id, skill), [0, 0])
            item_n[(o.item_id, skill)][0] += int(o.correct)
            item_n[(o.item_id, skill)][1] += 1
    ease: dict[str, float] = {}
    for (item_id, skill), (right, n) in item_n.items():
        s_right, s_n = skill_n[skill]
        rate = (s_right + 1) / (s_n + 2)
        item_rate = (right + 5 * rate) / (n + 5)
        ease[str(item_id)] = round(_logit(item_rate) - _logit(rate), 4)
    return ease
