"""The learner simulator: a standards graph, items, learners and their
time-ordered responses from a knowledge-tracing generative model.

Used by the demo school and by the scale benchmarks. Everything is drawn from
one ``numpy.random.Generator`` seeded with ``seed``: the same arguments give
identical arrays, on any machine with the same NumPy.

The generative model (see ``docs/simulator.md``):

* **Standards graph.** ``n_competencies`` competencies in curriculum
  (topological) order, spread over grades K-8; each has 0-3 prerequisites
  among the competencies shortly before it, usually including the previous
  one of its domain. Prerequisites always come earlier, so the graph is a DAG.
* **Items.** ``items_per_competency`` items per competency, each with a
  difficulty ``b ~ N(0, 0.8)`` and a kind.
* **Learners.** Latent ability ``theta ~ N(0, 1)``, a learning-rate
  multiplier ``rho ~ LogNormal(0, 0.35)``, 1-3 interest tags from
  ``INTERESTS`` and a learning profile (how they take in information,
  express what they know, engage).
* **True BKT parameters per competency.** ``prior ~ U(0.05, 0.35)``,
  ``learn ~ U(0.08, 0.30)``, ``slip ~ U(0.05, 0.15)``,
  ``guess ~ U(0.10, 0.30)``.
* **Knowledge.** A learner initially knows competency ``c`` with probability
  ``expit(logit(prior_c) + 0.8 theta)``, but only if they initially know all
  of its prerequisites. After each attempt on ``c`` a learner who does not
  know it learns it with probability ``1 - (1 - learn_c) ** rho`` - only if
  every prerequisite is known (it always is: see the practice policy). There
  is no forgetting.
* **Responses.** With ``d = irt_scale * (theta - b_item)``:
  P(correct | known) = ``1 - expit(logit(slip_c) - d)`` and
  P(correct | unknown) = ``expit(logit(guess_c) + d)``; with ``d = 0``
  these are exactly ``1 - slip`` and ``guess``.
* **Practice policy.** Each learner works on one competency at a time and
  moves on after ``mastery_streak`` correct answers in a row or
  ``max_attempts`` attempts. The next competency is the first one in
  curriculum order that the learner has not finished and whose prerequisites
  they know (with probability ``skip_probability`` the second such one: the
  curriculum is followed *roughly*). When none is left, unfinished
  competencies they do not know are reopened (remediation); a learner who
  knows everything reviews random competencies.
* **Time.** Learner ``l`` gives ``n_l ~ round(R * U(1 - s, 1 + s))``
  responses (``R = responses_per_learner``, ``s = count_spread``) in sessions
  of 8-20 responses, spread evenly over the school days (Monday-Friday) of
  ``days`` calendar days from ``start``, between 08:30 and about 15:00 UTC,
  some seconds apart. ``time`` is whole seconds since ``start`` (midnight UTC).

Generation is vectorised across learners: all learners advance one response
at a time as NumPy arrays, so the Python loop runs once per response *index*
(about ``1.5 R`` times), not once per response.
"""

from __future__ import annotations

import argparse
import sys
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from trellis.engine.responses import ResponseLog

__all__ = [
    "CSV_HEADER",
    "DEFAULT_START",
    "ENGAGE",
    "EXPRESS",
    "INTERESTS",
    "ITEM_KINDS",
    "PROFILE_DIMENSIONS",
    "TAKE_IN",
    "Competency",
    "Item",
    "SimLearner",
    "Simulation",
    "StandardsGraph",
    "TrueParams",
    "generate_graph",
    "main",
    "read_csv",
    "simulate",
    "write_csv",
]

# ----------------------------------------------------------------- vocabulary
INTERESTS: tuple[str, ...] = (
    "animals",
    "art",
    "building",
    "cooking",
    "dance",
    "fashion",
    "games",
    "history",
    "music",
    "nature",
    "science",
    "space",
    "sports",
    "technology",
    "travel",
    "writing",
)
TAKE_IN: tuple[str, ...] = ("visual", "auditory", "reading", "hands-on")
EXPRESS: tuple[str, ...] = ("written", "oral", "visual", "building")
ENGAGE: tuple[str, ...] = ("independent", "collaborative", "guided")
PROFILE_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "take_in": TAKE_IN,
    "express": EXPRESS,
    "engage": ENGAGE,
}
ITEM_KINDS: tuple[str, ...] = ("multiple_choice", "short_answer", "open_response")
_ITEM_KIND_P = (0.6, 0.3, 0.1)

GRADES: tuple[str, ...] = ("K", "1", "2", "3", "4", "5", "6", "7", "8")
_GRADE_BAND = {
    "K": "K-2",
    "1": "K-2",
    "2": "K-2",
    "3": "3-5",
    "4": "3-5",
    "5": "3-5",
    "6": "6-8",
    "7": "6-8",
    "8": "6-8",
}
DOMAINS: dict[str, str] = {
    "CC": "counting and cardinality",
    "OA": "operations and algebraic thinking",
    "NBT": "number and operations in base ten",
    "NF": "fractions",
    "MD": "measurement and data",
    "G": "geometry",
    "RP": "ratios and proportional relationships",
    "NS": "the number system",
    "EE": "expressions and equations",
    "SP": "statistics and probability",
    "F": "functions",
}
_DOMAINS_OF_GRADE: dict[str, tuple[str, ...]] = {
    "K": ("CC", "OA", "MD", "G"),
    "1": ("OA", "NBT", "MD", "G"),
    "2": ("OA", "NBT", "MD", "G"),
    "3": ("OA", "NBT", "NF", "MD", "G"),
    "4": ("OA", "NBT", "NF", "MD", "G"),
    "5": ("OA", "NBT", "NF", "MD", "G"),
    "6": ("RP", "NS", "EE", "G", "SP"),
    "7": ("RP", "NS", "EE", "G", "SP"),
    "8": ("NS", "EE", "F", "G", "SP"),
}
_VERBS = ("Understand", "Apply", "Solve problems with", "Represent", "Reason about", "Explain")

DEFAULT_START = date(2025, 9, 1)  # a Monday
CSV_HEADER: tuple[str, ...] = (
    "learner_id",
    "competency",
    "item_id",
    "correct",
    "timestamp",
    "order",
)
_DAY_START = 8.5 * 3600.0  # 08:30
_DAY_SPAN = 6.0 * 3600.0  # session starts spread until 14:30
_MAX_GAP = 45.0  # seconds between responses in a session, at most

# CLI messages (one line each).
BAD_ARG = "trellis simulate: error: {message}"
NOT_POSITIVE = "{option} must be a positive integer, got {value}"
NO_DIRECTORY = "cannot write {path}: the directory {parent} does not exist"


# ------------------------------------------------------------------- the graph
@dataclass(frozen=True)
class Competency:
    code: str
    statement: str
    grade: str
    grade_band: str
    domain: str
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class StandardsGraph:
    """Competencies in topological (curriculum) order; prerequisites always
    come earlier. ``prerequisite_index[i]`` are the indices of the
    prerequisites of competency ``i``."""

    competencies: tuple[Competency, ...]
    prerequisite_index: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.competencies) != len(self.prerequisite_index):
            raise ValueError("expected one prerequisite tuple per competency")
        for i, pre in enumerate(self.prerequisite_index):
            for j in pre:
                if not 0 <= j < i:
                    raise ValueError(
                        f"competency {i} ({self.competencies[i].code}) has prerequisite {j}: "
                        "prerequisites must come earlier (topological order)"
                    )

    @classmethod
    def from_competencies(cls, competencies: Sequence[Competency]) -> StandardsGraph:
        index = {c.code: i for i, c in enumerate(competencies)}
        pre = tuple(tuple(sorted(index[p] for p in c.prerequisites)) for c in competencies)
        return cls(tuple(competencies), pre)

    def __len__(self) -> int:
        return len(self.competencies)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.competencies)

    def index_of(self, code: str) -> int:
        return self.codes.index(code)

    def prerequisites_of(self, i: int) -> tuple[int, ...]:
        return self.prerequisite_index[i]

    def dependants_of(self, i: int) -> tuple[int, ...]:
        return tuple(j for j, pre in enumerate(self.prerequisite_index) if i in pre)

    def is_acyclic(self) -> bool:
        """Kahn's algorithm (a check; construction already guarantees it)."""
        indeg = [len(p) for p in self.prerequisite_index]
        deps: list[list[int]] = [[] for _ in indeg]
        for i, pre in enumerate(self.prerequisite_index):
            for j in pre:
                deps[j].append(i)
        ready = [i for i, d in enumerate(indeg) if d == 0]
        seen = 0
        while ready:
            i = ready.pop()
            seen += 1
            for j in deps[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    ready.append(j)
        return seen == len(indeg)

    def padded(self, fill: int) -> NDArray[np.int64]:
        """Prerequisite indices as a (K, max prerequisites) array padded with
        ``fill`` (at least one column)."""
        width = max([1, *(len(p) for p in self.prerequisite_index)])
        out = np.full((len(self), width), fill, dtype=np.int64)
        for i, pre in enumerate(self.prerequisite_index):
            out[i, : len(pre)] = pre
        return out

    def padded_dependants(self, fill: int) -> NDArray[np.int64]:
        deps: list[list[int]] = [[] for _ in range(len(self))]
        for i, pre in enumerate(self.prerequisite_index):
            for j in pre:
                deps[j].append(i)
        width = max([1, *(len(d) for d in deps)])
        out = np.full((len(self), width), fill, dtype=np.int64)
        for i, d in enumerate(deps):
            out[i, : len(d)] = d
        return out


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def generate_graph(
    n_competencies: int,
    seed: int | np.random.Generator = 0,
    *,
    max_prerequisites: int = 3,
    window: int = 8,
    grades: Sequence[str] = GRADES,
) -> StandardsGraph:
    """A random standards graph of ``n_competencies`` competencies spread
    evenly over ``grades`` (codes like ``6.RP.2``), in topological order."""
    if n_competencies < 1:
        raise ValueError(f"expected at least 1 competency, got {n_competencies}")
    rng = _rng(seed)
    counters: dict[tuple[str, str], int] = {}
    last_of_domain: dict[str, int] = {}
    comps: list[Competency] = []
    pre_index: list[tuple[int, ...]] = []
    n_grades = len(grades)
    for i in range(n_competencies):
        grade = grades[min(n_grades - 1, i * n_grades // n_competencies)]
        domains = _DOMAINS_OF_GRADE.get(grade, tuple(DOMAINS))
        domain = domains[int(rng.integers(len(domains)))]
        k = counters.get((grade, domain), 0) + 1
        counters[(grade, domain)] = k
        code = f"{grade}.{domain}.{k}"
        verb = _VERBS[int(rng.integers(len(_VERBS)))]
        grade_name = "kindergarten" if grade == "K" else f"grade {grade}"
        statement = f"{verb} {DOMAINS[domain]} ({grade_name}, part {k})"
        m = int(rng.choice(4, p=(0.1, 0.5, 0.3, 0.1)))
        m = min(m, i, max_prerequisites)
        if i == 1:
            m = 1  # the second competency builds on the first
        pre: set[int] = set()
        if m > 0 and domain in last_of_domain:
            pre.add(last_of_domain[domain])
        lo = max(0, i - window)
        pool = [j for j in range(lo, i) if j not in pre]
        need = m - len(pre)
        if need > 0 and pool:
            pick = rng.choice(len(pool), size=min(need, len(pool)), replace=False)
            pre.update(pool[int(p)] for p in pick)
        pre_t = tuple(sorted(pre))
        comps.append(
            Competency(
                code=code,
                statement=statement,
                grade=grade,
                grade_band=_GRADE_BAND.get(grade, grade),
                domain=domain,
                prerequisites=tuple(comps[j].code for j in pre_t),
            )
        )
        pre_index.append(pre_t)
        last_of_domain[domain] = i
    return StandardsGraph(tuple(comps), tuple(pre_index))


# ------------------------------------------------------- items, learners, sim
@dataclass(frozen=True)
class Item:
    id: str
    competency: int
    difficulty: float
    kind: str


@dataclass(frozen=True)
class SimLearner:
    id: str
    ability: float
    learning_rate: float
    interests: tuple[str, ...]
    profile: dict[str, str]  # take_in / express / engage


@dataclass(frozen=True)
class TrueParams:
    """The true BKT parameters per competency (arrays of length K)."""

    prior: NDArray[np.float64]
    learn: NDArray[np.float64]
    slip: NDArray[np.float64]
    guess: NDArray[np.float64]


@dataclass(frozen=True)
class Simulation:
    """Everything the simulator drew, and the responses.

    ``log`` is ordered by learner then time; ``log.order`` is the row index,
    ``log.time`` whole seconds since ``start`` (midnight UTC). ``known``
    holds the true state of each response's competency *before* that
    response; ``initial_known`` and ``final_known`` are (learners x
    competencies) boolean matrices of the true state before the first and
    after the last response.
    """

    graph: StandardsGraph
    items: tuple[Item, ...]
    learners: tuple[SimLearner, ...]
    params: TrueParams
    log: ResponseLog
    known: NDArray[np.bool_]
    initial_known: NDArray[np.bool_]
    final_known: NDArray[np.bool_]
    start: date
    days: int
    seed: int
    irt_scale: float

    @property
    def item_difficulty(self) -> NDArray[np.float64]:
        return np.array([it.difficulty for it in self.items], dtype=np.float64)

    @property
    def ability(self) -> NDArray[np.float64]:
        return np.array([ln.ability for ln in self.learners], dtype=np.float64)

    def p_correct(self) -> NDArray[np.float64]:
        """The model's probability of each response being correct."""
        assert self.log.item is not None
        d = self.irt_scale * (self.ability[self.log.learner] - self.item_difficulty[self.log.item])
        c = self.log.skill
        p_known = 1.0 - _expit(_logit(self.params.slip[c]) - d)
        p_unknown = _expit(_logit(self.params.guess[c]) + d)
        return np.where(self.known, p_known, p_unknown)


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.log(p) - np.log1p(-p)


def _expit(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-x))


def _width(n: int) -> int:
    return max(4, len(str(n)))


def _school_days(start: date, days: int) -> NDArray[np.int64]:
    school = [d for d in range(days) if (start + timedelta(days=d)).weekday() < 5]
    return np.array(school or list(range(days)), dtype=np.int64)


def simulate(
    n_learners: int = 200,
    n_competencies: int = 40,
    responses_per_learner: int = 100,
    *,
    items_per_competency: int = 6,
    days: int = 30,
    seed: int = 0,
    graph: StandardsGraph | None = None,
    start: date = DEFAULT_START,
    irt_scale: float = 0.6,
    count_spread: float = 0.5,
    mastery_streak: int = 3,
    max_attempts: int = 10,
    skip_probability: float = 0.15,
) -> Simulation:
    """Simulate ``n_learners`` learners answering about
    ``responses_per_learner`` items each (see the module docstring)."""
    for name, value in (
        ("n_learners", n_learners),
        ("n_competencies", n_competencies),
        ("responses_per_learner", responses_per_learner),
        ("items_per_competency", items_per_competency),
        ("days", days),
        ("mastery_streak", mastery_streak),
        ("max_attempts", max_attempts),
    ):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    if not 0.0 <= count_spread < 1.0:
        raise ValueError(f"count_spread must be in [0, 1), got {count_spread}")
    rng = np.random.default_rng(seed)
    if graph is None:
        graph = generate_graph(n_competencies, rng)
    K = len(graph)
    N = n_learners

    # Items.
    n_items = np.full(K, items_per_competency, dtype=np.int64)
    item_start = np.concatenate(([0], np.cumsum(n_items)[:-1])).astype(np.int64)
    n_total_items = int(n_items.sum())
    difficulty = rng.normal(0.0, 0.8, n_total_items)
    kinds = rng.choice(len(ITEM_KINDS), size=n_total_items, p=_ITEM_KIND_P)
    item_comp = np.repeat(np.arange(K), n_items)
    items = tuple(
        Item(
            id=f"{graph.competencies[c].code}-{i - item_start[c] + 1}",
            competency=int(c),
            difficulty=float(difficulty[i]),
            kind=ITEM_KINDS[int(kinds[i])],
        )
        for i, c in enumerate(item_comp.tolist())
    )

    # Learners.
    ability = rng.normal(0.0, 1.0, N)
    rate = rng.lognormal(0.0, 0.35, N)
    n_interests = rng.integers(1, 4, N)
    interest_keys = rng.random((N, len(INTERESTS))).argsort(axis=1)
    dims = {name: rng.integers(len(vals), size=N) for name, vals in PROFILE_DIMENSIONS.items()}
    w = _width(N)
    learners = tuple(
        SimLearner(
            id=f"L{i + 1:0{w}d}",
            ability=float(ability[i]),
            learning_rate=float(rate[i]),
            interests=tuple(sorted(INTERESTS[j] for j in interest_keys[i, : n_interests[i]])),
            profile={name: PROFILE_DIMENSIONS[name][int(dims[name][i])] for name in dims},
        )
        for i in range(N)
    )

    # True parameters.
    params = TrueParams(
        prior=rng.uniform(0.05, 0.35, K),
        learn=rng.uniform(0.08, 0.30, K),
        slip=rng.uniform(0.05, 0.15, K),
        guess=rng.uniform(0.10, 0.30, K),
    )
    logit_slip = _logit(params.slip)
    logit_guess = _logit(params.guess)
    log1m_learn = np.log1p(-params.learn)

    # Response counts, learners ranked by count (longest first) so that the
    # learners still answering at step t are a prefix 0..k_t-1.
    if count_spread > 0:
        counts = np.rint(
            responses_per_learner * rng.uniform(1 - count_spread, 1 + count_spread, N)
        ).astype(np.int64)
        counts = np.maximum(counts, 1)
    else:
        counts = np.full(N, responses_per_learner, dtype=np.int64)
    offset = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    total = int(counts.sum())
    perm = np.argsort(-counts, kind="stable")
    counts_p = counts[perm]
    offset_p = offset[perm]
    ability_p = ability[perm]
    rate_p = rate[perm]

    # Initial knowledge, in topological order; column K is a sentinel that is
    # always "known" (it pads the prerequisite matrix).
    pre = graph.padded(K)
    deps = graph.padded_dependants(K)
    known = np.ones((N, K + 1), dtype=bool)
    p_prior = _expit(_logit(params.prior)[None, :] + 0.8 * ability_p[:, None])
    u0 = rng.random((N, K))
    for ci in range(K):
        known[:, ci] = (u0[:, ci] < p_prior[:, ci]) & known[:, pre[ci]].all(axis=1)
    del u0, p_prior
    initial_known = known[:, :K].copy()
    ready = np.ones((N, K + 1), dtype=bool)
    for ci in range(K):
        ready[:, ci] = known[:, pre[ci]].all(axis=1)
    done = np.zeros((N, K), dtype=bool)

    out_skill = np.empty(total, dtype=np.int64)
    out_item = np.empty(total, dtype=np.int64)
    out_correct = np.empty(total, dtype=np.int8)
    out_known = np.empty(total, dtype=bool)

    def choose(rows: NDArray[np.int64]) -> NDArray[np.int64]:
        cand = ready[rows, :K] & ~done[rows]
        has = cand.any(axis=1)
        first = cand.argmax(axis=1)
        skip = np.asarray(rng.random(rows.shape[0]) < skip_probability)
        if skip.any():
            cand[np.arange(rows.shape[0]), first] = False
            second = cand.argmax(axis=1)
            first = np.where(skip & cand.any(axis=1), second, first)
        if not has.all():
            lost = rows[~has]
            done[lost] &= known[lost, :K]  # reopen what they do not know
            cand2 = ready[lost, :K] & ~known[lost, :K]
            pick = cand2.argmax(axis=1)
            review = ~cand2.any(axis=1)
            if review.any():
                pick[review] = rng.integers(K, size=int(review.sum()))
            first[~has] = pick
        return first.astype(np.int64)

    everyone = np.arange(N, dtype=np.int64)
    cur = choose(everyone)
    streak = np.zeros(N, dtype=np.int64)
    attempts = np.zeros(N, dtype=np.int64)
    max_count = int(counts_p[0]) if N else 0
    # k_t: learners with more than t responses (counts_p is descending).
    k_of_t = N - np.searchsorted(counts_p[::-1], np.arange(max_count), side="right")

    for t in range(max_count):
        k = int(k_of_t[t])
        rows = everyone[:k]
        c = cur[:k]
        u = rng.random((3, k))
        item = item_start[c] + (u[0] * n_items[c]).astype(np.int64)
        kn = known[rows, c]
        d = irt_scale * (ability_p[:k] - difficulty[item])
        z = np.where(kn, d - logit_slip[c], logit_guess[c] + d)
        correct = u[1] < _expit(z)
        pos = offset_p[:k] + t
        out_skill[pos] = c
        out_item[pos] = item
        out_correct[pos] = correct
        out_known[pos] = kn
        # Learning (only when ready: all prerequisites known).
        p_learn = -np.expm1(rate_p[:k] * log1m_learn[c])
        learns = ~kn & ready[rows, c] & (u[2] < p_learn)
        if learns.any():
            lp = rows[learns]
            lc = c[learns]
            known[lp, lc] = True
            dd = deps[lc]  # (m, width)
            pp = np.repeat(lp, dd.shape[1])
            dd = dd.ravel()
            keep = dd < K
            pp, dd = pp[keep], dd[keep]
            if pp.size:
                ready[pp, dd] = known[pp[:, None], pre[dd]].all(axis=1)
        # Practice policy.
        streak[:k] = np.where(correct, streak[:k] + 1, 0)
        attempts[:k] += 1
        switch = (streak[:k] >= mastery_streak) | (attempts[:k] >= max_attempts)
        if switch.any():
            sw = rows[switch]
            done[sw, cur[sw]] = True
            cur[sw] = choose(sw)
            streak[sw] = 0
            attempts[sw] = 0

    inv = np.empty(N, dtype=np.int64)
    inv[perm] = np.arange(N)
    final_known = known[inv, :K]
    initial_known = initial_known[inv]

    learner = np.repeat(np.arange(N, dtype=np.int64), counts)
    order = np.arange(total, dtype=np.int64)
    when = _times(rng, counts, offset, learner, order, _school_days(start, days))
    log = ResponseLog(
        learner=learner,
        skill=out_skill,
        correct=out_correct,
        order=order,
        item=out_item,
        time=when,
        learner_ids=tuple(ln.id for ln in learners),
        skill_ids=graph.codes,
        item_ids=tuple(it.id for it in items),
    )
    return Simulation(
        graph=graph,
        items=items,
        learners=learners,
        params=params,
        log=log,
        known=out_known,
        initial_known=initial_known,
        final_known=final_known,
        start=start,
        days=days,
        seed=seed,
        irt_scale=irt_scale,
    )


def _times(
    rng: np.random.Generator,
    counts: NDArray[np.int64],
    offset: NDArray[np.int64],
    learner: NDArray[np.int64],
    order: NDArray[np.int64],
    school_days: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Whole seconds since the start date, non-decreasing per learner."""
    N = counts.shape[0]
    D = school_days.shape[0]
    session_len = np.asarray(rng.integers(8, 21, size=N), dtype=np.int64)
    sessions = -(-counts // session_len)
    phase = np.asarray(rng.random(size=N))
    spacing = np.minimum(_DAY_SPAN * D / sessions, 86400.0)  # between sessions on one day
    gap = np.minimum(_MAX_GAP, spacing / (session_len + 1))
    out = np.empty(order.shape[0], dtype=np.float64)
    chunk = 2_000_000
    for lo in range(0, order.shape[0], chunk):
        hi = min(lo + chunk, order.shape[0])
        lr = learner[lo:hi]
        j = order[lo:hi] - offset[lr]
        sl = session_len[lr]
        sess = j // sl
        x = (sess + phase[lr]) * (D / sessions[lr])
        day = np.minimum(x.astype(np.int64), D - 1)
        frac = x - day
        t = school_days[day] * 86400.0 + _DAY_START + frac * _DAY_SPAN
        t += ((j - sess * sl) + 0.5 * rng.random(hi - lo)) * gap[lr]
        out[lo:hi] = np.floor(t)
    return out


# ------------------------------------------------------------------------ CSV
def _epoch(start: date) -> datetime:
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def write_csv(
    data: Simulation | ResponseLog,
    path: str | Path,
    *,
    start: date | None = None,
    timestamps: str = "iso",
    chunk: int = 500_000,
) -> int:
    """Write responses as CSV with the header ``CSV_HEADER``; return the
    number of rows.

    ``timestamp`` is ISO 8601 UTC (``2025-09-01T08:31:12``) when
    ``timestamps="iso"``, or whole seconds since ``start`` when
    ``"seconds"``. ``start`` defaults to the simulation's start date (or
    ``DEFAULT_START`` for a bare log). Rows are formatted in chunks
    (about 1 µs a row; ``np.savetxt`` is two to three times slower and cannot
    mix strings and numbers)."""
    if timestamps not in ("iso", "seconds"):
        raise ValueError(f"timestamps must be 'iso' or 'seconds', got {timestamps!r}")
    if isinstance(data, Simulation):
        log = data.log
        start = start or data.start
    else:
        log = data
        start = start or DEFAULT_START
    n = len(log)
    learner_ids = np.asarray(log.learner_ids or [str(i) for i in range(log.n_learners)])
    skill_ids = np.asarray(log.skill_ids or [str(i) for i in range(log.n_skills)])
    item = log.item if log.item is not None else np.full(n, -1, dtype=np.int64)
    item_ids = np.asarray([*(log.item_ids or ()), ""])  # -1 -> ""
    if not log.item_ids and log.item is not None and n:
        item_ids = np.asarray([*(str(i) for i in range(int(log.item.max()) + 1)), ""])
    time = log.time if log.time is not None else np.full(n, np.nan)
    base = np.datetime64(_epoch(start).replace(tzinfo=None), "s")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(CSV_HEADER) + "\n")
        for lo in range(0, n, chunk):
            hi = min(lo + chunk, n)
            tt = time[lo:hi]
            missing = np.isnan(tt)
            secs = np.where(missing, 0, tt).astype(np.int64)
            if timestamps == "iso":
                stamps = np.datetime_as_string(base + secs.astype("timedelta64[s]"), unit="s")
            else:
                stamps = secs.astype(str)
            if missing.any():
                stamps = stamps.astype(object)
                stamps[missing] = ""
            rows = zip(
                learner_ids[log.learner[lo:hi]].tolist(),
                skill_ids[log.skill[lo:hi]].tolist(),
                item_ids[item[lo:hi]].tolist(),
                log.correct[lo:hi].tolist(),
                stamps.tolist(),
                log.order[lo:hi].tolist(),
                strict=True,
            )
            f.write("".join([f"{a},{b},{c},{d},{e},{g}\n" for a, b, c, d, e, g in rows]))
    return n


def _codes(values: list[str]) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
    )
    return codes, tuple(index)


def read_csv(path: str | Path, *, start: date = DEFAULT_START) -> ResponseLog:
    """Read a file written by :func:`write_csv`. Ids get dense codes in order
    of first appearance; ``time`` is seconds since ``start`` (ISO timestamps)
    or the number as written (seconds). An empty ``item_id`` becomes -1."""
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n").split(",")
        if tuple(header) != CSV_HEADER:
            raise ValueError(f"{path}:1: expected the header {','.join(CSV_HEADER)!r}")
        cols: list[list[str]] = [[] for _ in CSV_HEADER]
        for lineno, line in enumerate(f, start=2):
            parts = line.rstrip("\r\n").split(",")
            if len(parts) != len(CSV_HEADER):
                raise ValueError(
                    f"{path}:{lineno}: expected {len(CSV_HEADER)} fields, got {len(parts)}"
                )
            for col, v in zip(cols, parts, strict=True):
                col.append(v)
    learner, learner_ids = _codes(cols[0])
    skill, skill_ids = _codes(cols[1])
    raw_items = cols[2]
    present = [v for v in raw_items if v]
    _, item_ids = _codes(present)
    item_index = {v: i for i, v in enumerate(item_ids)}
    item = np.array([item_index[v] if v else -1 for v in raw_items], dtype=np.int64)
    correct = np.array(cols[3], dtype=np.int8)
    order = np.array(cols[5], dtype=np.int64)
    stamps = cols[4]
    n = len(stamps)
    time = np.full(n, np.nan)
    filled = [i for i, s in enumerate(stamps) if s]
    if filled:
        vals = [stamps[i] for i in filled]
        if "T" in vals[0] or "-" in vals[0][1:]:
            base = np.datetime64(_epoch(start).replace(tzinfo=None), "s")
            arr = np.array(vals, dtype="datetime64[s]")
            time[filled] = (arr - base).astype(np.int64).astype(np.float64)
        else:
            time[filled] = np.array(vals, dtype=np.float64)
    return ResponseLog(
        learner=learner,
        skill=skill,
        correct=correct,
        order=order,
        item=item,
        time=time,
        learner_ids=learner_ids,
        skill_ids=skill_ids,
        item_ids=item_ids,
    )


# ------------------------------------------------------------------------ CLI
class _ArgError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgError(message)


def _parser() -> _Parser:
    p = _Parser(
        prog="trellis simulate",
        description="Simulate learners and write their responses as CSV (docs/simulator.md).",
    )
    p.add_argument("--learners", type=int, required=True, help="number of learners")
    p.add_argument("--out", required=True, help="CSV file to write")
    p.add_argument("--competencies", type=int, default=40, help="competencies (default 40)")
    p.add_argument(
        "--responses-per-learner", type=int, default=100, help="mean responses (default 100)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--days", type=int, default=30, help="calendar days (default 30)")
    p.add_argument(
        "--timestamps",
        choices=("iso", "seconds"),
        default="iso",
        help="ISO 8601 UTC (default) or seconds since the start date",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``trellis simulate --learners N --out FILE [--competencies K]
    [--responses-per-learner R] [--seed S] [--days D] [--timestamps iso|seconds]``.

    Returns 0 on success, 2 (with a one-line message on stderr) for bad
    arguments, 1 if the file cannot be written."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(args_in)
        for option, value in (
            ("--learners", args.learners),
            ("--competencies", args.competencies),
            ("--responses-per-learner", args.responses_per_learner),
            ("--days", args.days),
        ):
            if value < 1:
                raise _ArgError(NOT_POSITIVE.format(option=option, value=value))
        out = Path(args.out)
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise _ArgError(NO_DIRECTORY.format(path=out, parent=parent))
    except _ArgError as e:
        print(BAD_ARG.format(message=e), file=sys.stderr)
        return 2
    except SystemExit as e:  # --help
        return int(e.code or 0) if isinstance(e.code, int) else 0
    t0 = _time.perf_counter()
    sim = simulate(
        n_learners=args.learners,
        n_competencies=args.competencies,
        responses_per_learner=args.responses_per_learner,
        days=args.days,
        seed=args.seed,
    )
    t1 = _time.perf_counter()
    try:
        n = write_csv(sim, out, timestamps=args.timestamps)
    except OSError as e:
        print(f"trellis simulate: error: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 1
    t2 = _time.perf_counter()
    print(
        f"wrote {n} responses of {args.learners} learners on {len(sim.graph)} competencies "
        f"to {out} (simulated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
