"""The prerequisite graph must stay acyclic; this finds a cycle and returns it
so that an error can name every competency on it, not just say 'cycle'."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def find_cycle(edges: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle as ``[a, b, ..., a]`` if the directed graph has one, else None.
    Iterative depth-first search (frameworks can be deep; no recursion limit)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[K, int] = {}
    nodes = list(edges)
    for targets in list(edges.values()):
        nodes.extend(t for t in targets if t not in edges)
    for root in nodes:
        if colour.get(root, WHITE) != WHITE:
            continue
        stack: list[tuple[K, list[K]]] = [(root, list(edges.get(root, ())))]
        path: list[K] = [root]
        colour[root] = GREY
        while stack:
            node, pending = stack[-1]
            if not pending:
                colour[node] = BLACK
                stack.pop()
                path.pop()
                continue
            nxt = pending.pop()
            state = colour.get(nxt, WHITE)
            if state == GREY:
                return path[path.index(nxt) :] + [nxt]
            if state == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                stack.append((nxt, list(edges.get(nxt, ()))))
    return None


def topological_order(nodes: Iterable[K], edges: Mapping[K, Iterable[K]]) -> list[K]:
    """Nodes with every prerequisite before its dependants (Kahn), ties kept in
    the given order. Assumes no cycle."""
    order = list(nodes)
    indegree = {n: 0 for n in order}
    for src in order:
        for dst in edges.get(src, ()):
            if dst in indegree:
                indegree[dst] += 1
    ready = [n for n in order if indegree[n] == 0]
    out: list[K] = []
    while ready:
        node = ready.pop(0)
        out.append(node)
        for dst in edges.get(node, ()):
            if dst in indegree:
                indegree[dst] -= 1
                if indegree[dst] == 0:
                    ready.append(dst)
    return out
