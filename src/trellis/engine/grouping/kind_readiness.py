"""Readiness: homogeneous bands. Units sorted by readiness are cut into
contiguous bands that minimise the spread within bands (1-D k-means solved
exactly by dynamic programming) within the size bounds."""

from __future__ import annotations

import numpy as np

from trellis.engine.grouping.cuts import by_group, contiguous_cut
from trellis.engine.grouping.features import Unit


def initial(
    units: list[Unit], sizes: list[int], g: int, lo: int, hi: int, n: int
) -> tuple[list[int] | None, np.ndarray]:
    """The bands (None if no cut respects the sizes) and the cost of each
    unit in each band: its distance from the band's mean readiness."""
    n_units = len(units)
    r = np.array([u.readiness for u in units])
    order = sorted(range(n_units), key=lambda u: (units[u].readiness, units[u].members[0]))
    seg = contiguous_cut(
        [sizes[u] for u in order], None, [units[u].readiness for u in order], g, lo, hi
    )
    init: list[int] | None = None
    if seg is not None:
        init = [0] * n_units
        for pos, u in enumerate(order):
            init[u] = seg[pos]
        members = by_group(init, g)
        centre = np.array(
            [np.average(r[members[k]], weights=[sizes[u] for u in members[k]]) for k in range(g)]
        )
    else:  # equal-count bands of the sorted learners as centres
        flat = np.sort(np.repeat(r, sizes))
        centre = np.array([chunk.mean() for chunk in np.array_split(flat, g)])
    return init, np.abs(r[:, None] - centre[None, :])
