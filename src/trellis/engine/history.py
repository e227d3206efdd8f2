"""``HistoryLogit``: logistic regression over each learner's response history.

The strongest Trellis model (registered as ``"history-logit"`` and ``"best"``).
For a response of learner *u* on skill *k*, the features are built from *u*'s
earlier responses only (all counts are *before* the response):

on skill *k*
    ``log1p`` of successes and failures, "first attempt" flag, smoothed
    success rate, the last five outcomes as one-hot right / wrong indicators
    (both 0: no such attempt), the one-hot pattern of the last three outcomes
    (27 levels), two exponentially decayed sums of outcomes (decay
    ``fast``/``slow``), signed ``log1p`` of the current run of equal outcomes;
overall (any skill)
    ``log1p`` of successes and failures, whether the previous response was on
    *k*, its outcome and that outcome when it was on *k*, the outcome before
    it, a decayed sum of outcomes, smoothed success rate, smoothed accuracy on
    the learner's first attempts of skills, and an ability estimate: the sum
    of (outcome - the skill's mean outcome in training) over ``n + 3``;

The logit is a global intercept plus global weights on every feature, plus
an item intercept when the log has items (ASSISTments ``problem_id``,
DataShop problem+step; unseen items count as average), plus per-skill
weights on a few of them (intercept = skill easiness, counts, last outcome,
previous-on-same-skill, previous outcome, overall rate and ability: ability
x skill interactions), fit jointly by L-BFGS on standardised features with
L2 penalties (scipy). A skill never seen in training uses the global weights
only (and the overall mean outcome).

Batch features are built with NumPy (sorts, cumulative sums, one NumPy step
per sequence position for the decayed sums) and are bit-identical to the
scalar online path.

Online: the state holds a handful of numbers per skill and overall, so
``update`` and ``predict_one`` are O(1) in pure Python. ``predict_proba``
adds the same per-feature weights in the same order (skipped zero terms
change no partial sum), so batch and online predictions are bit-identical.

``mastery(state, skill)``: the model's probability that the learner answers
the *next item on that skill* correctly when practising it in a focused way,
i.e. with the "previous response" features taken from their last response on
that skill rather than from whatever they did last. It is an expected
performance, not a hidden-state posterior: 0.95 means the model expects 19
right answers out of 20.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from trellis.engine.base import NotFittedError, check_kind, load_json, save_json, skill_names
from trellis.engine.bkt import sequence_layout
from trellis.engine.responses import ResponseLog

FORMAT_VERSION = 4  # 4: partner-skill features removed
_LAST = 5  # how many earlier outcomes on the skill are one-hot features

FEATURES = (
    "s_log",  # log1p successes on the skill
    "f_log",  # log1p failures on the skill
    "first",  # no attempt on the skill yet
    "rate",  # (s + 1) / (n + 2) - 0.5
    *(f"{rw}{j}" for j in range(1, _LAST + 1) for rw in ("r", "w")),  # j-th last outcome
    "ew_fast",
    "ew_slow",
    "run",
    "S_log",
    "F_log",
    "prev_same",
    "prev_c",
    "prev_same_c",
    "prev2_c",
    "ew_all",
    "rate_all",
    "first_rate",  # smoothed accuracy on the learner's first attempts of skills
    "resid",  # sum of (outcome - skill's mean) / (n + 3): ability across skills
    # one-hot pattern of the last three outcomes on the skill (right / wrong
    # / none each): their interactions, e.g. "two right after a wrong"
    *(f"pat{j}" for j in range(27)),
)
PER_SKILL = ("s_log", "f_log", "r1", "w1", "prev_same", "prev_c", "rate_all", "resid")
_PER_IDX = tuple(FEATURES.index(f) for f in PER_SKILL)

# Per-skill record: successes, failures, last1..last5 (+1/-1/0), ew_fast,
# ew_slow, run.
_REC_LEN = 5 + _LAST
# Overall record: successes, failures, prev skill, prev outcome, prev2
# outcome, ew_all, first-attempt successes, first attempts, residual sum.
_GLOBAL0: tuple[float, float, str, float, float, float, float, float, float] = (
    0.0,
    0.0,
    "",
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
    0.0,
)


@dataclass
class HistoryState:
    """One learner's history summary (JSON-able through to_dict/from_dict)."""

    skills: dict[str, list[float]] = field(default_factory=dict)
    overall: list[Any] = field(default_factory=lambda: list(_GLOBAL0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "skills": {k: list(v) for k, v in self.skills.items()},
            "overall": list(self.overall),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HistoryState:
        ov = list(d.get("overall", _GLOBAL0))
        if len(ov) != len(_GLOBAL0):
            raise ValueError("saved history state has a different layout")
        ov = [str(v) if j == 2 else float(v) for j, v in enumerate(ov)]
        skills = {str(k): [float(x) for x in v] for k, v in d.get("skills", {}).items()}
        if any(len(v) != _REC_LEN for v in skills.values()):
            raise ValueError("saved history state has a different layout")
        return cls(skills=skills, overall=ov)


def _log1p_table(n: int) -> NDArray[np.float64]:
    """``math.log1p(i)`` for i = 0..n (bit-identical to the scalar path)."""
    return np.array([math.log1p(i) for i in range(n + 1)], dtype=np.float64)


def _shift(v: NDArray[Any], pos: NDArray[np.int64], j: int) -> NDArray[Any]:
    """``v`` of the j-th earlier row in the same group (0 when none); rows are
    sorted by group then time and ``pos`` is the position within the group."""
    out = np.zeros_like(v)
    if j < v.shape[0]:
        out[j:] = v[:-j]
    out[pos < j] = 0
    return out


def _excl_cumsum(v: NDArray[np.int64], start: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sum of ``v`` over the earlier rows of the same group (integers, exact);
    ``start[i]`` is the index of the first row of row i's group."""
    cs = np.concatenate(([0], np.cumsum(v)))
    return cs[:-1] - cs[start]


def _recurrence(
    learner: NDArray[np.int64],
    group: NDArray[np.int64],
    order: NDArray[np.int64],
    x: NDArray[np.float64],
    decay: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Per (learner, group) sequence, the state *before* each row of
    ``h <- decay * h + x`` (h = 0 at the start), one column per decay; the
    same floating-point operations, in the same order, as the scalar update."""
    lay = sequence_layout(learner, group, order)
    n, d = x.shape[0], decay.shape[0]
    xf = x[lay.row_of_flat]
    out = np.empty((n, d), dtype=np.float64)
    h = np.zeros((int(lay.ks[0]) if lay.max_len else 0, d), dtype=np.float64)
    for t in range(lay.max_len):
        k = int(lay.ks[t])
        o = int(lay.offsets[t])
        h = h[:k]
        out[o : o + k] = h
        h = decay * h + xf[o : o + k]
    return out[lay.flat]


class HistoryLogit:
    """Logistic regression on history features (see module docstring).

    Parameters: ``l2`` (penalty on global weights, per response), ``l2_skill``
    (on per-skill weights), ``fast``/``slow``/``decay_all`` (decay factors of
    the decayed sums), ``l2_item`` (on item intercepts), ``max_iter`` and
    ``ftol`` (L-BFGS stopping), ``max_fit_rows`` (above this many responses
    the optimiser sees a seeded random sample of rows; features still come
    from full histories), ``random_state``.
    """

    name = "history-logit"

    def __init__(
        self,
        l2: float = 1e-6,
        l2_skill: float = 1e-5,
        fast: float = 0.5,
        slow: float = 0.9,
        decay_all: float = 0.7,
        max_iter: int = 100,
        l2_item: float = 1e-4,
        ftol: float = 1e-9,
        max_fit_rows: int = 500_000,
        random_state: int = 0,
    ) -> None:
        self.l2 = l2
        self.l2_skill = l2_skill
        self.fast = fast
        self.slow = slow
        self.decay_all = decay_all
        self.max_iter = max_iter
        self.l2_item = l2_item
        self.ftol = ftol
        self.max_fit_rows = max_fit_rows
        self.random_state = random_state

    # ----------------------------------------------------------- features
    def _features(self, state: HistoryState, skill: str, focused: bool = False) -> list[float]:
        rec = state.skills.get(skill)
        ov = state.overall
        if rec is None:
            rec = [0.0] * _REC_LEN
            known = False
        else:
            known = True
        s, f = rec[0], rec[1]
        lasts = rec[2 : 2 + _LAST]
        ef, es, run = rec[2 + _LAST], rec[3 + _LAST], rec[4 + _LAST]
        big_s, big_f, prev_skill, prev_c, prev2_c, ew_all, fa_s, fa_n, resid = ov
        if focused:
            same = 1.0 if known else 0.0
            prev_c, prev2_c = lasts[0], lasts[1]
        else:
            same = 1.0 if prev_skill == skill else 0.0
        n = s + f
        big_n = big_s + big_f
        onehot: list[float] = []
        for v in lasts:
            onehot.append(1.0 if v > 0 else 0.0)
            onehot.append(1.0 if v < 0 else 0.0)
        pattern = [0.0] * 27
        pattern[int(lasts[0] + 1.0 + 3.0 * (lasts[1] + 1.0) + 9.0 * (lasts[2] + 1.0))] = 1.0
        return [
            math.log1p(s),
            math.log1p(f),
            1.0 if n == 0.0 else 0.0,
            (s + 1.0) / (n + 2.0) - 0.5,
            *onehot,
            ef,
            es,
            math.copysign(math.log1p(abs(run)), run),
            math.log1p(big_s),
            math.log1p(big_f),
            same,
            prev_c,
            same * prev_c,
            prev2_c,
            ew_all,
            (big_s + 1.0) / (big_n + 2.0) - 0.5,
            (fa_s + 1.0) / (fa_n + 2.0) - 0.5,
            resid / (big_n + 3.0),
            *pattern,
        ]

    def _skill_mean(self, skill: str) -> float:
        return self._pbar.get(skill, self._pbar_default)

    def _advance(self, state: HistoryState, skill: str, correct: bool | int) -> None:
        c = 1.0 if correct else -1.0
        c01 = 1.0 if correct else 0.0
        rec = state.skills.get(skill)
        ov = state.overall
        if rec is None:
            rec = [0.0] * _REC_LEN
            state.skills[skill] = rec
            ov[6] += c01
            ov[7] += 1.0
        if c > 0:
            rec[0] += 1.0
        else:
            rec[1] += 1.0
        for j in range(1 + _LAST, 2, -1):
            rec[j] = rec[j - 1]
        rec[2] = c
        rec[2 + _LAST] = self.fast * rec[2 + _LAST] + c
        rec[3 + _LAST] = self.slow * rec[3 + _LAST] + c
        run = rec[4 + _LAST]
        rec[4 + _LAST] = run + c if run * c > 0 else c
        if c > 0:
            ov[0] += 1.0
        else:
            ov[1] += 1.0
        ov[2] = skill
        ov[4] = ov[3]
        ov[3] = c
        ov[5] = self.decay_all * ov[5] + c
        ov[8] = 1.0 * ov[8] + (c01 - self._skill_mean(skill))

    def history_features(
        self, log: ResponseLog, rows: NDArray[np.int64] | None = None
    ) -> NDArray[np.float64]:
        """The feature matrix of ``log`` (rows in the log's order, or only
        ``rows``), each row built from the learner's earlier responses only.

        Vectorised (sorting, cumulative sums, one NumPy step per position in
        the longest sequence for the decayed sums) and bit-identical to
        running ``update``/``_features`` response by response."""
        names = skill_names(log)
        n = len(log)
        learner = log.learner.astype(np.int64)
        skill = log.skill.astype(np.int64)
        order = log.order.astype(np.int64)
        c01 = log.correct.astype(np.int64) != 0
        c = np.where(c01, 1.0, -1.0)
        pbar = np.array([self._skill_mean(s) for s in names], dtype=np.float64)
        out_rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
        x = np.empty((out_rows.shape[0], len(FEATURES)), dtype=np.float64)
        col = {f: j for j, f in enumerate(FEATURES)}

        def put(name: str, v_by_row: NDArray[Any]) -> None:
            x[:, col[name]] = v_by_row[out_rows]

        # --- by (learner, skill), time order
        i2 = np.lexsort((np.arange(n), order, skill, learner))
        lk, kk = learner[i2], skill[i2]
        new2 = np.ones(n, dtype=bool)
        new2[1:] = (lk[1:] != lk[:-1]) | (kk[1:] != kk[:-1])
        start2 = np.maximum.accumulate(np.where(new2, np.arange(n), 0))
        pos2 = np.arange(n) - start2
        cs2 = c[i2]
        s_cnt = _excl_cumsum(c01[i2].astype(np.int64), start2)
        f_cnt = pos2 - s_cnt
        table = _log1p_table(int(max(pos2.max(initial=0), 0)) + 1)
        back = np.empty(n, dtype=np.int64)
        back[i2] = np.arange(n)  # row -> position in this order

        def by_row2(v: NDArray[Any]) -> NDArray[Any]:
            return v[back]

        put("s_log", by_row2(table[s_cnt]))
        put("f_log", by_row2(table[f_cnt]))
        put("first", by_row2((pos2 == 0).astype(np.float64)))
        put("rate", by_row2((s_cnt + 1.0) / (pos2 + 2.0) - 0.5))
        code = np.zeros(n, dtype=np.int64)
        for j in range(1, _LAST + 1):
            lj = _shift(cs2, pos2, j)
            put(f"r{j}", by_row2((lj > 0).astype(np.float64)))
            put(f"w{j}", by_row2((lj < 0).astype(np.float64)))
            if j <= 3:
                code += (lj.astype(np.int64) + 1) * 3 ** (j - 1)
        code = by_row2(code)[out_rows]
        p0 = col["pat0"]
        x[:, p0 : p0 + 27] = 0.0
        x[np.arange(out_rows.shape[0]), p0 + code] = 1.0
        del code
        run_new = new2.copy()
        run_new[1:] |= cs2[1:] != cs2[:-1]
        run_start = np.maximum.accumulate(np.where(run_new, np.arange(n), 0))
        run_incl = (np.arange(n) - run_start + 1) * c01[i2].astype(np.int64) * 2 - (
            np.arange(n) - run_start + 1
        )
        run = _shift(run_incl, pos2, 1)
        run_f = np.where(run < 0, -table[np.abs(run)], table[np.abs(run)])
        put("run", by_row2(run_f))
        del run_new, run_start, run_incl, run, run_f, lk, kk, cs2, s_cnt, f_cnt
        first_row = by_row2(pos2 == 0)
        del pos2, start2, new2, back
        ew = _recurrence(
            learner, skill, order, c[:, None], np.array([self.fast, self.slow], dtype=np.float64)
        )
        put("ew_fast", ew[:, 0].copy())
        put("ew_slow", ew[:, 1].copy())
        del ew

        # --- by learner, time order
        i1 = np.lexsort((np.arange(n), order, learner))
        l1 = learner[i1]
        new1 = np.ones(n, dtype=bool)
        new1[1:] = l1[1:] != l1[:-1]
        start1 = np.maximum.accumulate(np.where(new1, np.arange(n), 0))
        pos1 = np.arange(n) - start1
        back = np.empty(n, dtype=np.int64)
        back[i1] = np.arange(n)

        def by_row1(v: NDArray[Any]) -> NDArray[Any]:
            return v[back]

        big_s = _excl_cumsum(c01[i1].astype(np.int64), start1)
        big_f = pos1 - big_s
        table = _log1p_table(int(pos1.max(initial=0)) + 1)
        put("S_log", by_row1(table[big_s]))
        put("F_log", by_row1(table[big_f]))
        put("rate_all", by_row1((big_s + 1.0) / (pos1 + 2.0) - 0.5))
        fr = first_row[i1].astype(np.int64)
        fa_s = _excl_cumsum(fr * c01[i1].astype(np.int64), start1)
        fa_n = _excl_cumsum(fr, start1)
        put("first_rate", by_row1((fa_s + 1.0) / (fa_n + 2.0) - 0.5))
        c1 = c[i1]
        k1 = skill[i1]
        prev_k = _shift(k1 + 1, pos1, 1)  # 0 = no previous response
        same = (prev_k == k1 + 1).astype(np.float64)
        prev_c = _shift(c1, pos1, 1)
        put("prev_same", by_row1(same))
        put("prev_c", by_row1(prev_c))
        put("prev_same_c", by_row1(same * prev_c))
        put("prev2_c", by_row1(_shift(c1, pos1, 2)))
        del same, prev_c, prev_k, c1, k1, fr, fa_s, fa_n
        inputs = np.empty((n, 2), dtype=np.float64)
        inputs[:, 0] = c
        inputs[:, 1] = np.where(c01, 1.0, 0.0) - pbar[skill]
        rec = _recurrence(
            learner,
            np.zeros(n, dtype=np.int64),
            order,
            inputs,
            np.array([self.decay_all, 1.0], dtype=np.float64),
        )
        put("ew_all", rec[:, 0].copy())
        put("resid", rec[:, 1] / (by_row1(pos1) + 3.0))
        del rec
        return x

    # ------------------------------------------------------------ fitting
    def fit(self, log: ResponseLog) -> HistoryLogit:
        names = skill_names(log)
        # Each skill's smoothed mean outcome (the "resid" feature needs it).
        cnt = np.bincount(log.skill, minlength=len(names)).astype(np.float64)
        ok = np.bincount(log.skill, weights=log.correct.astype(np.float64), minlength=len(names))
        mean = float((ok.sum() + 1.0) / (cnt.sum() + 2.0))
        pbar = (ok + 2.0 * mean) / (cnt + 2.0)
        seen_sk = cnt > 0
        self.skill_mean_ = pbar[seen_sk].copy()
        self.skill_mean_default_ = mean
        self._set_means(tuple(names[i] for i in np.flatnonzero(seen_sk)))
        rows = None
        if len(log) > self.max_fit_rows:
            # Features always come from the full histories; only the rows the
            # optimiser sees are sampled (a few hundred weights need no more).
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(len(log), self.max_fit_rows, replace=False))
        x = self.history_features(log, rows)
        y = log.correct.astype(np.float64)
        sk = log.skill.astype(np.int64)
        item_all = log.item
        if rows is not None:
            y, sk = y[rows], sk[rows]
            item_all = None if log.item is None else log.item[rows]
        n, d = x.shape
        # The optimiser works on standardised features (far fewer L-BFGS
        # iterations); the weights are mapped back to raw features below.
        mu = x.mean(axis=0) if n else np.zeros(d)
        sd = x.std(axis=0) if n else np.ones(d)
        sd[sd < 1e-12] = 1.0
        x -= mu
        x /= sd
        n_sk = len(names)
        m = len(_PER_IDX)
        xp = x[:, _PER_IDX]
        n_eff = max(n, 1)
        use_items = item_all is not None and len(log.item_ids) > 0
        it = (
            item_all.astype(np.int64)
            if use_items and item_all is not None
            else np.zeros(0, np.int64)
        )
        n_it = len(log.item_ids) if use_items else 0
        n_w = 1 + d + n_sk * (m + 1)

        def unpack(
            w: NDArray[np.float64],
        ) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
            return float(w[0]), w[1 : 1 + d], w[1 + d : n_w].reshape(n_sk, m + 1)

        def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            b, wg, ws = unpack(w)
            z = b + x @ wg + ws[sk, 0] + np.einsum("ij,ij->i", xp, ws[sk, 1:])
            wi = w[n_w:]
            if n_it:
                z = z + wi[it]
            # log(1 + exp(z)) - y z, stably
            lz = np.logaddexp(0.0, z)
            val = float(np.sum(lz - y * z)) / n_eff
            r = (1.0 / (1.0 + np.exp(-z)) - y) / n_eff
            g = np.empty_like(w)
            g[0] = r.sum()
            g[1 : 1 + d] = x.T @ r + self.l2 * wg
            gs = np.empty((n_sk, m + 1))
            gs[:, 0] = np.bincount(sk, weights=r, minlength=n_sk)
            for j in range(m):
                gs[:, j + 1] = np.bincount(sk, weights=r * xp[:, j], minlength=n_sk)
            gs += self.l2_skill * ws
            g[1 + d : n_w] = gs.ravel()
            if n_it:
                g[n_w:] = np.bincount(it, weights=r, minlength=n_it) + self.l2_item * wi
                val += 0.5 * self.l2_item * float(wi @ wi)
            val += 0.5 * self.l2 * float(wg @ wg) + 0.5 * self.l2_skill * float(np.sum(ws * ws))
            return val, g

        w0 = np.zeros(n_w + n_it)
        ybar = float(np.clip(y.mean() if n else 0.5, 1e-3, 1 - 1e-3))
        w0[0] = math.log(ybar / (1 - ybar))
        res = minimize(
            loss,
            w0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter, "ftol": self.ftol},
        )
        b, wg, ws = unpack(res.x)
        wg = wg / sd
        b = b - float(wg @ mu)
        ws = ws.copy()
        pidx = list(_PER_IDX)
        ws[:, 1:] /= sd[pidx]
        ws[:, 0] -= ws[:, 1:] @ mu[pidx]
        seen = seen_sk  # skills of the whole log (a sampled-out one keeps 0 weights)
        self.intercept_ = float(b)
        self.coef_ = wg.astype(np.float64).copy()
        self.skills_: tuple[str, ...] = tuple(names[i] for i in np.flatnonzero(seen))
        self.skill_coef_ = ws[seen].astype(np.float64).copy()
        self.skill_mean_ = pbar[seen].copy()
        item_seen = np.bincount(it, minlength=n_it) > 0
        self.items_: tuple[str, ...] = tuple(log.item_ids[i] for i in np.flatnonzero(item_seen))
        self.item_coef_ = res.x[n_w:][item_seen].astype(np.float64).copy()
        self.n_iter_ = int(res.nit)
        self.loss_ = float(res.fun)
        self._index()
        return self

    def _set_means(self, skills: tuple[str, ...]) -> None:
        self._pbar = dict(zip(skills, self.skill_mean_.tolist(), strict=True))
        self._pbar_default = float(self.skill_mean_default_)

    def _index(self) -> None:
        self._set_means(self.skills_)
        self._coef = [float(v) for v in self.coef_.tolist()]
        self._skill_w = {
            s: tuple(float(v) for v in row)
            for s, row in zip(self.skills_, self.skill_coef_.tolist(), strict=True)
        }
        self._zero = tuple(0.0 for _ in range(len(PER_SKILL) + 1))
        self._item_w = dict(zip(self.items_, self.item_coef_.tolist(), strict=True))
        # Per skill, global + per-skill weight of every feature (one sum per
        # feature in the logit; batch uses the same table).
        self._comb_default = tuple(self._coef)
        self._comb = {s: self._combined(sw) for s, sw in self._skill_w.items()}

    def _combined(self, sw: tuple[float, ...]) -> tuple[float, ...]:
        c = list(self._coef)
        for j, fi in enumerate(_PER_IDX):
            c[fi] = c[fi] + sw[j + 1]
        return tuple(c)

    def _check(self) -> None:
        if not hasattr(self, "_coef"):
            raise NotFittedError("HistoryLogit is not fitted; call fit() or from_dict() first")

    def _logit(self, x: list[float], skill: str, item: str | None = None) -> float:
        z = self.intercept_ + self._skill_w.get(skill, self._zero)[0]
        z = z + (self._item_w.get(item, 0.0) if item is not None else 0.0)
        for w, v in zip(self._comb.get(skill, self._comb_default), x, strict=True):
            if v:  # skipping "+ w * 0.0" leaves every partial sum as in batch
                z = z + w * v
        return z

    # --------------------------------------------------------- prediction
    def predict_proba(self, log: ResponseLog) -> NDArray[np.float64]:
        """P(correct) of each response from the learner's earlier responses,
        in the log's row order (bit-identical to the online path)."""
        self._check()
        z = self.linear_logits(log, self.history_features(log))
        return np.fromiter(
            (1.0 / (1.0 + math.exp(-v)) for v in z.tolist()), dtype=np.float64, count=len(z)
        )

    def linear_logits(self, log: ResponseLog, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """The logit of every row of ``log`` from its feature matrix ``x``
        (the same per-feature sums, in the same order, as ``_logit``)."""
        names = skill_names(log)
        table = np.array([self._skill_w.get(s, self._zero) for s in names], dtype=np.float64)
        table = table.reshape(len(names), len(PER_SKILL) + 1)
        sw = table[log.skill]
        z = self.intercept_ + sw[:, 0]
        iw = np.zeros(len(log))
        if log.item is not None and log.item_ids:
            item_table = np.array(
                [self._item_w.get(i, 0.0) for i in log.item_ids], dtype=np.float64
            )
            iw = item_table[log.item]
        z = z + iw
        comb = np.array(
            [self._comb.get(s, self._comb_default) for s in names], dtype=np.float64
        ).reshape(len(names), len(FEATURES))
        for j in range(len(FEATURES)):
            z = z + comb[log.skill, j] * x[:, j]
        return np.asarray(z, dtype=np.float64)

    # ------------------------------------------------------------- online
    def init_state(self) -> HistoryState:
        return HistoryState()

    def update(
        self, state: HistoryState, skill: str | int, correct: bool | int, **kwargs: Any
    ) -> HistoryState:
        """Fold one response into ``state`` (in place; also returned). O(1)."""
        self._advance(state, str(skill), correct)
        return state

    def predict_one(self, state: HistoryState, skill: str | int, item: str | None = None) -> float:
        """P(the learner's next response, on ``skill`` (and ``item`` if the
        model was fit with items; unknown items count as average), is correct)."""
        self._check()
        sk = str(skill)
        return 1.0 / (1.0 + math.exp(-self._logit(self._features(state, sk), sk, item)))

    def mastery(self, state: HistoryState, skill: str | int) -> float:
        """Expected P(correct) on the next item of ``skill`` in focused
        practice (see module docstring)."""
        self._check()
        sk = str(skill)
        return 1.0 / (1.0 + math.exp(-self._logit(self._features(state, sk, focused=True), sk)))

    def attempts(self, state: HistoryState, skill: str | int) -> int:
        rec = state.skills.get(str(skill))
        return 0 if rec is None else int(rec[0] + rec[1])

    # ------------------------------------------------------ serialisation
    def get_params(self) -> dict[str, Any]:
        return {
            "l2": self.l2,
            "l2_skill": self.l2_skill,
            "fast": self.fast,
            "slow": self.slow,
            "decay_all": self.decay_all,
            "max_iter": self.max_iter,
            "l2_item": self.l2_item,
            "ftol": self.ftol,
            "max_fit_rows": self.max_fit_rows,
            "random_state": self.random_state,
        }

    def to_dict(self) -> dict[str, Any]:
        self._check()
        return {
            "model": self.name,
            "version": FORMAT_VERSION,
            "params": self.get_params(),
            "features": list(FEATURES),
            "per_skill": list(PER_SKILL),
            "intercept": self.intercept_,
            "coef": self.coef_.tolist(),
            "skills": list(self.skills_),
            "skill_coef": self.skill_coef_.tolist(),
            "skill_mean": self.skill_mean_.tolist(),
            "skill_mean_default": self.skill_mean_default_,
            "items": list(self.items_),
            "item_coef": self.item_coef_.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HistoryLogit:
        check_kind(d, cls.name, FORMAT_VERSION)
        if tuple(d["features"]) != FEATURES or tuple(d["per_skill"]) != PER_SKILL:
            raise ValueError("saved history-logit model uses a different feature set")
        m = cls(**d["params"])
        m.intercept_ = float(d["intercept"])
        m.coef_ = np.asarray(d["coef"], dtype=np.float64)
        m.skills_ = tuple(str(s) for s in d["skills"])
        m.skill_coef_ = np.asarray(d["skill_coef"], dtype=np.float64).reshape(
            len(m.skills_), len(PER_SKILL) + 1
        )
        m.skill_mean_ = np.asarray(d["skill_mean"], dtype=np.float64)
        m.skill_mean_default_ = float(d["skill_mean_default"])
        m.items_ = tuple(str(s) for s in d["items"])
        m.item_coef_ = np.asarray(d["item_coef"], dtype=np.float64)
        m._index()
        return m

    def save(self, path: str | Path) -> None:
        save_json(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | Path) -> HistoryLogit:
        return cls.from_dict(load_json(path))
