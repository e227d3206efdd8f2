"""``AnswerLogit``: logistic regression on a learner's earlier answers, one
prediction per answer whatever the number of its skills.

Built for data where every answer is recorded once and time runs forward (a
school's own evidence): every feature of answer *i* of learner *u* is a
count or summary of *u*'s answers strictly before *i* (answers with equal
``order`` count in row order), so nothing about *i* itself, or any later
answer, can reach its prediction.

Features (``K`` = the answer's skills, ``m = |K|``):

overall (``GLOBAL``)
    ``log1p`` of earlier right and wrong answers, the previous answer's
    outcome (+1 / -1, 0 if none), a decayed sum of outcomes (``decay_all``),
    and an ability estimate: the sum of (outcome - expected outcome) over
    ``n + 3``, the expected outcome being the item's mean in training shrunk
    towards its skills' mean (or the skills' mean for an unseen item); and
    the answer's difficulty, the logit of its own expected outcome relative
    to the overall mean's. While fitting, a training answer's expected
    outcome (for these and for the ability terms) takes its item's mean from
    the other learners only (learners split into five random groups, the
    mean from the other four): with its own outcome inside the mean, a
    training answer would see a difficulty that a new learner's answer never
    does, and the weights would learn to trust it;
per skill of the answer, averaged over ``K`` (``SKILL``)
    ``log1p`` of earlier right and wrong answers touching the skill, the
    last outcome on it, a decayed sum of its outcomes (``decay_skill``), a
    first-attempt flag and a smoothed success rate;
per-skill weights (``PER_SKILL``, averaged over ``K``)
    an intercept (the skill's easiness) and weights on its ``log1p`` right
    and wrong counts (the Best-LR terms of Gervet et al., 2020);
item
    an intercept per item seen in training, L2-penalised so that an item
    with few answers stays near its skills' level (a hierarchical shrinkage
    of item difficulty towards the skills); unseen items use 0.

The weights are fit jointly by L-BFGS (SciPy) on the log loss with L2
penalties, on standardised dense features (mapped back to raw features).

Online, the state holds four numbers per skill and six overall, so
``update`` and ``predict_one`` are O(|K|). Batch prediction performs the same
floating-point operations in the same order as the online path (integer
``log1p`` by table of ``math.log1p``, decayed sums advanced one step per
position, per-skill terms summed in the answer's skill order and divided by
``m``, ``math.exp``), so batch and online predictions are bit-identical.

``mastery(state, skill)``: the probability of a right answer on an average
item of that skill as the learner's next answer, from a separate read-out
fitted alongside: the skill's own record and one bounded overall ability,
tanh(sum of surprises / ``ABILITY_SCALE``) (``MASTERY``), its weights held to
the sign of the evidence (right counts, last outcome, decayed sum, success
rate and ability up; wrong counts down). The next-answer weights may learn
that a wrong answer raises the chance of the next one (practice, the
learner-state tables, the ability terms); a level shown to a teacher or a
family must not rise after a wrong answer, so mastery is monotone in the
learner's answers: a wrong answer never raises any skill's mastery, a right
one never lowers it, and answers on other skills move it only through the
bounded ability (by at most twice its weight, in logits). An expected
performance, not a hidden-state posterior.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from trellis.engine.base import EngineModel, NotFittedError, skill_names
from trellis.engine.bkt import combine_rows, sequence_layout
from trellis.engine.responses import ResponseLog, skill_list

FORMAT_VERSION = 4  # 4: the monotone mastery read-out (mastery_coef, skill_level)
# The mastery read-out's features, from the skill's own record only (SKILL
# columns), and the sign each weight is held to: a wrong answer never raises
# any of them times its weight, a right answer never lowers it.
MASTERY = ("s_log", "f_log", "last", "ew", "rate", "ability")
MASTERY_SIGN = (1, -1, 1, 1, 1, 1)
# the one overall term: tanh(sum of the learner's surprises / this), bounded
# so that answers on other skills move a skill's mastery by a bounded amount
ABILITY_SCALE = 5.0
# the last three outcomes on a skill, most recent first (1 right, 0 wrong),
# as one indicator per pattern; all 0 before the third answer on the skill
PATTERNS = tuple(f"last3_{a}{b}{c}" for a in "01" for b in "01" for c in "01")
_N_BASE_SKILL = 9  # SKILL features before the patterns
GLOBAL = (
    "S_log",
    "F_log",
    "prev_c",
    "ew_all",
    "ability",
    "ability_recent",
    "difficulty",
    "item_after_recent",
    "item_among_peers",
    "item_at_experience",
)
SKILL = (
    "s_log",
    "f_log",
    "last",
    "ew",
    "first",
    "rate",
    "same_prev",
    "same_prev_c",
    "skill_ability",
    *PATTERNS,
)
PER_SKILL = ("one", "s_log", "f_log", "last", "ability", "skill_ability", "ew")
assert PER_SKILL == ("one", "s_log", "f_log", "last", "ability", "skill_ability", "ew")
assert len(SKILL) == _N_BASE_SKILL + 8 and len(GLOBAL) == 10  # AnswerLogit._logit writes them out
# where each per-skill weight's value comes from: (True, SKILL index) or
# (False, GLOBAL index)
_PS_SRC = tuple(
    (f in SKILL, SKILL.index(f) if f in SKILL else GLOBAL.index(f)) for f in PER_SKILL[1:]
)
_ITEM_PRIOR = 5.0
_CROSS_FOLDS = 5  # learner groups for the item means seen by training answers
# overall record: right, wrong, previous outcome, decayed sum, residual sum,
# recent residual sum, the outcome before the previous one
_OV0 = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
_N_RECENT = 7  # states of a learner's last two outcomes (see _recent_code)
# a learner's success rate so far, (right + 1) / (answers + 2), is cut at
# these points into "peer" bands (state 0: no earlier answer; 1 + band)
PEER_EDGES = (0.35, 0.45, 0.55, 0.62, 0.7, 0.77, 0.84, 0.9, 0.95)
_N_PEER = len(PEER_EDGES) + 2
# a learner's number of earlier answers is cut at these points into
# experience bands (0 answers, 1, 2-3, 4-7, ... , 128 and more)
EXPERIENCE_EDGES = (0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 127.5)
_N_EXPERIENCE = len(EXPERIENCE_EDGES) + 1
_N_STATE = 8  # numbers per skill in AnswerState.skills
_EMPTY_SKILL = (0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0)


@dataclass
class AnswerState:
    """One learner's history summary (JSON-able via to_dict / from_dict)."""

    # per skill: right, wrong, last outcome, decayed sum, position (0-based,
    # among the learner's answers) of the last answer touching it, residual
    # sum, the outcomes before the last and before that (+1 / -1, 0 if none)
    skills: dict[str, list[float]] = field(default_factory=dict)
    overall: list[float] = field(default_factory=lambda: list(_OV0))

    def to_dict(self) -> dict[str, Any]:
        return {"skills": {k: list(v) for k, v in self.skills.items()}, "overall": self.overall}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnswerState:
        ov = [float(v) for v in d.get("overall", _OV0)]
        skills = {str(k): [float(x) for x in v] for k, v in d.get("skills", {}).items()}
        if len(ov) != len(_OV0) or any(len(v) != _N_STATE for v in skills.values()):
            raise ValueError("saved answer-logit state has a different layout")
        return cls(skills=skills, overall=ov)


def _log1p_table(n: int) -> NDArray[np.float64]:
    return np.array([math.log1p(i) for i in range(n + 1)], dtype=np.float64)


def _decayed(
    learner: NDArray[np.int64],
    group: NDArray[np.int64],
    order: NDArray[np.int64],
    x: NDArray[np.float64],
    decay: float,
) -> NDArray[np.float64]:
    """Per (learner, group) sequence in time order, ``h`` *before* each row of
    ``h <- decay * h + x`` (h = 0 at the start), as the scalar update."""
    lay = sequence_layout(learner, group, order)
    xf = x[lay.row_of_flat]
    out = np.empty(x.shape[0], dtype=np.float64)
    h = np.zeros(int(lay.ks[0]) if lay.max_len else 0, dtype=np.float64)
    for t in range(lay.max_len):
        k = int(lay.ks[t])
        o = int(lay.offsets[t])
        h = h[:k]
        out[o : o + k] = h
        h = decay * h + xf[o : o + k]
    return out[lay.flat]


def _patterns(c01: NDArray[np.bool_], tot: NDArray[np.int64]) -> NDArray[np.float64]:
    """For rows sorted by (learner, skill, time), ``tot`` the number of
    earlier rows of the same sequence: the ``PATTERNS`` indicators of the
    three outcomes before each row (a row with fewer than three gets none)."""
    m = c01.shape[0]
    code = np.full(m, -1, dtype=np.int64)
    if m > 3:
        v = c01.astype(np.int64)
        code[3:] = 4 * v[2:-1] + 2 * v[1:-2] + v[:-3]
    code[tot < 3] = -1
    out = np.zeros((m, len(PATTERNS)), dtype=np.float64)
    has = code >= 0
    # PATTERNS[j] spells j in binary, most recent outcome first
    out[np.flatnonzero(has), code[has]] = 1.0
    return out


def _recent_code(
    pos: NDArray[np.int64], prev: NDArray[np.float64], prev2: NDArray[np.float64]
) -> NDArray[np.int64]:
    """The state of a learner's last two outcomes before an answer: 0 no
    earlier answer; 1 / 2 one, wrong / right; 3 + 2 * (last right) +
    (the one before right) with two or more (``prev``, ``prev2``: +1 / -1)."""
    two = 3 + 2 * (prev > 0) + (prev2 > 0)
    return np.where(pos == 0, 0, np.where(pos == 1, 1 + (prev > 0), two)).astype(np.int64)


def _learner_states(
    log: ResponseLog,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Each answer's states from its learner's earlier answers (one sort):
    the last two outcomes (``_recent_code``), the peer band (0 before the
    first answer, else 1 + the band of (right + 1) / (answers + 2) among
    ``PEER_EDGES``) and the experience band (of the number of earlier
    answers, ``EXPERIENCE_EDGES``)."""
    n = len(log)
    learner = log.learner.astype(np.int64)
    i1 = np.lexsort((np.arange(n), log.order.astype(np.int64), learner))
    right = log.correct[i1] != 0
    c = np.where(right, 1.0, -1.0)
    new = np.ones(n, dtype=bool)
    new[1:] = learner[i1][1:] != learner[i1][:-1]
    pos = np.arange(n) - np.maximum.accumulate(np.where(new, np.arange(n), 0))
    prev = np.zeros(n)
    prev2 = np.zeros(n)
    prev[1:] = c[:-1]
    prev2[2:] = c[:-2]
    recent = np.empty(n, dtype=np.int64)
    recent[i1] = _recent_code(pos, prev, prev2)
    del prev, prev2, c
    wins = _excl_count(right.astype(np.int64), learner[i1], n)
    rate = (wins + 1.0) / (pos + 2.0)
    band = 1 + np.searchsorted(np.array(PEER_EDGES), rate, side="left")
    peers = np.empty(n, dtype=np.int64)
    peers[i1] = np.where(pos == 0, 0, band)
    experience = np.empty(n, dtype=np.int64)
    experience[i1] = np.searchsorted(
        np.array(EXPERIENCE_EDGES), pos.astype(np.float64), side="left"
    )
    return recent, peers, experience


def _state_table(
    it: NDArray[np.int64],
    known: NDArray[np.bool_],
    y: NDArray[np.float64],
    states: NDArray[np.int64],
    n_states: int,
    i_mean: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Per item and state: the logit of the item's success rate among
    answers in that state, shrunk towards the item's mean, minus the logit
    of that mean (rows for every item code)."""
    n_it = i_mean.shape[0]
    cell = it[known] * n_states + states[known]
    cnt = np.bincount(cell, minlength=n_it * n_states).reshape(n_it, n_states)
    ok = np.bincount(cell, weights=y[known], minlength=n_it * n_states).reshape(n_it, n_states)
    rate = (ok + _ITEM_PRIOR * i_mean[:, None]) / (cnt + _ITEM_PRIOR)
    return _logit(rate) - _logit(i_mean)[:, None]


def _logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    q = np.clip(p, 1e-6, 1.0 - 1e-6)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def _excl_count(v: NDArray[np.int64], key: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """For rows sorted so that equal ``key`` are contiguous and in time order,
    the sum of ``v`` over the earlier rows with the same key."""
    new = np.ones(n, dtype=bool)
    new[1:] = key[1:] != key[:-1]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    cs = np.concatenate(([0], np.cumsum(v)))
    return np.asarray(cs[:-1] - cs[start], dtype=np.int64)


class AnswerLogit(EngineModel):
    """Logistic regression on answer histories (see module docstring).

    Parameters: ``l2`` (on the dense weights), ``l2_skill`` (per-skill
    weights), ``l2_item`` (item intercepts: the shrinkage towards the
    skills), ``decay_all`` / ``decay_skill`` / ``decay_ability`` (decayed
    sums), ``max_iter``, ``max_fit_rows`` (above this many answers the
    weights are fit on a seeded random set of whole learners holding about
    that many; the skill and item tables always use every answer) and ``random_state``.
    """

    name = "answer-logit"
    format_version = FORMAT_VERSION

    def __init__(
        self,
        l2: float = 1e-6,
        l2_skill: float = 1e-5,
        l2_item: float = 3e-5,
        decay_all: float = 0.7,
        decay_skill: float = 0.5,
        decay_ability: float = 0.9,
        max_iter: int = 200,
        max_fit_rows: int = 1_000_000,
        random_state: int = 0,
    ) -> None:
        self.max_fit_rows = max_fit_rows
        self.random_state = random_state
        self.decay_ability = decay_ability
        self.l2 = l2
        self.l2_skill = l2_skill
        self.l2_item = l2_item
        self.decay_all = decay_all
        self.decay_skill = decay_skill
        self.max_iter = max_iter

    # ------------------------------------------------------------ features
    def _expected(self, log: ResponseLog, cross_fit: bool = False) -> NDArray[np.float64]:
        """Each answer's expected outcome (item mean shrunk to its skills').

        ``cross_fit`` (fit only): the learners are split at random
        (``random_state``) into ``_CROSS_FOLDS`` groups and an answer's item
        mean is taken from the other groups' answers, so that a training
        answer sees its item as a new learner's answer will (from other
        learners only), never through its own outcome or its own learner."""
        names = skill_names(log)
        ptr, idx = log.csr()
        sm = np.array([self._skill_mean.get(s, self.mean_) for s in names], dtype=np.float64)
        out = combine_rows(sm[idx], ptr, "mean")
        if log.item is not None and log.item_ids:
            tab = np.array([self._item_mean.get(i, math.nan) for i in log.item_ids])
            it = log.item.astype(np.int64)
            v = np.where(it >= 0, tab[np.maximum(it, 0)] if tab.size else math.nan, math.nan)
            sk_mean = out
            if cross_fit:
                out = np.where(it >= 0, self._cross_fit_mean(log, it, sk_mean), out)
            else:
                out = np.where(np.isnan(v), sk_mean, v)
        return np.asarray(out, dtype=np.float64)

    def features(
        self, log: ResponseLog, cross_fit: bool = False
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
        """``(G, H, answer)``: the overall features of every answer (n x
        |GLOBAL|), the per-skill features of every (answer, skill) row of
        ``log.expand()`` (N x |SKILL|) and the answer of each such row; all
        from earlier answers only, equal to the online values."""
        n = len(log)
        learner = log.learner.astype(np.int64)
        order = log.order.astype(np.int64)
        c01 = log.correct.astype(np.int64) != 0
        c = np.where(c01, 1.0, -1.0)
        g = np.empty((n, len(GLOBAL)), dtype=np.float64)
        # overall, by learner in time order (ties: row order)
        i1 = np.lexsort((np.arange(n), order, learner))
        wins = _excl_count(c01[i1].astype(np.int64), learner[i1], n)
        new = np.ones(n, dtype=bool)
        new[1:] = learner[i1][1:] != learner[i1][:-1]
        pos = np.arange(n) - np.maximum.accumulate(np.where(new, np.arange(n), 0))
        tab = _log1p_table(int(pos.max(initial=0)) + 1)
        prev = np.zeros(n)
        if n > 1:
            prev[1:] = c[i1][:-1]
        prev[new] = 0.0
        cols = np.empty((n, 3), dtype=np.float64)
        cols[:, 0] = tab[wins]
        cols[:, 1] = tab[pos - wins]
        cols[:, 2] = prev
        g[i1, 0:3] = cols
        recent, peers, experience = _learner_states(log)
        zero = np.zeros(n, dtype=np.int64)
        g[:, 3] = _decayed(learner, zero, order, c, self.decay_all)
        expected = self._expected(log, cross_fit)
        surprise = np.where(c01, 1.0, 0.0) - expected
        if cross_fit:
            # fitting only: NumPy's log may differ from math.log in the last
            # bit, which matters for predictions (batch = online) but not here
            e = np.clip(expected, 1e-6, 1.0 - 1e-6)
            g[:, 6] = np.log(e / (1.0 - e)) - math.log(self.mean_ / (1.0 - self.mean_))
        else:
            g[:, 6] = np.fromiter(
                (self._difficulty(e) for e in expected.tolist()), dtype=np.float64, count=n
            )
        g[:, 7] = self._item_by_state(
            log, recent, _N_RECENT, self._item_recent, expected, cross_fit
        )
        g[:, 8] = self._item_by_state(log, peers, _N_PEER, self._item_peers, expected, cross_fit)
        g[:, 9] = self._item_by_state(
            log, experience, _N_EXPERIENCE, self._item_experience, expected, cross_fit
        )
        resid = _decayed(learner, zero, order, surprise, 1.0)
        g[:, 5] = _decayed(learner, zero, order, surprise, self.decay_ability)
        cnt = np.empty(n, dtype=np.float64)
        cnt[i1] = pos.astype(np.float64)
        g[:, 4] = resid / (cnt + 3.0)
        # per skill, on one row per (answer, skill)
        ex, answer = log.expand()
        m = len(ex)
        el, ek, eo = ex.learner.astype(np.int64), ex.skill.astype(np.int64), order[answer]
        ec01 = c01[answer]
        ec = c[answer]
        i2 = np.lexsort((np.arange(m), eo, ek, el))
        key = el[i2] * (int(ek.max(initial=0)) + 1) + ek[i2]
        s_cnt = _excl_count(ec01[i2].astype(np.int64), key, m)
        tot = _excl_count(np.ones(m, dtype=np.int64), key, m)
        last = np.zeros(m)
        if m > 1:
            last[1:] = ec[i2][:-1]
        last[tot == 0] = 0.0
        tab2 = _log1p_table(int(tot.max(initial=0)) + 1)
        # written column by column through i2 (no second m x |SKILL| block)
        h = np.zeros((m, len(SKILL)), dtype=np.float64)
        h[i2, _N_BASE_SKILL:] = _patterns(ec01[i2], tot)
        apos = cnt[answer][i2]  # the answer's position among the learner's answers
        prev_pos = np.full(m, -2.0)
        if m > 1:
            prev_pos[1:] = apos[:-1]
        same = ((tot > 0) & (prev_pos == apos - 1.0)).astype(np.float64)
        del apos, prev_pos
        h[i2, 0] = tab2[s_cnt]
        h[i2, 1] = tab2[tot - s_cnt]
        h[i2, 2] = last
        h[i2, 4] = (tot == 0).astype(np.float64)
        h[i2, 5] = (s_cnt + 1.0) / (tot + 2.0) - 0.5
        h[i2, 6] = same
        h[i2, 7] = same * last
        h[:, 3] = _decayed(el, ek, eo, ec, self.decay_skill)
        tot_row = np.empty(m, dtype=np.float64)
        tot_row[i2] = tot.astype(np.float64)
        h[:, 8] = _decayed(el, ek, eo, surprise[answer], 1.0) / (tot_row + 2.0)
        return g, h, answer

    # -------------------------------------------------------------- fitting
    def fit(self, log: ResponseLog) -> AnswerLogit:
        names = skill_names(log)
        n_sk = len(names)
        ptr, idx = log.csr()
        lens = np.diff(ptr)
        y = log.correct.astype(np.float64)
        n = len(log)
        # expected outcomes: skill means, then item means shrunk towards them
        ex, answer = log.expand()
        cnt = np.bincount(ex.skill, minlength=n_sk).astype(np.float64)
        ok = np.bincount(ex.skill, weights=y[answer], minlength=n_sk)
        self.mean_ = float((y.sum() + 1.0) / (n + 2.0))
        seen = cnt > 0
        self.skills_: tuple[str, ...] = tuple(names[i] for i in np.flatnonzero(seen))
        self.skill_mean_ = ((ok + 2.0 * self.mean_) / (cnt + 2.0))[seen]
        self._skill_mean = dict(zip(self.skills_, self.skill_mean_.tolist(), strict=True))
        self._item_mean: dict[str, float] = {}
        use_items = log.item is not None and bool(log.item_ids)
        it = np.full(n, -1, dtype=np.int64) if not use_items else log.item.astype(np.int64)  # type: ignore[union-attr]
        n_it = len(log.item_ids) if use_items else 0
        known_it = it >= 0
        if n_it:
            sm = combine_rows(
                np.array([self._skill_mean.get(s, self.mean_) for s in names])[idx], ptr, "mean"
            )
            i_cnt = np.bincount(it[known_it], minlength=n_it).astype(np.float64)
            i_ok = np.bincount(it[known_it], weights=y[known_it], minlength=n_it)
            first = np.full(n_it, -1, dtype=np.int64)
            rows = np.flatnonzero(known_it)[::-1]
            first[it[rows]] = rows  # the first answer on each item gives its skills
            has = i_cnt > 0
            item_seen = has
            base = np.where(has, sm[np.maximum(first, 0)], self.mean_)
            i_mean = (i_ok + _ITEM_PRIOR * base) / (i_cnt + _ITEM_PRIOR)
            self.items_: tuple[str, ...] = tuple(log.item_ids[i] for i in np.flatnonzero(has))
            self.item_mean_ = i_mean[has]
            recent, peers, experience = _learner_states(log)
            self.item_recent_ = _state_table(it, known_it, y, recent, _N_RECENT, i_mean)[has]
            self.item_peers_ = _state_table(it, known_it, y, peers, _N_PEER, i_mean)[has]
            self.item_experience_ = _state_table(
                it, known_it, y, experience, _N_EXPERIENCE, i_mean
            )[has]
        else:
            self.items_ = ()
            self.item_mean_ = np.zeros(0)
            self.item_recent_ = np.zeros((0, _N_RECENT))
            self.item_peers_ = np.zeros((0, _N_PEER))
            self.item_experience_ = np.zeros((0, _N_EXPERIENCE))
        self._item_mean = dict(zip(self.items_, self.item_mean_.tolist(), strict=True))
        # while fitting, the item tables are read from other learner groups
        self._item_recent: dict[str, list[float]] = {}
        self._item_peers: dict[str, list[float]] = {}
        self._item_experience: dict[str, list[float]] = {}
        del ex, answer
        if n > self.max_fit_rows:
            # The weights are fit on a seeded random set of whole learners
            # holding about max_fit_rows answers: a learner's features depend
            # on their own history only (and on the tables above, from every
            # answer), so theirs are exact, while time and memory stay
            # bounded at district scale.
            rng = np.random.default_rng(self.random_state)
            learners = rng.permutation(np.unique(log.learner))
            per = np.bincount(log.learner)[learners]
            take = learners[: max(1, int(np.searchsorted(np.cumsum(per), self.max_fit_rows)))]
            log = log.for_learners(np.sort(take))
            ptr = log.csr()[0]
            lens = np.diff(ptr)
            y = log.correct.astype(np.float64)
            n = len(log)
            it = np.full(n, -1, dtype=np.int64)
            if use_items and log.item is not None:
                it = log.item.astype(np.int64)
            known_it = it >= 0
        g, h, answer = self.features(log, cross_fit=True)
        ex_skill = log.csr()[1].astype(np.int64)
        # an answer's (answer, skill) rows are contiguous: sum them per answer
        starts = np.concatenate(([0], np.cumsum(lens)[:-1])).astype(np.int64)
        hm = np.add.reduceat(h, starts, axis=0) if n else np.zeros((0, len(SKILL)))
        hm /= lens[:, None]
        dense = np.hstack([g, hm])
        del hm
        mu = dense.mean(axis=0) if n else np.zeros(dense.shape[1])
        sd = dense.std(axis=0) if n else np.ones(dense.shape[1])
        sd[sd < 1e-12] = 1.0
        # single precision for the two products with the dense block, the
        # bulk of each L-BFGS step (standardised values; sums in float64)
        dense32 = ((dense - mu) / sd).astype(np.float32)
        d = dense.shape[1]
        del dense
        w_row = 1.0 / lens[answer]
        p_n = len(PER_SKILL)
        vals = (self._per_skill_values(g, h, answer) * w_row[:, None]).ravel()
        cols = (ex_skill[:, None] * p_n + np.arange(p_n)[None, :]).ravel()
        rws = np.repeat(answer, p_n)
        spm = csr_matrix((vals, (rws, cols)), shape=(n, n_sk * p_n))
        spt = spm.T.tocsr()
        n_eff = max(n, 1)
        n_w = 1 + d + n_sk * p_n
        itk = it[known_it]

        def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            wd, ws, wi = w[1 : 1 + d], w[1 + d : n_w], w[n_w:]
            z = w[0] + (dense32 @ wd.astype(np.float32)).astype(np.float64) + spm @ ws
            if n_it:
                z[known_it] += wi[itk]
            # log(1 + e^z) and the sigmoid from one exp(-|z|)
            e = np.exp(-np.abs(z))
            lz = np.maximum(z, 0.0) + np.log1p(e)
            val = float(np.sum(lz - y * z)) / n_eff
            r = (np.where(z >= 0.0, 1.0, e) / (1.0 + e) - y) / n_eff
            grad = np.empty_like(w)
            grad[0] = r.sum()
            grad[1 : 1 + d] = (r.astype(np.float32) @ dense32).astype(np.float64) + self.l2 * wd
            grad[1 + d : n_w] = spt @ r + self.l2_skill * ws
            if n_it:
                grad[n_w:] = np.bincount(itk, weights=r[known_it], minlength=n_it)
                grad[n_w:] += self.l2_item * wi
            val += 0.5 * (
                self.l2 * float(wd @ wd)
                + self.l2_skill * float(ws @ ws)
                + self.l2_item * float(wi @ wi)
            )
            return val, grad

        w0 = np.zeros(n_w + n_it)
        ybar = float(np.clip(y.mean() if n else 0.5, 1e-3, 1 - 1e-3))
        w0[0] = math.log(ybar / (1 - ybar))
        res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": self.max_iter})
        w = res.x
        wd = w[1 : 1 + d] / sd
        self.intercept_ = float(w[0] - wd @ mu)
        self.global_coef_ = wd[: len(GLOBAL)].copy()
        self.skill_feature_coef_ = wd[len(GLOBAL) :].copy()
        ws = w[1 + d : n_w].reshape(n_sk, p_n)
        self.skill_coef_ = ws[seen].copy()
        weights = cnt[seen]
        self.default_skill_coef_ = (
            (self.skill_coef_ * weights[:, None]).sum(axis=0) / weights.sum()
            if weights.sum() > 0
            else np.zeros(p_n)
        )
        if n_it:
            # the items of self.items_ (a sampled-out one keeps weight 0)
            self.item_coef_ = w[n_w:][item_seen].copy()
        else:
            self.item_coef_ = np.zeros(0)
        self.n_iter_ = int(res.nit)
        self._fit_mastery(g, h, answer, ex_skill, w_row, y, n_sk, seen, cnt)
        self._index()
        return self

    def _fit_mastery(
        self,
        g: NDArray[np.float64],
        h: NDArray[np.float64],
        answer: NDArray[np.int64],
        ex_skill: NDArray[np.int64],
        w_row: NDArray[np.float64],
        y: NDArray[np.float64],
        n_sk: int,
        seen: NDArray[np.bool_],
        cnt: NDArray[np.float64],
    ) -> None:
        """The mastery read-out: a logistic regression of each answer's
        outcome on its skill's own record (``MASTERY`` columns of ``h``) and
        the bounded ability (one row per (answer, skill), weighted 1 / |K|)
        plus an intercept per
        skill, its weights held to ``MASTERY_SIGN`` by L-BFGS-B bounds. The
        next-answer weights may give a wrong answer a positive weight (a
        practice effect that predicts well); mastery may not."""
        cols = [SKILL.index(f) for f in MASTERY[:-1]]
        # the sum of surprises: ability (GLOBAL) times (earlier answers + 3)
        before = np.rint(np.expm1(g[:, 0]) + np.expm1(g[:, 1]))
        surprises = g[:, GLOBAL.index("ability")] * (before + 3.0)
        x = np.hstack([h[:, cols], np.tanh(surprises / ABILITY_SCALE)[answer][:, None]])
        yr = y[answer]
        wsum = max(float(w_row.sum()), 1e-12)
        k = len(MASTERY)

        def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            z = w[k:][ex_skill] + x @ w[:k]
            e = np.exp(-np.abs(z))
            lz = np.maximum(z, 0.0) + np.log1p(e)
            val = float(w_row @ (lz - yr * z)) / wsum
            r = w_row * (np.where(z >= 0.0, 1.0, e) / (1.0 + e) - yr) / wsum
            grad = np.empty_like(w)
            grad[:k] = r @ x + self.l2 * w[:k]
            grad[k:] = np.bincount(ex_skill, weights=r, minlength=n_sk) + self.l2_skill * w[k:]
            val += 0.5 * (self.l2 * float(w[:k] @ w[:k]) + self.l2_skill * float(w[k:] @ w[k:]))
            return val, grad

        bounds: list[tuple[float | None, float | None]] = [
            (0.0, None) if sg > 0 else (None, 0.0) for sg in MASTERY_SIGN
        ]
        bounds += [(None, None)] * n_sk
        w0 = np.zeros(k + n_sk)
        ybar = float(np.clip(y.mean() if y.size else 0.5, 1e-3, 1 - 1e-3))
        w0[k:] = math.log(ybar / (1 - ybar))
        res = minimize(
            loss, w0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": self.max_iter}
        )
        # the bounds hold exactly (L-BFGS-B projects), clipped again for safety
        coef = np.asarray(res.x[:k], dtype=np.float64)
        sign = np.array(MASTERY_SIGN, dtype=np.float64)
        self.mastery_coef_ = np.where(coef * sign < 0.0, 0.0, coef)
        self.skill_level_ = np.asarray(res.x[k:], dtype=np.float64)[seen].copy()
        weights = cnt[seen]
        self.default_skill_level_ = (
            float(self.skill_level_ @ weights / weights.sum()) if weights.sum() > 0 else 0.0
        )

    def _cross_fit_mean(
        self, log: ResponseLog, it: NDArray[np.int64], base: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Each answer's item mean from the other learner groups' answers
        (shrunk towards ``base``, its skills' mean)."""
        n_it = len(log.item_ids)
        rng = np.random.default_rng(self.random_state)
        learner = log.learner.astype(np.int64)
        grp = rng.integers(0, _CROSS_FOLDS, size=int(learner.max(initial=0)) + 1)[learner]
        ok = it >= 0
        y = log.correct.astype(np.float64)
        itk = np.maximum(it, 0)
        key = grp * n_it + itk
        w = ok.astype(np.float64)
        cnt_g = np.bincount(key, weights=w, minlength=_CROSS_FOLDS * n_it)
        ok_g = np.bincount(key, weights=w * y, minlength=_CROSS_FOLDS * n_it)
        cnt = np.bincount(itk, weights=w, minlength=n_it)
        okc = np.bincount(itk, weights=w * y, minlength=n_it)
        o_cnt = cnt[itk] - cnt_g[key]
        o_ok = okc[itk] - ok_g[key]
        return np.asarray((o_ok + _ITEM_PRIOR * base) / (o_cnt + _ITEM_PRIOR), dtype=np.float64)

    def _item_by_state(
        self,
        log: ResponseLog,
        recent: NDArray[np.int64],
        n_states: int,
        table: dict[str, list[float]],
        expected: NDArray[np.float64],
        cross_fit: bool,
    ) -> NDArray[np.float64]:
        """How the answer's item went for learners whose last two outcomes
        were the same as this learner's (``_recent_code``): the logit of that
        success rate (shrunk towards the expected outcome) minus the logit of
        the expected outcome; 0 for an item unseen in training.

        Fitting (``cross_fit``), the rates come from the other learner
        groups' answers, as for the item means; predicting, from the table
        made at fit time (``item_recent_``), read the same way online."""
        n = len(log)
        out = np.zeros(n, dtype=np.float64)
        if log.item is None or not log.item_ids:
            return out
        it = log.item.astype(np.int64)
        ok = it >= 0
        if cross_fit:
            n_it = len(log.item_ids)
            rng = np.random.default_rng(self.random_state)
            learner = log.learner.astype(np.int64)
            grp = rng.integers(0, _CROSS_FOLDS, size=int(learner.max(initial=0)) + 1)[learner]
            cell = np.maximum(it, 0) * n_states + recent
            key = grp * (n_it * n_states) + cell
            w = ok.astype(np.float64)
            y = log.correct.astype(np.float64) * w
            size = n_it * n_states
            cnt = np.bincount(cell, weights=w, minlength=size)[cell]
            cnt -= np.bincount(key, weights=w, minlength=_CROSS_FOLDS * size)[key]
            right = np.bincount(cell, weights=y, minlength=size)[cell]
            right -= np.bincount(key, weights=y, minlength=_CROSS_FOLDS * size)[key]
            rate = (right + _ITEM_PRIOR * expected) / (cnt + _ITEM_PRIOR)
            return np.where(ok, _logit(rate) - _logit(expected), 0.0)
        tab = np.zeros((len(log.item_ids) + 1, n_states), dtype=np.float64)
        for j, name in enumerate(log.item_ids):
            row = table.get(name)
            if row is not None:
                tab[j] = row
        return np.asarray(tab[np.where(ok, it, len(log.item_ids)), recent], dtype=np.float64)

    def _difficulty(self, expected: float) -> float:
        """The logit of an expected outcome, relative to the overall mean's."""
        e = min(max(expected, 1e-6), 1.0 - 1e-6)
        m = self.mean_
        return math.log(e / (1.0 - e)) - math.log(m / (1.0 - m))

    @staticmethod
    def _per_skill_values(
        g: NDArray[np.float64], h: NDArray[np.float64], answer: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """The values the per-skill weights multiply, one row per (answer,
        skill): 1, then each ``PER_SKILL`` feature (``SKILL`` or ``GLOBAL``)."""
        out = np.ones((h.shape[0], len(PER_SKILL)), dtype=np.float64)
        for j, f in enumerate(PER_SKILL[1:], start=1):
            out[:, j] = h[:, SKILL.index(f)] if f in SKILL else g[answer, GLOBAL.index(f)]
        return out

    def _index(self) -> None:
        self._skill_mean = dict(zip(self.skills_, self.skill_mean_.tolist(), strict=True))
        self._item_mean = dict(zip(self.items_, self.item_mean_.tolist(), strict=True))
        self._item_w = dict(zip(self.items_, self.item_coef_.tolist(), strict=True))
        self._item_diff = {i: self._difficulty(v) for i, v in self._item_mean.items()}
        self._item_recent = dict(zip(self.items_, self.item_recent_.tolist(), strict=True))
        self._item_peers = dict(zip(self.items_, self.item_peers_.tolist(), strict=True))
        self._item_experience = dict(zip(self.items_, self.item_experience_.tolist(), strict=True))
        self._skill_w = {
            s: tuple(row) for s, row in zip(self.skills_, self.skill_coef_.tolist(), strict=True)
        }
        self._skill_w_default = tuple(float(v) for v in self.default_skill_coef_.tolist())
        self._gw = [float(v) for v in self.global_coef_.tolist()]
        self._mw = tuple(float(v) for v in self.mastery_coef_.tolist())
        self._skill_level = dict(zip(self.skills_, self.skill_level_.tolist(), strict=True))
        self._hw = [float(v) for v in self.skill_feature_coef_.tolist()]

    def _check(self) -> None:
        if not hasattr(self, "_gw"):
            raise NotFittedError("AnswerLogit is not fitted; call fit() or from_dict() first")

    # ----------------------------------------------------------- prediction
    def predict_proba(self, log: ResponseLog) -> NDArray[np.float64]:
        """P(correct) of each answer from the learner's earlier answers, in
        the log's row order (bit-identical to the online path)."""
        self._check()
        g, h, answer = self.features(log)
        names = skill_names(log)
        ex_skill = log.csr()[1]
        sw = np.array([self._skill_w.get(s, self._skill_w_default) for s in names])
        sw = sw.reshape(len(names), len(PER_SKILL))[ex_skill]
        pv = self._per_skill_values(g, h, answer)
        t = sw[:, 0].copy()
        for j in range(1, len(PER_SKILL)):
            t = t + sw[:, j] * pv[:, j]
        for j, wj in enumerate(self._hw):
            t = t + wj * h[:, j]
        acc = combine_rows(t, log.csr()[0], "mean")
        z = np.full(len(log), self.intercept_)
        if log.item is not None and log.item_ids:
            tab = np.array([self._item_w.get(i, 0.0) for i in log.item_ids] + [0.0])
            z = z + tab[np.where(log.item >= 0, log.item, len(log.item_ids))]
        else:
            z = z + 0.0
        for j, wj in enumerate(self._gw):
            z = z + wj * g[:, j]
        z = z + acc
        return np.fromiter(
            (1.0 / (1.0 + math.exp(-v)) for v in z.tolist()), dtype=np.float64, count=len(z)
        )

    # --------------------------------------------------------------- online
    def init_state(self) -> AnswerState:
        return AnswerState()

    def _logit(self, state: AnswerState, skills: list[str], item: str | None) -> float:
        # Written out term by term (the hot path of live updates); the order
        # of the additions is the batch path's: PER_SKILL, then SKILL, then
        # GLOBAL (a test pins batch == online bit for bit).
        ov = state.overall
        big_s, big_f = ov[0], ov[1]
        n = big_s + big_f
        ability = ov[4] / (n + 3.0)
        h0, h1, h2, h3, h4, h5, h6, h7, h8 = self._hw[:_N_BASE_SKILL]
        hp = self._hw[_N_BASE_SKILL:]
        get, default = self._skill_w.get, self._skill_w_default
        acc = 0.0
        for j, sk in enumerate(skills):
            rec = state.skills.get(sk)
            s, f, last, ew, at, sres, last2, last3 = _EMPTY_SKILL if rec is None else rec
            ls, lf = math.log1p(s), math.log1p(f)
            same = 1.0 if at == n - 1.0 else 0.0
            sk_ab = sres / (s + f + 2.0)
            a0, a1, a2, a3, a4, a5, a6 = get(sk, default)
            t = a0 + a1 * ls
            t = t + a2 * lf
            t = t + a3 * last
            t = t + a4 * ability
            t = t + a5 * sk_ab
            t = t + a6 * ew
            t = t + h0 * ls
            t = t + h1 * lf
            t = t + h2 * last
            t = t + h3 * ew
            t = t + h4 * (1.0 if s + f == 0.0 else 0.0)
            t = t + h5 * ((s + 1.0) / (s + f + 2.0) - 0.5)
            t = t + h6 * same
            t = t + h7 * (same * last)
            t = t + h8 * sk_ab
            # the one pattern indicator that is on (the batch path also adds
            # w * 0.0 for the others, which leaves t unchanged)
            if s + f >= 3.0:
                t = (
                    t
                    + hp[(4 if last > 0 else 0) + (2 if last2 > 0 else 0) + (1 if last3 > 0 else 0)]
                )
            acc = t if j == 0 else acc + t
        acc = acc / len(skills)
        g0, g1, g2, g3, g4, g5, g6, g7, g8, g9 = self._gw
        z = self.intercept_ + (self._item_w.get(item, 0.0) if item is not None else 0.0)
        z = z + g0 * math.log1p(big_s)
        z = z + g1 * math.log1p(big_f)
        z = z + g2 * ov[2]
        z = z + g3 * ov[3]
        z = z + g4 * ability
        z = z + g5 * ov[5]
        d = None if item is None else self._item_diff.get(item)
        if d is None:
            d = self._difficulty(self._expected_one(skills, item))
        z = z + g6 * d
        row = None if item is None else self._item_recent.get(item)
        if row is None:
            recent = 0.0
        elif n == 0.0:
            recent = row[0]
        elif n == 1.0:
            recent = row[2 if ov[2] > 0 else 1]
        else:
            recent = row[3 + (2 if ov[2] > 0 else 0) + (1 if ov[6] > 0 else 0)]
        z = z + g7 * recent
        row = None if item is None else self._item_peers.get(item)
        peers = 0.0
        if row is not None:
            peers = row[0 if n == 0.0 else 1 + bisect_left(PEER_EDGES, (big_s + 1.0) / (n + 2.0))]
        z = z + g8 * peers
        row = None if item is None else self._item_experience.get(item)
        at = 0.0 if row is None else row[bisect_left(EXPERIENCE_EDGES, n)]
        z = z + g9 * at
        return z + acc

    def predict_one(self, state: AnswerState, skill: Any, item: str | None = None) -> float:
        """P(the next answer, on ``skill`` (one id or a sequence of ids) and
        ``item`` if given, is right). O(number of skills)."""
        self._check()
        skills = [skill] if type(skill) is str else skill_list(skill)
        z = self._logit(state, skills, None if item is None else str(item))
        return 1.0 / (1.0 + math.exp(-z))

    def _expected_one(self, skills: list[str], item: str | None) -> float:
        if item is not None and item in self._item_mean:
            return self._item_mean[item]
        acc = 0.0
        for j, sk in enumerate(skills):
            v = self._skill_mean.get(sk, self.mean_)
            acc = v if j == 0 else acc + v
        return acc / len(skills)

    def update(
        self,
        state: AnswerState,
        skill: Any,
        correct: bool | int,
        item: str | None = None,
        **kwargs: Any,
    ) -> AnswerState:
        """Fold one answer (all its skills) into ``state``; O(number of skills)."""
        self._check()
        skills = [skill] if type(skill) is str else skill_list(skill)
        c = 1.0 if correct else -1.0
        c01 = 1.0 if correct else 0.0
        ov = state.overall
        exp = self._expected_one(skills, None if item is None else str(item))
        at = ov[0] + ov[1]
        if correct:
            ov[0] += 1.0
        else:
            ov[1] += 1.0
        ov[6] = ov[2]
        ov[2] = c
        ov[3] = self.decay_all * ov[3] + c
        ov[4] = 1.0 * ov[4] + (c01 - exp)
        ov[5] = self.decay_ability * ov[5] + (c01 - exp)
        for sk in skills:
            rec = state.skills.setdefault(sk, [0.0] * _N_STATE)
            if correct:
                rec[0] += 1.0
            else:
                rec[1] += 1.0
            rec[7] = rec[6]
            rec[6] = rec[2]
            rec[2] = c
            rec[3] = self.decay_skill * rec[3] + c
            rec[4] = at
            rec[5] = 1.0 * rec[5] + (c01 - exp)
        return state

    def mastery(self, state: AnswerState, skill: str | int) -> float:
        """P(right) on an average item of ``skill`` as the next answer, from
        the learner's record on that skill and a bounded ability, by the
        sign-constrained read-out (``MASTERY``): a wrong answer never raises
        it, a right answer never lowers it; answers on other skills move it
        only through the bounded ability (see docs/mastery.md)."""
        self._check()
        sk = str(skill)
        rec = state.skills.get(sk)
        s, f, last, ew = (0.0, 0.0, 0.0, 0.0) if rec is None else rec[:4]
        w0, w1, w2, w3, w4, w5 = self._mw
        z = self._skill_level.get(sk, self.default_skill_level_)
        # each term moves with the answer's outcome (weights' signs held in
        # the fit; ``ew`` stays within +-1 / (1 - decay_skill)), so the sum does
        z = z + w0 * math.log1p(s)
        z = z + w1 * math.log1p(f)
        z = z + w2 * last
        z = z + w3 * ew
        z = z + w4 * ((s + 1.0) / (s + f + 2.0) - 0.5)
        z = z + w5 * math.tanh(state.overall[4] / ABILITY_SCALE)
        return 1.0 / (1.0 + math.exp(-z))

    def attempts(self, state: AnswerState, skill: str | int) -> int:
        rec = state.skills.get(str(skill))
        return 0 if rec is None else int(rec[0] + rec[1])

    # -------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        self._check()
        return {
            **self._dict_head(),
            "features": [list(GLOBAL), list(SKILL), list(PER_SKILL)],
            "intercept": self.intercept_,
            "global_coef": self.global_coef_.tolist(),
            "skill_feature_coef": self.skill_feature_coef_.tolist(),
            "mean": self.mean_,
            "skills": list(self.skills_),
            "skill_mean": self.skill_mean_.tolist(),
            "skill_coef": self.skill_coef_.tolist(),
            "default_skill_coef": self.default_skill_coef_.tolist(),
            "items": list(self.items_),
            "item_mean": self.item_mean_.tolist(),
            "item_coef": self.item_coef_.tolist(),
            "item_after_recent": self.item_recent_.tolist(),
            "item_among_peers": self.item_peers_.tolist(),
            "item_at_experience": self.item_experience_.tolist(),
            "mastery_features": list(MASTERY),
            "mastery_coef": self.mastery_coef_.tolist(),
            "skill_level": self.skill_level_.tolist(),
            "default_skill_level": self.default_skill_level_,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnswerLogit:
        m = cls._from_dict_head(d)
        if d["features"] != [list(GLOBAL), list(SKILL), list(PER_SKILL)]:
            raise ValueError("saved answer-logit model uses a different feature set")
        m.intercept_ = float(d["intercept"])
        m.global_coef_ = np.asarray(d["global_coef"], dtype=np.float64)
        m.skill_feature_coef_ = np.asarray(d["skill_feature_coef"], dtype=np.float64)
        m.mean_ = float(d["mean"])
        m.skills_ = tuple(str(s) for s in d["skills"])
        m.skill_mean_ = np.asarray(d["skill_mean"], dtype=np.float64)
        m.skill_coef_ = np.asarray(d["skill_coef"], dtype=np.float64).reshape(
            len(m.skills_), len(PER_SKILL)
        )
        m.default_skill_coef_ = np.asarray(d["default_skill_coef"], dtype=np.float64)
        m.items_ = tuple(str(s) for s in d["items"])
        m.item_mean_ = np.asarray(d["item_mean"], dtype=np.float64)
        m.item_coef_ = np.asarray(d["item_coef"], dtype=np.float64)
        m.item_recent_ = np.asarray(d["item_after_recent"], dtype=np.float64).reshape(
            len(m.items_), _N_RECENT
        )
        m.item_peers_ = np.asarray(d["item_among_peers"], dtype=np.float64).reshape(
            len(m.items_), _N_PEER
        )
        m.item_experience_ = np.asarray(d["item_at_experience"], dtype=np.float64).reshape(
            len(m.items_), _N_EXPERIENCE
        )
        if d["mastery_features"] != list(MASTERY):
            raise ValueError("saved answer-logit model uses a different mastery read-out")
        m.mastery_coef_ = np.asarray(d["mastery_coef"], dtype=np.float64)
        m.skill_level_ = np.asarray(d["skill_level"], dtype=np.float64)
        m.default_skill_level_ = float(d["default_skill_level"])
        m._index()
        return m
