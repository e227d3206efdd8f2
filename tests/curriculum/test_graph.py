"""The prerequisite graph's cycle check and order (graphlib underneath),
pinned to what the hand-written versions did."""

from __future__ import annotations

import itertools
from graphlib import CycleError

import pytest

from trellis.curriculum.graph import find_cycle, topological_order


def _is_cycle_of(cycle, edges) -> bool:
    return cycle[0] == cycle[-1] and all(b in edges[a] for a, b in itertools.pairwise(cycle))


def test_no_cycle_in_a_dag():
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None
    assert find_cycle({}) is None


def test_a_cycle_is_returned_along_its_edges():
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    cycle = find_cycle(edges)
    assert _is_cycle_of(cycle, edges)
    assert set(cycle) == {"a", "b", "c"}


def test_a_self_loop_and_a_cycle_through_a_node_with_no_edges_of_its_own():
    assert find_cycle({"a": ["a"]}) == ["a", "a"]
    assert find_cycle({"a": ["b"], "b": ["z"], "z": []}) is None


def test_order_puts_prerequisites_first_and_keeps_ties_in_the_given_order():
    nodes = ["e", "d", "c", "b", "a"]
    edges = {"a": ["c"], "b": ["c"], "c": ["d"], "x": ["e"]}
    order = topological_order(nodes, edges)
    # Kahn's algorithm with a first-in, first-out queue: e and b and a are
    # ready from the start (in the given order), c after a and b, then d.
    assert order == ["e", "b", "a", "c", "d"]


def test_order_refuses_a_cycle():
    with pytest.raises(CycleError):
        topological_order(["a", "b"], {"a": ["b"], "b": ["a"]})
