"""Cutting learners, in order, into contiguous groups within size bounds,
and the helpers the kinds share for seats and group members."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class _Prefix:
    """Prefix sums over the units in order: learners (``cum``), and either
    the sums and squares of ``values`` (``s1``, ``s2``) or the boundary
    weights (``b``)."""

    cum: np.ndarray
    s1: np.ndarray | None
    s2: np.ndarray | None
    b: np.ndarray | None

    @classmethod
    def of(
        cls, sizes: Sequence[int], seg_cost: Sequence[float] | None, values: Sequence[float] | None
    ) -> _Prefix:
        # Prefix sums as Python floats (the same additions in the same order
        # as a loop), then arrays: each cost is the same IEEE arithmetic per cell.
        cum_list = [0]
        for s in sizes:
            cum_list.append(cum_list[-1] + s)
        cum = np.array(cum_list, dtype=np.int64)
        if values is not None:
            s1_list = [0.0]
            s2_list = [0.0]
            for s, v in zip(sizes, values, strict=True):
                s1_list.append(s1_list[-1] + s * v)
                s2_list.append(s2_list[-1] + s * v * v)
            return cls(cum, np.array(s1_list), np.array(s2_list), None)
        assert seg_cost is not None
        b_list = [0.0]
        for x in seg_cost:
            b_list.append(b_list[-1] + x)
        return cls(cum, None, None, np.array(b_list))

    def segment(self, i: np.ndarray, js: np.ndarray, d: int, w: np.ndarray) -> np.ndarray:
        """The cost of the segments from units ``i`` to ``js`` (exclusive),
        ``d = js - i`` units of ``w`` learners each."""
        if self.s1 is not None and self.s2 is not None:
            m = self.s1[js] - self.s1[i]
            return (self.s2[js] - self.s2[i]) - m * m / w
        if d > 1:
            assert self.b is not None
            return self.b[js] - self.b[i + 1]
        return np.zeros(js.size)


def _round(
    pre: _Prefix, prev: np.ndarray, js: np.ndarray, max_d: int, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """One round of the dynamic programme: for each end ``j`` in ``js``, the
    best cost with one more segment and where that segment starts. The start
    i is tried nearest first (d = j - i = 1, 2, ...) and replaces the best
    only when better by more than 1e-12."""
    bj = np.full(js.size, math.inf)
    bi = np.full(js.size, -1, dtype=np.int64)
    for d in range(1, max_d + 1):
        i = js - d
        inside = i >= 0
        if not inside.any():
            break
        i = np.where(inside, i, 0)
        w = pre.cum[js] - pre.cum[i]
        c = prev[i] + pre.segment(i, js, d, w)
        better = inside & (w >= lo) & (w <= hi) & (prev[i] < math.inf) & (c < bj - 1e-12)
        bj = np.where(better, c, bj)
        bi = np.where(better, i, bi)
    return bj, bi


def contiguous_cut(
    sizes: Sequence[int],
    seg_cost: Sequence[float] | None,
    values: Sequence[float] | None,
    g: int,
    lo: int,
    hi: int,
) -> list[int] | None:
    """Cut units (already in order) into ``g`` contiguous segments whose
    sizes lie in [lo, hi], minimising the within-segment sum of squares of
    ``values`` (when given) or the summed boundary weights ``seg_cost``
    (``seg_cost[i]`` between units i-1 and i). Returns the segment index per
    unit, or None if no such cut exists."""
    u = len(sizes)
    if g < 1 or u == 0:
        return None
    pre = _Prefix.of(sizes, seg_cost, values)
    cum = pre.cum
    total = int(cum[-1])
    # prev[j] after round k: best cost of cutting units 0..j-1 into k
    # segments; arg[k][j]: where the last of them starts. Round k only visits
    # the j whose weight k segments can hold and whose remainder g - k
    # segments can hold (the others cannot lie on a complete cut).
    arg = np.full((g + 1, u + 1), -1, dtype=np.int64)
    prev = np.full(u + 1, math.inf)
    prev[0] = 0.0
    max_d = min(u, hi)  # every unit holds at least one learner
    for k in range(1, g + 1):
        rest = g - k
        ok_j = (
            (cum >= k * lo)
            & (cum <= k * hi)
            & (total - cum >= rest * lo)
            & (total - cum <= rest * hi)
        )
        ok_j[0] = False
        js = np.nonzero(ok_j)[0]
        cur = np.full(u + 1, math.inf)
        if js.size:
            cur[js], arg[k, js] = _round(pre, prev, js, max_d, lo, hi)
        prev = cur
    if prev[u] == math.inf:
        return None
    out = [0] * u
    j = u
    for k in range(g, 0, -1):
        start = int(arg[k, j])
        for x in range(start, j):
            out[x] = k - 1
        j = start
    return out


def balanced_caps(n: int, g: int, lo: int, hi: int) -> list[int]:
    """Seats per group: ``n`` learners spread as evenly as the bounds allow."""
    base, extra = divmod(n, g)
    return [min(hi, max(lo, base + (1 if k < extra else 0))) for k in range(g)]


def by_group(assignment: Sequence[int], g: int) -> list[list[int]]:
    """The positions assigned to each of the g groups, in order."""
    out: list[list[int]] = [[] for _ in range(g)]
    for pos, k in enumerate(assignment):
        out[k].append(pos)
    return out
