"""Interest: each group gets a theme tag (the tag most learners not yet
covered share), then learners go to a group whose theme they share, most
constrained first, with balanced sizes."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.optimize import linear_sum_assignment

from trellis.engine.grouping.cuts import balanced_caps
from trellis.engine.grouping.features import Unit


def initial(
    units: list[Unit], sizes: list[int], g: int, lo: int, hi: int, n: int
) -> tuple[list[int] | None, np.ndarray]:
    """The themed groups (None if they cannot respect the sizes) and the
    cost of each unit in each group: the share of its learners without the
    group's theme."""
    caps = balanced_caps(n, g, lo, hi)
    themes = _themes(units, sizes, caps)
    cost = np.array(
        [
            [1.0 - (u.tags[t] / len(u.members) if t is not None else 0.0) for t in themes]
            for u in units
        ]
    )
    return _greedy(cost, sizes, caps), cost


def _themes(units: list[Unit], sizes: list[int], caps: list[int]) -> list[str | None]:
    """One theme tag per group: greedily the tag shared by most learners not
    yet covered (at most a group's worth), ties by tag."""
    uncovered = set(range(len(units)))
    themes: list[str | None] = []
    for cap in caps:
        count: Counter[str] = Counter()
        for u in uncovered:
            for t in units[u].tags:
                count[t] += sizes[u]
        if not count:
            themes.append(None)
            continue
        tag = min(count, key=lambda t: (-min(count[t], cap), t))
        themes.append(tag)
        holders = sorted(u for u in uncovered if tag in units[u].tags)
        taken = 0
        for u in holders:
            if taken + sizes[u] > cap:
                break
            uncovered.discard(u)
            taken += sizes[u]
    return themes


def _greedy(cost: np.ndarray, sizes: list[int], caps: list[int]) -> list[int] | None:
    """Single learners: an optimal (Hungarian) assignment to seats. Otherwise
    assign units to groups with capacities: larger units first, then
    those that would lose most by not getting their best group (regret),
    each to the cheapest group with room. None if a unit does not fit."""
    n_units, g = cost.shape
    if all(s == 1 for s in sizes) and sum(caps) >= n_units:
        # Single learners: an optimal assignment to the groups' seats.
        seat_group = np.repeat(np.arange(g), caps)
        rows, cols = linear_sum_assignment(cost[:, seat_group])
        out = [-1] * n_units
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            out[r] = int(seat_group[c])
        return out
    srt = np.sort(cost, axis=1)
    regret = srt[:, 1] - srt[:, 0] if g > 1 else np.zeros(n_units)
    order = sorted(range(n_units), key=lambda u: (-sizes[u], -float(regret[u]), u))
    left = list(caps)
    assign = [-1] * n_units
    for u in order:
        best = -1
        for k in np.argsort(cost[u], kind="stable").tolist():
            if left[k] >= sizes[u]:
                best = k
                break
        if best < 0:
            return None
        assign[u] = best
        left[best] -= sizes[u]
    return assign
