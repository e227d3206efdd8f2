"""Checking the teacher's constraints: keep-together blocks, keep-apart
conflicts, and the number and sizes of the groups. Each conflict raises
:class:`GroupingConstraintError` naming it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trellis.engine.grouping.types import (
    BAD_N_GROUPS,
    BOUNDS_ORDER,
    DEFAULT_MAX_SIZE,
    SIZE_IMPOSSIBLE,
    SIZE_IMPOSSIBLE_N,
    TOO_MANY_GROUPS,
    UNKNOWN_LEARNER,
    GroupingConstraintError,
    GroupingRequest,
)


def together_blocks(n: int, together: Sequence[tuple[int, int]]) -> list[int]:
    """Each learner's keep-together block: the connected components of the
    keep-together pairs (``scipy.sparse.csgraph``), labelled so that blocks
    are numbered in the order of their first learner."""
    if not together:
        return list(range(n))
    rows = [i for i, _ in together]
    cols = [j for _, j in together]
    graph = coo_matrix((np.ones(len(together)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return [int(label) for label in labels]


def index_pairs(
    pairs: Iterable[tuple[str, str]], index: Mapping[str, int], constraint: str
) -> list[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for pair in pairs:
        a, b = pair
        for x in (a, b):
            if x not in index:
                raise GroupingConstraintError(
                    UNKNOWN_LEARNER.format(constraint=constraint, a=a, b=b, id=x)
                )
        i, j = index[a], index[b]
        out.add((min(i, j), max(i, j)))
    return sorted(out)


def together_path(
    a: int, b: int, edges: Sequence[tuple[int, int]], name: Sequence[str]
) -> list[str]:
    """The chain of keep-together pairs from a to b (breadth-first)."""
    adj: dict[int, list[int]] = {}
    for i, j in edges:
        adj.setdefault(i, []).append(j)
        adj.setdefault(j, []).append(i)
    prev = {a: a}
    queue = [a]
    for x in queue:
        if x == b:
            break
        for y in sorted(adj.get(x, [])):
            if y not in prev:
                prev[y] = x
                queue.append(y)
    path = [b]
    while path[-1] != a:
        path.append(prev[path[-1]])
    return [name[i] for i in reversed(path)]


def max_clique(adj: Mapping[int, set[int]]) -> list[int]:
    """A largest clique (Bron-Kerbosch with pivoting; keep-apart graphs are
    small and sparse). Deterministic."""
    best: list[int] = []

    def expand(r: list[int], p: set[int], x: set[int]) -> None:
        nonlocal best
        if not p and not x:
            if len(r) > len(best) or (len(r) == len(best) and sorted(r) < sorted(best)):
                best = list(r)
            return
        if len(r) + len(p) < len(best):
            return
        pivot = max(sorted(p | x), key=lambda u: len(adj[u] & p))
        for v in sorted(p - adj[pivot]):
            expand([*r, v], p & adj[v], x & adj[v])
            p = p - {v}
            x = x | {v}

    expand([], set(adj), set())
    return sorted(best)


# --------------------------------------------------------------------- sizes
def group_sizes(n: int, req: GroupingRequest) -> tuple[int, int, int]:
    """(number of groups, smallest size, largest size), or raise."""
    lo_req, hi_req, g_req = req.min_size, req.max_size, req.n_groups
    if lo_req is not None and lo_req < 1:
        raise GroupingConstraintError(BOUNDS_ORDER.format(min_size=lo_req, max_size=hi_req))
    if lo_req is not None and hi_req is not None and lo_req > hi_req:
        raise GroupingConstraintError(BOUNDS_ORDER.format(min_size=lo_req, max_size=hi_req))
    if hi_req is not None and hi_req < 1:
        raise GroupingConstraintError(
            SIZE_IMPOSSIBLE.format(n=n, min_size=lo_req or 1, max_size=hi_req)
        )
    if g_req is not None:
        if g_req < 1:
            raise GroupingConstraintError(BAD_N_GROUPS.format(n_groups=g_req))
        if g_req > n:
            raise GroupingConstraintError(TOO_MANY_GROUPS.format(n_groups=g_req, n=n))
        # Implicit bounds keep bands from collapsing to one learner or
        # swallowing the class when the teacher gave only a number of groups.
        lo = lo_req if lo_req is not None else max(1, n // (2 * g_req))
        hi = hi_req if hi_req is not None else max(lo, math.ceil(1.5 * n / g_req))
        if lo_req is None and hi_req is not None:
            lo = min(lo, hi_req)
        if g_req * lo > n or g_req * hi < n:
            raise GroupingConstraintError(
                SIZE_IMPOSSIBLE_N.format(n=n, n_groups=g_req, min_size=lo, max_size=hi)
            )
        return g_req, lo, hi
    lo = lo_req if lo_req is not None else 1
    hi = hi_req if hi_req is not None else max(DEFAULT_MAX_SIZE, lo)
    g = max(1, math.ceil(n / hi))
    if g * lo > n:
        raise GroupingConstraintError(SIZE_IMPOSSIBLE.format(n=n, min_size=lo, max_size=hi))
    return g, lo, hi
