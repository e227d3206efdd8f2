"""Heterogeneous: mixed readiness by a snake draft down the readiness order
(A, B, C, C, B, A, ...), so that every group spans a range."""

from __future__ import annotations

import numpy as np

from trellis.engine.grouping.cuts import balanced_caps
from trellis.engine.grouping.features import Unit


def initial(
    units: list[Unit], sizes: list[int], g: int, lo: int, hi: int, n: int
) -> tuple[list[int] | None, np.ndarray]:
    """The draft and its cost: 0 in the drafted group, 1 elsewhere."""
    n_units = len(units)
    order = sorted(range(n_units), key=lambda u: (-units[u].readiness, units[u].members[0]))
    caps = balanced_caps(n, g, lo, hi)
    tot = [0] * g
    init = [0] * n_units
    snake = list(range(g)) + list(range(g - 1, -1, -1))
    step = 0
    for u in order:
        for _ in range(2 * g):
            k = snake[step % (2 * g)]
            step += 1
            if tot[k] + sizes[u] <= caps[k]:
                break
        else:
            k = min(range(g), key=lambda x: (tot[x], x))
        init[u] = k
        tot[k] += sizes[u]
    cost = np.ones((n_units, g))
    cost[np.arange(n_units), init] = 0.0
    return init, cost
