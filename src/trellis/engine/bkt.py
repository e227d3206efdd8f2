"""Bayesian Knowledge Tracing (Corbett & Anderson, 1995), fit by EM.

Per skill a two-state hidden Markov model: the learner either knows the skill
or not. Parameters per skill: ``prior`` P(known before the first attempt),
``learn`` P(unknown -> known after an attempt), ``forget`` P(known -> unknown,
0 unless ``forgetting=True``), ``guess`` P(correct | unknown) and ``slip``
P(wrong | known). Each learner's responses on one skill form one sequence.

Fitting is Baum-Welch, vectorised: all sequences of *all* skills, and all
random restarts, advance together time step by time step. Sequences are
sorted by length (longest first) and stored time-major, so the sequences
still running at step ``t`` are a contiguous prefix; the Python loop runs
once per time step (not per response, sequence or skill). Restarts follow
pyBKT: ``n_init`` random starts (prior ~ U(0,1), learn ~ U(0,0.4), guess ~
U(0,0.4), slip ~ U(0,0.3)), the one with the highest likelihood kept per
skill.

Answers with several skills: every skill's sequence holds each answer that
touches it once (EM runs on ``ResponseLog.expand()``); the probability of a
right answer combines the skills' own predictions by ``combine``: ``"mean"``
(default, compensatory) or ``"product"`` (conjunctive: every skill needed);
``update`` folds the outcome into every skill of the answer. The choice of
``"mean"`` was made by held-out likelihood (docs/mastery.md).

``mastery(state, skill)`` is P(known) given the learner's responses so far,
held where the model moves it against the evidence (``BKT.mastery``).
Skills never seen in training use the response-weighted mean of the fitted
parameters (``default_params_``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from trellis.engine.base import EngineModel, NotFittedError, skill_names
from trellis.engine.responses import ResponseLog, skill_list

PARAMS = ("prior", "learn", "forget", "guess", "slip")
FORMAT_VERSION = 1  # ``combine`` is optional in params (absent: "mean")
COMBINE = ("mean", "product")
_EPS = 1e-6
_BETA_MAX = 1e250
_COMPACT = 0.9  # drop converged skills once they hold 10 % of the working rows
_SELECT_AFTER = 10  # EM iterations after which only each skill's best restart goes on
_COMPETE_LEN = 200  # responses per sequence the restarts compete on


@dataclass
class BKTState:
    """One learner's BKT state: P(known) *before* the next response on each
    skill attempted so far, and the number of attempts."""

    known: dict[str, float] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    # P(unknown), kept apart from 1 - known (see ``forward``); a state saved
    # before it existed reads as 1 - known
    unknown: dict[str, float] = field(default_factory=dict)
    # the mastery shown (see ``BKT.mastery``): P(known), held where the
    # model's P(known) moved against the evidence; a state saved before it
    # existed reads as P(known)
    level: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "known": dict(self.known),
            "attempts": dict(self.attempts),
            "unknown": dict(self.unknown),
            "level": dict(self.level),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BKTState:
        return cls(
            known={str(k): float(v) for k, v in d.get("known", {}).items()},
            attempts={str(k): int(v) for k, v in d.get("attempts", {}).items()},
            unknown={str(k): float(v) for k, v in d.get("unknown", {}).items()},
            level={str(k): float(v) for k, v in d.get("level", {}).items()},
        )


@dataclass(frozen=True)
class SequenceLayout:
    """Responses re-arranged time-major by (learner, skill) sequence.

    ``flat[i]`` is where row ``i`` of the log goes. Sequences are ranked by
    length (longest first); at step ``t`` the running sequences are ranks
    ``0..ks[t]-1`` and their responses sit at ``offsets[t]:offsets[t]+ks[t]``.
    """

    flat: NDArray[np.int64]
    row_of_flat: NDArray[np.int64]
    offsets: NDArray[np.int64]
    ks: NDArray[np.int64]
    seq_group: NDArray[np.int64]  # group (skill) code of each sequence, by rank
    flat_group: NDArray[np.int64]  # group code of each flat element

    @property
    def max_len(self) -> int:
        return int(self.ks.shape[0])

    def head(self, steps: int) -> tuple[SequenceLayout, int]:
        """Every sequence cut to its first ``steps`` responses, and how many
        flat elements that keeps (they are a prefix of the flat order)."""
        t = min(self.max_len, steps)
        cut = int(self.offsets[t - 1] + self.ks[t - 1]) if t else 0
        return self._sub(self.offsets[:t], self.ks[:t], self.seq_group, np.arange(cut)), cut

    def keep(self, ranks: NDArray[np.int64]) -> tuple[SequenceLayout, NDArray[np.int64]]:
        """Only the sequences of rank ``ranks`` (ascending), and for each new
        flat element its position in this layout."""
        pieces, ks = [], []
        for o, k in zip(self.offsets.tolist(), self.ks.tolist(), strict=True):
            m = int(np.searchsorted(ranks, k))  # kept sequences still running
            if m == 0:
                break
            ks.append(m)
            pieces.append(o + ranks[:m])
        sel = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        ks_a = np.asarray(ks, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(ks_a)[:-1])).astype(np.int64)
        return self._sub(offsets, ks_a, self.seq_group[ranks], sel), sel

    def _sub(
        self,
        offsets: NDArray[np.int64],
        ks: NDArray[np.int64],
        seq_group: NDArray[np.int64],
        sel: NDArray[np.int64],
    ) -> SequenceLayout:
        row_of_flat = self.row_of_flat[sel]
        flat = np.full(self.flat.shape[0], -1, dtype=np.int64)  # -1: row left out
        flat[row_of_flat] = np.arange(sel.shape[0])
        return SequenceLayout(
            flat=flat,
            row_of_flat=row_of_flat,
            offsets=offsets,
            ks=ks,
            seq_group=seq_group,
            flat_group=self.flat_group[sel],
        )


def combine_rows(v: NDArray[np.float64], ptr: NDArray[np.int64], how: str) -> NDArray[np.float64]:
    """Per answer, the ``"mean"`` or ``"product"`` of its skills' values ``v``
    (one per answer x skill row, CSR ``ptr``), with the operations of the
    online path in the same order (so equal bit for bit)."""
    lens = np.diff(ptr)
    acc = v[ptr[:-1]].copy()
    for j in range(1, int(lens.max(initial=1))):
        rows = np.flatnonzero(lens > j)
        if how == "product":
            acc[rows] = acc[rows] * v[ptr[rows] + j]
        else:
            acc[rows] = acc[rows] + v[ptr[rows] + j]
    if how == "mean":
        acc = acc / lens
    return acc


def sequence_layout(
    learner: NDArray[np.int64], group: NDArray[np.int64], order: NDArray[np.int64]
) -> SequenceLayout:
    """Lay out one sequence per (learner, group), time-ordered by ``order``
    (ties keep row order)."""
    n = int(learner.shape[0])
    idx = np.lexsort((np.arange(n), order, group, learner))
    lg = learner[idx]
    gg = group[idx]
    new = np.ones(n, dtype=bool)
    if n:
        new[1:] = (lg[1:] != lg[:-1]) | (gg[1:] != gg[:-1])
    starts = np.flatnonzero(new)
    seq_of = np.cumsum(new) - 1
    lengths = np.diff(np.append(starts, n))
    pos = np.arange(n) - starts[seq_of]
    rank_order = np.argsort(-lengths, kind="stable")
    rank = np.empty_like(rank_order)
    rank[rank_order] = np.arange(len(rank_order))
    max_len = int(lengths.max(initial=0))
    counts = np.bincount(lengths, minlength=max_len + 1)
    ks = (len(lengths) - np.cumsum(counts))[:max_len].astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(ks)[:-1])).astype(np.int64)
    flat_sorted = offsets[pos] + rank[seq_of] if n else np.zeros(0, dtype=np.int64)
    flat = np.empty(n, dtype=np.int64)
    flat[idx] = flat_sorted
    row_of_flat = np.empty(n, dtype=np.int64)
    row_of_flat[flat] = np.arange(n)
    seq_group = gg[starts][rank_order]
    return SequenceLayout(
        flat=flat,
        row_of_flat=row_of_flat,
        offsets=offsets,
        ks=ks,
        seq_group=seq_group.astype(np.int64),
        flat_group=group[row_of_flat].astype(np.int64),
    )


def forward(
    layout: SequenceLayout,
    obs: NDArray[np.bool_],
    prior: NDArray[np.float64],
    learn: NDArray[np.float64],
    forget: NDArray[np.float64],
    guess: NDArray[np.float64],
    slip: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """P(known) and P(unknown) before each response (flat order), for one
    parameter set per group. Uses exactly the arithmetic of
    :meth:`BKT.update`: the two are carried separately so that neither is
    computed as 1 minus the other (which pins P(known) at exactly 1 after a
    long run of right answers)."""
    g = layout.flat_group
    s_f, g_f, t_f, f_f = slip[g], guess[g], learn[g], forget[g]
    lk = np.where(obs, 1.0 - s_f, s_f)
    lu = np.where(obs, g_f, 1.0 - g_f)
    out = np.empty(obs.shape[0], dtype=np.float64)
    out_u = np.empty(obs.shape[0], dtype=np.float64)
    p = prior[layout.seq_group].astype(np.float64)
    u = 1.0 - p
    for s, k in zip(layout.offsets.tolist(), layout.ks.tolist(), strict=True):
        e = s + k
        pt, ut = p[:k], u[:k]
        out[s:e] = pt
        out_u[s:e] = ut
        a = pt * lk[s:e]
        b = ut * lu[s:e]
        c = a + b
        ok = c > 0.0  # both 0 only with extreme imported parameters: keep the state
        cs = np.where(ok, c, 1.0)
        f = np.where(ok, a / cs, pt)
        fu = np.where(ok, b / cs, ut)
        p[:k] = f * (1.0 - f_f[s:e]) + fu * t_f[s:e]
        u[:k] = fu * (1.0 - t_f[s:e]) + f * f_f[s:e]
    return out, out_u


class BKT(EngineModel):
    """Bayesian Knowledge Tracing with per-skill parameters (see module doc).

    Parameters: ``forgetting`` (fit a forget probability), ``n_init`` random
    restarts, ``max_iter`` EM iterations, ``tol`` (stop once no skill's
    log-likelihood moves by more than ``tol``, as pyBKT),
    ``combine`` (``"mean"`` or ``"product"``: how the predictions of an
    answer's skills combine), ``max_responses_per_skill`` (a skill with more responses than this is fit
    on a seeded random sample of its learners' whole sequences holding about
    that many responses; ``None`` = always all), ``random_state``.

    Why the cap: five numbers per skill are pinned down to about ±0.01 by
    50,000 responses, while EM time grows with every response; at district
    scale (millions of responses per skill) the cap turns hours into minutes
    without a measurable change in the fitted parameters.
    """

    name = "bkt"
    format_version = FORMAT_VERSION

    def __init__(
        self,
        forgetting: bool = False,
        n_init: int = 5,
        max_iter: int = 100,
        tol: float = 0.005,
        random_state: int = 0,
        max_responses_per_skill: int | None = 50_000,
        combine: str = "mean",
    ) -> None:
        self.combine = combine
        self.forgetting = forgetting
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.max_responses_per_skill = max_responses_per_skill

    # ------------------------------------------------------------ fitting
    def fit(self, log: ResponseLog) -> BKT:
        if self.combine not in COMBINE:
            raise ValueError(f"combine must be one of {', '.join(COMBINE)}, got {self.combine!r}")
        if log.skill_ptr is not None:
            log = log.expand()[0]  # one sequence per skill, each answer once in it
        names = skill_names(log)
        n_sk = len(names)
        counts = np.bincount(log.skill, minlength=n_sk).astype(np.float64)
        rng = np.random.default_rng(self.random_state)
        fit_rows = self._fit_rows(log, rng)
        learner, skill, order = log.learner, log.skill, log.order
        correct = log.correct
        if fit_rows is not None:
            learner, skill = learner[fit_rows], skill[fit_rows]
            order, correct = order[fit_rows], correct[fit_rows]
        layout = sequence_layout(learner, skill, order)
        obs = correct[layout.row_of_flat].astype(bool)
        self.n_fit_responses_ = int(obs.shape[0])
        r = max(1, int(self.n_init))
        init = {
            "prior": rng.uniform(0.0, 1.0, (r, n_sk)),
            "learn": rng.uniform(0.0, 0.4, (r, n_sk)),
            "forget": np.zeros((r, n_sk)),
            "guess": rng.uniform(0.0, 0.4, (r, n_sk)),
            "slip": rng.uniform(0.0, 0.3, (r, n_sk)),
        }
        if self.forgetting:
            init["forget"] = rng.uniform(0.0, 0.1, (r, n_sk))
        init = {k: np.clip(v, _EPS, 1 - _EPS) if k != "forget" else v for k, v in init.items()}
        self.n_iter_ = 0
        if r > 1:
            # The restarts compete for _SELECT_AFTER EM iterations on every
            # sequence cut to its first _COMPETE_LEN responses (the long tail
            # of a few very long sequences would cost most of the time);
            # per skill, the one with the highest likelihood then goes on
            # alone on the full sequences.
            short, cut = layout.head(_COMPETE_LEN)
            # Restarts run in batches so that memory stays bounded on big logs.
            batch = max(1, min(r, int(4e7 // (max(1, cut) * 12))))
            best_ll = np.full(n_sk, -np.inf)
            start = {k: np.zeros(n_sk) for k in PARAMS}
            for b0 in range(0, r, batch):
                params = {k: v[b0 : b0 + batch].copy() for k, v in init.items()}
                params, ll, n_iter = self._em(
                    short, obs[:cut], params, n_sk, max_iter=_SELECT_AFTER
                )
                self.n_iter_ = max(self.n_iter_, n_iter)
                for j in range(ll.shape[0]):
                    better = ll[j] > best_ll
                    best_ll = np.where(better, ll[j], best_ll)
                    for k in PARAMS:
                        start[k] = np.where(better, params[k][j], start[k])
            init = {k: v[None, :] for k, v in start.items()}
        params, ll, n_iter = self._em(layout, obs, init, n_sk)
        self.n_iter_ += n_iter
        best = {k: params[k][0] for k in PARAMS}
        best_ll = ll[0]
        seen = counts > 0
        self.skills_: tuple[str, ...] = tuple(names[i] for i in np.flatnonzero(seen))
        for k in PARAMS:
            setattr(self, k + "_", best[k][seen].astype(np.float64))
        self.log_likelihood_ = float(best_ll[seen].sum())
        w = counts[seen]
        self.default_params_: dict[str, float] = {
            k: float(np.dot(best[k][seen], w) / w.sum()) if w.sum() > 0 else d
            for k, d in zip(PARAMS, (0.5, 0.1, 0.0, 0.2, 0.1), strict=True)
        }
        self._index()
        return self

    def _fit_rows(self, log: ResponseLog, rng: np.random.Generator) -> NDArray[np.int64] | None:
        """Rows EM sees: all, or for each skill over the cap a random subset
        of its (learner, skill) sequences, whole, holding about the cap."""
        cap = self.max_responses_per_skill
        n = len(log)
        if cap is None or n == 0:
            return None
        counts = np.bincount(log.skill)
        if counts.max(initial=0) <= cap:
            return None
        # one id per (learner, skill) sequence, a random rank per sequence
        key = log.learner.astype(np.int64) * (int(log.skill.max()) + 1) + log.skill
        seq_ids, seq_of_row = np.unique(key, return_inverse=True)
        seq_skill = (seq_ids % (int(log.skill.max()) + 1)).astype(np.int64)
        seq_len = np.bincount(seq_of_row, minlength=seq_ids.shape[0])
        shuffled = rng.permutation(seq_ids.shape[0])
        by = shuffled[np.lexsort((np.arange(shuffled.shape[0]), seq_skill[shuffled]))]
        # responses of the earlier-drawn sequences of the same skill
        cum = np.cumsum(seq_len[by])
        first = np.searchsorted(seq_skill[by], seq_skill[by], side="left")
        before = cum - seq_len[by] - np.where(first > 0, cum[first - 1], 0)
        keep_seq = np.zeros(seq_ids.shape[0], dtype=bool)
        keep_seq[by] = before < cap
        return np.flatnonzero(keep_seq[seq_of_row]).astype(np.int64)

    def _em(
        self,
        layout: SequenceLayout,
        obs: NDArray[np.bool_],
        params: dict[str, NDArray[np.float64]],
        n_sk: int,
        max_iter: int | None = None,
    ) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.float64], int]:
        r = params["prior"].shape[0]
        seq_count = np.bincount(layout.seq_group, minlength=n_sk).astype(np.float64)

        def prepare(
            lay: SequenceLayout,
        ) -> tuple[list[int], list[int], NDArray[np.bool_], NDArray[np.int64], NDArray[np.bool_]]:
            """Time steps, whether each response has a next one, the
            (restart, skill) key of each, and which skills have sequences."""
            offs, ks = lay.offsets.tolist(), lay.ks.tolist()
            hn = np.zeros(lay.flat_group.shape[0], dtype=bool)
            for t in range(len(ks) - 1):
                hn[offs[t] : offs[t] + ks[t + 1]] = True
            key = (lay.flat_group[None, :] + n_sk * np.arange(r)[:, None]).ravel()
            present = np.zeros(n_sk, dtype=bool)
            present[lay.seq_group] = True
            return offs, ks, hn, key, present

        # The working set: every sequence at first; once a skill has
        # converged in every restart its sequences are dropped (its
        # parameters and log-likelihood no longer change), which also
        # shortens the time loop when the longest sequences are that skill's.
        lay = layout
        offs, ks, has_next, key, in_work = prepare(lay)
        g, seq_group, n, k0 = lay.flat_group, lay.seq_group, obs.shape[0], (ks[0] if ks else 0)

        def by_skill(x: NDArray[np.float64]) -> NDArray[np.float64]:
            return (
                np.bincount(key, weights=x.ravel(), minlength=r * n_sk)
                .reshape(r, n_sk)
                .astype(np.float64)
            )

        def first_by_skill(x: NDArray[np.float64]) -> NDArray[np.float64]:
            kk = (seq_group[None, :] + n_sk * np.arange(r)[:, None]).ravel()
            return (
                np.bincount(kk, weights=x.ravel(), minlength=r * n_sk)
                .reshape(r, n_sk)
                .astype(np.float64)
            )

        o = obs[None, :]
        # skills without a sequence here have log-likelihood 0 throughout
        prev_ll = np.where(in_work[None, :], -np.inf, 0.0) * np.ones((r, 1))
        ll = prev_ll
        n_iter = 0
        active = np.ones((r, n_sk), dtype=bool)
        for it in range(1, (self.max_iter if max_iter is None else max_iter) + 1):
            n_iter = it
            live: NDArray[np.bool_] = np.asarray(active.any(axis=0))
            if np.count_nonzero(live[g]) < _COMPACT * g.shape[0]:
                kept = np.flatnonzero(live[seq_group])
                if kept.shape[0] == 0:  # only skills without responses are left
                    n_iter = it - 1
                    break
                lay, sel = lay.keep(kept)
                obs = obs[sel]
                o = obs[None, :]
                offs, ks, has_next, key, in_work = prepare(lay)
                g, seq_group, n, k0 = lay.flat_group, lay.seq_group, obs.shape[0], ks[0]
            s_f = params["slip"][:, g]
            g_f = params["guess"][:, g]
            t_f = params["learn"][:, g]
            f_f = params["forget"][:, g]
            lk = np.where(o, 1.0 - s_f, s_f)
            lu = np.where(o, g_f, 1.0 - g_f)
            del s_f, g_f
            c_all = np.empty((r, n))
            fk_all = np.empty((r, n))
            fu_all = np.empty((r, n))
            # P(known) and P(unknown) are carried separately (as pyBKT's
            # two-state vector does): 1 - p loses everything below 1e-16, so
            # a long run of right answers would pin p at exactly 1.
            p = params["prior"][:, seq_group].copy()
            u = 1.0 - p
            for s, k in zip(offs, ks, strict=True):
                e = s + k
                a = p[:, :k] * lk[:, s:e]
                b = u[:, :k] * lu[:, s:e]
                c = a + b
                f = a / c
                fu = b / c
                c_all[:, s:e] = c
                fk_all[:, s:e] = f
                fu_all[:, s:e] = fu
                p[:, :k] = f * (1.0 - f_f[:, s:e]) + fu * t_f[:, s:e]
                u[:, :k] = fu * (1.0 - t_f[:, s:e]) + f * f_f[:, s:e]
            ll = np.where(in_work[None, :], by_skill(np.log(c_all)), prev_ll)
            # Backward pass with scaled betas; accumulate expected counts.
            gk = np.empty((r, n))
            gu = np.empty((r, n))
            xi_uk = np.zeros((r, n))
            xi_ku = np.zeros((r, n))
            bk = np.ones((r, ks[0] if ks else 0))
            bu = np.ones_like(bk)
            with np.errstate(over="ignore"):
                for t in range(len(ks) - 1, -1, -1):
                    s, k = offs[t], ks[t]
                    if t + 1 < len(ks):
                        s1, k1 = offs[t + 1], ks[t + 1]
                        c1 = c_all[:, s1 : s1 + k1]
                        # Betas are ratios that can grow without bound where the
                        # past makes a state all but impossible; capping them
                        # changes only terms multiplied by that ~0 probability.
                        mk = np.minimum(lk[:, s1 : s1 + k1] * bk[:, :k1] / c1, _BETA_MAX)
                        mu = np.minimum(lu[:, s1 : s1 + k1] * bu[:, :k1] / c1, _BETA_MAX)
                        t1 = t_f[:, s : s + k1]
                        f1 = f_f[:, s : s + k1]
                        fk = fk_all[:, s : s + k1]
                        xi_uk[:, s : s + k1] = fu_all[:, s : s + k1] * t1 * mk
                        xi_ku[:, s : s + k1] = fk * f1 * mu
                        bk[:, :k1] = (1.0 - f1) * mk + f1 * mu
                        bu[:, :k1] = t1 * mk + (1.0 - t1) * mu
                    gk[:, s : s + k] = fk_all[:, s : s + k] * bk[:, :k]
                    gu[:, s : s + k] = fu_all[:, s : s + k] * bu[:, :k]
            del c_all, fk_all, fu_all, lk, lu, t_f, f_f
            np.clip(gk, 0.0, 1.0, out=gk)
            np.clip(gu, 0.0, 1.0, out=gu)
            new = {}
            with np.errstate(invalid="ignore", divide="ignore"):
                new["prior"] = first_by_skill(gk[:, :k0]) / seq_count
                new["learn"] = by_skill(xi_uk) / by_skill(gu * has_next)
                if self.forgetting:
                    new["forget"] = by_skill(xi_ku) / by_skill(gk * has_next)
                else:
                    new["forget"] = params["forget"]
                new["guess"] = by_skill(gu * o) / by_skill(gu)
                new["slip"] = by_skill(gk * ~o) / by_skill(gk)
            converged = np.abs(ll - prev_ll) <= self.tol
            active &= ~converged
            for name, v in new.items():
                v = np.where(np.isfinite(v), v, params[name])
                lo = 0.0 if name == "forget" else _EPS
                v = np.clip(v, lo, 1 - _EPS)
                params[name] = np.where(active, v, params[name])
            prev_ll = ll
            if not active.any():
                break
        return params, ll, n_iter

    def _index(self) -> None:
        cols = [getattr(self, k + "_").tolist() for k in PARAMS]
        self._params: dict[str, tuple[float, float, float, float, float]] = {
            s: (a, b, c, d, e) for s, a, b, c, d, e in zip(self.skills_, *cols, strict=True)
        }
        dp = self.default_params_
        self._default = (dp["prior"], dp["learn"], dp["forget"], dp["guess"], dp["slip"])

    def _check(self) -> None:
        if not hasattr(self, "_params"):
            raise NotFittedError("BKT is not fitted; call fit() or from_dict() first")

    def params_for(self, skill: str | int) -> dict[str, float]:
        """The five parameters used for ``skill`` (defaults if unseen)."""
        self._check()
        return dict(zip(PARAMS, self._params.get(str(skill), self._default), strict=True))

    def _param_arrays(self, log: ResponseLog) -> tuple[NDArray[np.float64], ...]:
        names = skill_names(log)
        table = np.array([self._params.get(s, self._default) for s in names], dtype=np.float64)
        table = table.reshape(len(names), 5)
        return tuple(table[:, j].copy() for j in range(5))

    # --------------------------------------------------------- prediction
    def predict_known(self, log: ResponseLog) -> NDArray[np.float64]:
        """P(known) before each response, in the log's row order (of its
        first skill for an answer with several)."""
        if log.skill_ptr is not None:
            ex, _ = log.expand()
            return self._known_unknown(ex)[0][log.skill_ptr[:-1]]
        return self._known_unknown(log)[0]

    def _known_unknown(self, log: ResponseLog) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        self._check()
        layout = sequence_layout(log.learner, log.skill, log.order)
        obs = log.correct[layout.row_of_flat].astype(bool)
        prior, learn, forget, guess, slip = self._param_arrays(log)
        known_flat, unknown_flat = forward(layout, obs, prior, learn, forget, guess, slip)
        known = np.empty_like(known_flat)
        known[layout.row_of_flat] = known_flat
        unknown = np.empty_like(unknown_flat)
        unknown[layout.row_of_flat] = unknown_flat
        return known, unknown

    def predict_proba(self, log: ResponseLog) -> NDArray[np.float64]:
        """P(correct) of each answer from the learner's earlier answers on
        its skills, in the log's row order (several skills: ``combine``)."""
        if log.skill_ptr is None:
            return self._predict_rows(log)
        ex, _ = log.expand()
        return combine_rows(self._predict_rows(ex), log.skill_ptr, self.combine)

    def _predict_rows(self, log: ResponseLog) -> NDArray[np.float64]:
        known, unknown = self._known_unknown(log)
        _, _, _, guess, slip = self._param_arrays(log)
        s = slip[log.skill]
        g = guess[log.skill]
        return np.asarray(known * (1.0 - s) + unknown * g, dtype=np.float64)

    # ------------------------------------------------------------- online
    def init_state(self) -> BKTState:
        return BKTState()

    def _known(self, state: BKTState, skill: str) -> tuple[float, float, tuple[float, ...]]:
        """P(known), P(unknown) and the parameters of ``skill``."""
        pr = self._params.get(skill, self._default)
        if skill not in state.known:
            return pr[0], 1.0 - pr[0], pr
        p = state.known[skill]
        return p, state.unknown.get(skill, 1.0 - p), pr

    def update(self, state: BKTState, skill: Any, correct: bool | int, **kwargs: Any) -> BKTState:
        """Fold one answer into ``state`` (in place; also returned): every
        skill of ``skill`` (one id or a sequence of ids) sees the outcome."""
        self._check()
        if type(skill) is str:
            self._update_one(state, skill, correct)
        else:
            for sk in skill_list(skill):
                self._update_one(state, sk, correct)
        return state

    def _update_one(self, state: BKTState, sk: str, correct: bool | int) -> None:
        p, u, (_, learn, forget, guess, slip) = self._known(state, sk)
        if correct:
            a = p * (1.0 - slip)
            b = u * guess
        else:
            a = p * slip
            b = u * (1.0 - guess)
        c = a + b
        f, fu = (a / c, b / c) if c > 0.0 else (p, u)
        shown = state.level.get(sk, p)
        known = f * (1.0 - forget) + fu * learn
        state.known[sk] = known
        # a wrong answer never raises the level shown, a right one never
        # lowers it: where the learn transition (or forgetting) moves P(known)
        # against the evidence, the level holds
        state.level[sk] = max(shown, known) if correct else min(shown, known)
        state.unknown[sk] = fu * (1.0 - learn) + f * forget
        state.attempts[sk] = state.attempts.get(sk, 0) + 1

    def predict_one(self, state: BKTState, skill: Any, item: str | None = None) -> float:
        """P(the next answer, on ``skill`` (one id or a sequence of ids), is
        correct); ``item`` is accepted for the common interface and unused."""
        self._check()
        if type(skill) is str:  # the common case: one skill
            p, u, pr = self._known(state, skill)
            return p * (1.0 - pr[4]) + u * pr[3]
        skills = skill_list(skill)
        acc = 0.0
        for j, sk in enumerate(skills):
            p, u, pr = self._known(state, sk)
            v = p * (1.0 - pr[4]) + u * pr[3]
            if j == 0:
                acc = v
            elif self.combine == "product":
                acc = acc * v
            else:
                acc = acc + v
        if self.combine == "mean":
            acc = acc / len(skills)
        return acc

    def mastery(self, state: BKTState, skill: str | int) -> float:
        """P(the learner knows ``skill``) given all responses so far, held
        where it would move against the evidence: a wrong answer on the skill
        never raises it, a right one never lowers it (after a wrong answer
        the learn transition can lift P(known) above where it was, towards
        the level that repeated wrong answers settle at); other skills'
        answers leave it unchanged."""
        self._check()
        sk = str(skill)
        shown = state.level.get(sk)
        return self._known(state, sk)[0] if shown is None else shown

    def attempts(self, state: BKTState, skill: str | int) -> int:
        return state.attempts.get(str(skill), 0)

    # ------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        self._check()
        return {
            **self._dict_head(),
            "skills": list(self.skills_),
            **{k: getattr(self, k + "_").tolist() for k in PARAMS},
            "default": dict(self.default_params_),
            "log_likelihood": self.log_likelihood_,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BKT:
        m = cls._from_dict_head(d)
        m.skills_ = tuple(str(s) for s in d["skills"])
        for k in PARAMS:
            setattr(m, k + "_", np.asarray(d[k], dtype=np.float64))
        m.default_params_ = {k: float(v) for k, v in d["default"].items()}
        m.log_likelihood_ = float(d["log_likelihood"])
        m._index()
        return m


class BKTForget(BKT):
    """BKT with a fitted per-skill forget probability."""

    name = "bkt-forget"

    def __init__(
        self,
        forgetting: bool = True,
        n_init: int = 5,
        max_iter: int = 100,
        tol: float = 0.005,
        random_state: int = 0,
        max_responses_per_skill: int | None = 50_000,
        combine: str = "mean",
    ) -> None:
        super().__init__(
            forgetting, n_init, max_iter, tol, random_state, max_responses_per_skill, combine
        )


def generate_bkt(
    n_learners: int,
    n_skills: int,
    length: int,
    params: dict[str, float] | None = None,
    seed: int = 0,
    interleave: bool = True,
) -> ResponseLog:
    """Sample responses from a BKT model (vectorised; for tests and benches).

    Every learner answers ``length`` items on each of ``n_skills`` skills, all
    with the same ``params`` (keys of :data:`PARAMS`, defaults prior 0.3,
    learn 0.15, forget 0, guess 0.2, slip 0.1). With ``interleave`` a learner's
    skills are shuffled together in time; otherwise skill after skill.
    """
    p = {"prior": 0.3, "learn": 0.15, "forget": 0.0, "guess": 0.2, "slip": 0.1}
    p.update(params or {})
    rng = np.random.default_rng(seed)
    n_seq = n_learners * n_skills
    known = rng.random(n_seq) < p["prior"]
    correct = np.empty((length, n_seq), dtype=np.int8)
    for t in range(length):
        u = rng.random(n_seq)
        correct[t] = np.where(known, u >= p["slip"], u < p["guess"])
        v = rng.random(n_seq)
        known = np.where(known, v >= p["forget"], v < p["learn"])
    learner = np.repeat(np.arange(n_learners, dtype=np.int64), n_skills * length)
    skill = np.tile(np.repeat(np.arange(n_skills, dtype=np.int64), length), n_learners)
    # correct[t, learner * n_skills + skill] -> rows ordered learner, skill, t
    corr = correct.T.reshape(-1)
    step = np.tile(np.arange(length, dtype=np.int64), n_seq)
    if interleave:
        # A random time order within each learner that keeps each skill's
        # own order: sort by a random key plus the step.
        key = rng.random(learner.shape[0]) + step
        within = np.lexsort((key, learner))
        order = np.empty_like(within)
        order[within] = np.arange(within.shape[0])
    else:
        order = np.arange(learner.shape[0], dtype=np.int64)
    return ResponseLog(
        learner=learner,
        skill=skill,
        correct=corr.astype(np.int8),
        order=order.astype(np.int64),
        learner_ids=tuple(str(i) for i in range(n_learners)),
        skill_ids=tuple(f"s{i}" for i in range(n_skills)),
    )
