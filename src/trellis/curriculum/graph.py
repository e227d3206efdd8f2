"""The prerequisite graph must stay acyclic; this finds a cycle and returns it
so that an error can name every competency on it, not just say 'cycle'.
Both functions are the standard library's ``graphlib``."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def _sorter(nodes: Iterable[K], edges: Mapping[K, Iterable[K]]) -> TopologicalSorter:
    """``edges`` maps a node to those that come after it; graphlib wants each
    node's predecessors. Nodes are added first, in the given order, so that
    ties come out in that order."""
    sorter: TopologicalSorter = TopologicalSorter()
    known = list(nodes)
    for node in known:
        sorter.add(node)
    wanted = set(known)
    for source in known:
        for target in edges.get(source, ()):
            if target in wanted:
                sorter.add(target, source)
    return sorter


def find_cycle(edges: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle as ``[a, b, ..., a]`` (a before b, ...) if the directed graph
    has one, else None."""
    nodes = list(edges)
    for targets in edges.values():
        nodes.extend(t for t in targets if t not in edges)
    try:
        _sorter(dict.fromkeys(nodes), edges).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


def topological_order(nodes: Iterable[K], edges: Mapping[K, Iterable[K]]) -> list[K]:
    """Nodes with every prerequisite before its dependants, ties kept in the
    given order (edges to nodes not given are left out). Raises
    ``graphlib.CycleError`` on a cycle."""
    return list(_sorter(nodes, edges).static_order())
