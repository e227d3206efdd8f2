"""Learning profile: units sorted by their (take in, express, engage)
profile and cut into contiguous groups, with cuts placed where the profile
changes (changes weighted by ``PROFILE_WEIGHTS``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from trellis.engine.grouping.cuts import by_group, contiguous_cut
from trellis.engine.grouping.features import Unit
from trellis.engine.grouping.types import PROFILE_WEIGHTS


def initial(
    units: list[Unit], sizes: list[int], g: int, lo: int, hi: int, n: int
) -> tuple[list[int] | None, np.ndarray]:
    """The profile groups (None if no cut respects the sizes) and the cost
    of each unit in each group: how far its profile is from the group's
    most common one."""
    n_units = len(units)
    order = sorted(range(n_units), key=lambda u: (units[u].profile, units[u].members[0]))
    bounds = [0.0]
    for a, b in zip(order, order[1:], strict=False):
        pa, pb = units[a].profile, units[b].profile
        bounds.append(
            float(sum(w for w, x, y in zip(PROFILE_WEIGHTS, pa, pb, strict=True) if x != y))
        )
    seg = contiguous_cut([sizes[u] for u in order], bounds, None, g, lo, hi)
    init = None
    if seg is not None:
        init = [0] * n_units
        for pos, u in enumerate(order):
            init[u] = seg[pos]
        members = by_group(init, g)
        dominant = [
            Counter(units[u].profile for u in members[k]).most_common(1)[0][0] for k in range(g)
        ]
    else:
        common = Counter(u.profile for u in units).most_common()
        dominant = [common[k % len(common)][0] for k in range(g)]
    return init, _profile_distance([u.profile for u in units], dominant)


def _profile_distance(
    profiles: Sequence[tuple[str, ...]], dominant: Sequence[tuple[str, ...]]
) -> np.ndarray:
    """Share of the profile weight on which each profile differs from each
    group's dominant profile (rows: profiles, columns: groups)."""
    cost = np.zeros((len(profiles), len(dominant)))
    for f, weight in enumerate(PROFILE_WEIGHTS):
        codes: dict[str, int] = {}
        mine = np.array([codes.setdefault(p[f], len(codes)) for p in profiles])
        theirs = np.array([codes.setdefault(d[f], len(codes)) for d in dominant])
        cost += weight * (mine[:, None] != theirs[None, :])
    return cost / sum(PROFILE_WEIGHTS)
