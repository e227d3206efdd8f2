"""Constraint repair: when a kind's own grouping breaks a keep-apart or
keep-together pair or a size bound, a depth-first search finds an
assignment that keeps every unit it can in its first group and moves those
whose move costs least."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Nodes the search may visit before it gives up (no assignment found).
SEARCH_LIMIT = 200_000


class Problem:
    """Units (a learner, or a keep-together block) of ``sizes`` learners to
    put into ``g`` groups of ``lo`` to ``hi`` learners; ``conflicts[u]``:
    the units ``u`` is kept apart from."""

    def __init__(
        self,
        sizes: list[int],
        g: int,
        lo: int,
        hi: int,
        conflicts: list[set[int]],
    ) -> None:
        self.sizes = sizes
        self.g = g
        self.lo = lo
        self.hi = hi
        self.conflicts = conflicts

    def feasible(self, assign: Sequence[int]) -> bool:
        tot = [0] * self.g
        for u, k in enumerate(assign):
            if k < 0:
                return False
            tot[k] += self.sizes[u]
        if any(t < self.lo or t > self.hi for t in tot):
            return False
        return all(assign[u] != assign[v] for u, cs in enumerate(self.conflicts) for v in cs)

    def _order(self, init: Sequence[int], cost: np.ndarray) -> tuple[list[int], list[list[int]]]:
        """The units most constrained first, then those that would lose most
        by leaving their first group; and each one's groups to try: its
        first group, then the others by cost."""
        n_units = len(self.sizes)
        other = cost.copy()
        other[np.arange(n_units), np.asarray(init)] = np.inf
        second = other.min(axis=1) if self.g > 1 else np.zeros(n_units)
        regret = second - cost[np.arange(n_units), np.asarray(init)]
        order = sorted(
            range(n_units),
            key=lambda u: (-len(self.conflicts[u]), -self.sizes[u], -float(regret[u]), u),
        )

        def ranked(u: int) -> list[int]:
            return sorted(range(self.g), key=lambda k: (k != init[u], float(cost[u, k]), k))

        return order, [ranked(u) for u in order]

    def search(self, init: Sequence[int], cost: np.ndarray) -> list[int] | None:
        """Depth-first search for a feasible assignment (see :meth:`_order`).
        Returns None when there is none (or the search limit is reached)."""
        n_units = len(self.sizes)
        order, choices = self._order(init, cost)
        suffix = [0] * (n_units + 1)
        for pos in range(n_units - 1, -1, -1):
            suffix[pos] = suffix[pos + 1] + self.sizes[order[pos]]
        tot = [0] * self.g
        assign = [-1] * n_units
        ptr = [0] * n_units
        pos = 0
        nodes = 0
        while 0 <= pos < n_units:
            u = order[pos]
            if assign[u] >= 0:  # backtracking into u: undo
                tot[assign[u]] -= self.sizes[u]
                assign[u] = -1
            placed = False
            while ptr[pos] < self.g:
                k = choices[pos][ptr[pos]]
                ptr[pos] += 1
                nodes += 1
                if nodes > SEARCH_LIMIT:
                    return None
                if self._fits(u, k, tot, assign, suffix[pos + 1]):
                    assign[u] = k
                    placed = True
                    break
            if placed:
                pos += 1
                if pos < n_units:
                    ptr[pos] = 0
            else:
                ptr[pos] = 0
                pos -= 1
        return assign if pos == n_units else None

    def _fits(self, u: int, k: int, tot: list[int], assign: list[int], rest: int) -> bool:
        """Whether unit ``u`` may go into group ``k`` (adding it to ``tot``
        when it may): room, no conflict, and the ``rest`` learners still to
        place can bring every group up to the smallest size."""
        s = self.sizes[u]
        if tot[k] + s > self.hi:
            return False
        if any(assign[v] == k for v in self.conflicts[u]):
            return False
        tot[k] += s
        if sum(max(0, self.lo - t) for t in tot) > rest:
            tot[k] -= s
            return False
        return True
