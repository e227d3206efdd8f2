"""Partner skills: when a learner's answers on one skill replay another's.

Why: a problem tagged with two skills is logged once per skill (ASSISTments
does this), so on skill *b* a learner often gives, in the same order, the
answers they already gave on a skill *a* that tags the same problems. A
history model that only looks at *b*'s own history and at overall counts
cannot see that; this module finds such pairs in the training data and turns
them into features a model can weigh.

Fit (``fit_partners``): for every learner and every two of their skills,
*b*'s outcome sequence (at least two responses) "replays" *a*'s when it is a
prefix of *a*'s sequence (only the first ``PREFIX_BITS`` outcomes are
compared). ``strength(a -> b)`` = replays / (learners with both + 2), for
pairs replayed by at least ``MIN_REPLAYS`` learners (on the 11-learner
Cognitive Tutor set single chance replays cost 0.01 AUC). Each
skill keeps its ``TOP`` partners with the highest strength (ties: lower
code first). Above ``MAX_PAIRS`` learner-skill pairs a seeded sample of
learners is used.

Feature (``partner_features``, and ``HistoryLogit._features`` online): for
the learner's response number *k* (0-based) on *b*, with *k* <
``PREFIX_BITS``, the first partner *a* (in strength order) on which the
learner has already answered more than *k* times and whose first *k*
outcomes equal *b*'s first *k*, gives ``sign`` = +1 if *a*'s outcome number
*k* was right, -1 if wrong, and the four features ``sign``, ``sign *
strength``, ``1`` (matched), ``strength``; without such a partner all four
are 0. Only earlier responses are used. Online this is at most ``TOP``
integer comparisons on a per-skill bit mask of the first ``PREFIX_BITS``
outcomes, so ``update`` stays O(1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

PREFIX_BITS = 50  # outcomes kept per skill (the mask stays an exact float)
TOP = 3  # partners kept per skill
MAX_PAIRS = 5_000_000  # learner-skill pairs examined when fitting
MIN_REPLAYS = 3  # a pair needs at least this many replaying learners
N_FEATURES = 4


class _Groups:
    """Responses grouped by (learner, skill), each group in time order."""

    def __init__(
        self,
        learner: NDArray[np.int64],
        skill: NDArray[np.int64],
        order: NDArray[np.int64],
        correct: NDArray[Any],
    ) -> None:
        n = learner.shape[0]
        self.n = n
        self.sort = np.lexsort((np.arange(n), order, skill, learner))
        lk, kk = learner[self.sort], skill[self.sort]
        new = np.ones(n, dtype=bool)
        new[1:] = (lk[1:] != lk[:-1]) | (kk[1:] != kk[:-1])
        self.starts = np.flatnonzero(new)
        self.gid = np.cumsum(new) - 1  # group of each sorted row
        self.pos = np.arange(n) - self.starts[self.gid]  # k: earlier responses on the skill
        self.length = np.diff(np.append(self.starts, n))
        ok = np.asarray(correct)[self.sort] != 0
        bit = np.where(
            (self.pos < PREFIX_BITS) & ok,
            np.left_shift(np.int64(1), np.minimum(self.pos, 62)),
            np.int64(0),
        ).astype(np.int64)
        self.mask = (
            np.add.reduceat(bit, self.starts) if n else np.zeros(0, dtype=np.int64)
        ).astype(np.int64)
        self.learner = lk[self.starts]
        self.skill = kk[self.starts]


def _low(k: NDArray[np.int64]) -> NDArray[np.int64]:
    """``2**k - 1`` (the mask of the first k outcomes), k < 63."""
    return np.left_shift(np.int64(1), k.astype(np.int64)) - 1


def fit_partners(
    learner: NDArray[np.int64],
    skill: NDArray[np.int64],
    order: NDArray[np.int64],
    correct: NDArray[Any],
    n_skills: int,
    random_state: int = 0,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Each skill's ``TOP`` partners (codes, -1 = none) and their strengths,
    both of shape (n_skills, TOP); see the module docstring."""
    g = _Groups(learner, skill, order, correct)
    partner = np.full((n_skills, TOP), -1, dtype=np.int64)
    strength = np.zeros((n_skills, TOP), dtype=np.float64)
    n_g = g.starts.shape[0]
    if n_g < 2:
        return partner, strength
    u_new = np.ones(n_g, dtype=bool)
    u_new[1:] = g.learner[1:] != g.learner[:-1]
    u_start = np.flatnonzero(u_new)
    u_cnt = np.diff(np.append(u_start, n_g))
    sq = u_cnt.astype(np.int64) ** 2
    if int(sq.sum()) > MAX_PAIRS:
        perm = np.random.default_rng(random_state).permutation(u_start.shape[0])
        keep = perm[np.cumsum(sq[perm]) <= MAX_PAIRS]
        keep.sort()
        u_start, u_cnt, sq = u_start[keep], u_cnt[keep], sq[keep]
    total = int(sq.sum())
    rep = np.repeat(np.arange(u_start.shape[0]), sq)
    off = np.arange(total) - np.repeat(np.cumsum(sq) - sq, sq)
    ia = u_start[rep] + off // u_cnt[rep]
    ib = u_start[rep] + off % u_cnt[rep]
    distinct = ia != ib
    ia, ib = ia[distinct], ib[distinct]
    len_b = g.length[ib]
    k = np.minimum(len_b, PREFIX_BITS)
    replay = (len_b >= 2) & (g.length[ia] >= len_b) & ((g.mask[ia] & _low(k)) == g.mask[ib])
    key = g.skill[ia] * n_skills + g.skill[ib]
    keys, both = np.unique(key, return_counts=True)
    rkeys, same = np.unique(key[replay], return_counts=True)
    enough = same >= MIN_REPLAYS
    rkeys, same = rkeys[enough], same[enough]
    if rkeys.shape[0] == 0:
        return partner, strength
    st = same / (both[np.searchsorted(keys, rkeys)] + 2.0)
    a, b = rkeys // n_skills, rkeys % n_skills
    order_ = np.lexsort((a, -st, b))  # by b, strongest first, then lower code
    a, b, st = a[order_], b[order_], st[order_]
    first = np.ones(b.shape[0], dtype=bool)
    first[1:] = b[1:] != b[:-1]
    rank = np.arange(b.shape[0]) - np.maximum.accumulate(np.where(first, np.arange(b.shape[0]), 0))
    top = rank < TOP
    partner[b[top], rank[top]] = a[top]
    strength[b[top], rank[top]] = st[top]
    return partner, strength


def partner_features(
    learner: NDArray[np.int64],
    skill: NDArray[np.int64],
    order: NDArray[np.int64],
    correct: NDArray[Any],
    partner: NDArray[np.int64],
    strength: NDArray[np.float64],
    rows: NDArray[np.int64] | None = None,
) -> NDArray[np.float64]:
    """The (len(rows), 4) partner features of ``rows`` (default: every row,
    in the input's order), from earlier responses only; equal to the online
    computation. Histories always come from all rows."""
    n = learner.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    out = np.zeros((rows.shape[0], N_FEATURES), dtype=np.float64)
    if n == 0 or rows.shape[0] == 0:
        return out
    g = _Groups(learner, skill, order, correct)
    n_sk = int(max(partner.shape[0], int(skill.max()) + 1))
    i1 = np.lexsort((np.arange(n), order, learner))
    trank = np.empty(n, dtype=np.int64)  # position in the learner's time order
    trank[i1] = np.arange(n)
    del i1
    # rows in group order: composite key group * (n + 1) + time rank is sorted
    ck = g.gid * (n + 1) + trank[g.sort]
    gkey = g.learner * n_sk + g.skill  # sorted: groups are by learner then skill
    inv = np.empty(n, dtype=np.int64)
    inv[g.sort] = np.arange(n)
    qs = inv[rows]  # the queried rows' places in group order
    del inv
    q_l, q_k, q_t = learner[rows].astype(np.int64), skill[rows].astype(np.int64), trank[rows]
    del trank
    q_pos = g.pos[qs]
    own = g.mask[g.gid[qs]] & _low(np.minimum(q_pos, PREFIX_BITS))
    del qs
    found = np.zeros(rows.shape[0], dtype=bool)
    in_table = q_k < partner.shape[0]
    q_kc = np.minimum(q_k, partner.shape[0] - 1)
    for r in range(partner.shape[1]):
        a = np.where(in_table, partner[q_kc, r], -1)
        idx = np.flatnonzero((~found) & (a >= 0) & (q_pos < PREFIX_BITS))
        if idx.shape[0] == 0:
            continue
        q = q_l[idx] * n_sk + a[idx]
        gi = np.searchsorted(gkey, q)
        gi_c = np.minimum(gi, gkey.shape[0] - 1)
        exists = (gi < gkey.shape[0]) & (gkey[gi_c] == q)
        idx, gi = idx[exists], gi_c[exists]
        before = np.searchsorted(ck, gi * (n + 1) + q_t[idx]) - g.starts[gi]
        k = q_pos[idx]
        ma = g.mask[gi]
        hit = (before > k) & ((ma & _low(k)) == own[idx])
        idx, k, ma = idx[hit], k[hit], ma[hit]
        st = strength[q_k[idx], r]
        sign = np.where(np.right_shift(ma, k) & 1, 1.0, -1.0)
        out[idx, 0] = sign
        out[idx, 1] = sign * st
        out[idx, 2] = 1.0
        out[idx, 3] = st
        found[idx] = True
    return out
