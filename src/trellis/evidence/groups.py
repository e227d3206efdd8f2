"""Who is in a group that an assessment is assigned to.

Groups belong to trellis.differentiation, which sits above evidence in the
layers (docs/architecture.md), so evidence cannot import it. Instead
differentiation registers its selectors here when its app is ready
(``DifferentiationConfig.ready``); without it, a group assignment reaches
nobody and names no group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupDirectory:
    """The three questions evidence asks about groups."""

    #: The learners a group assignment reaches now (by group id).
    members: Callable[[int], set[int]]
    #: Of these group ids, those the learner is in now, in a fixed number of queries.
    containing: Callable[[int, Iterable[int]], set[int]]
    #: learner id -> the groups of these the learner is in now, for several learners.
    containing_each: Callable[[Iterable[int], Iterable[int]], dict[int, set[int]]]
    #: (class id, label) of the group, or None when there is no such group.
    describe: Callable[[int], tuple[int, str] | None]


_NOBODY = GroupDirectory(
    members=lambda group_id: set(),
    containing=lambda learner_id, group_ids: set(),
    containing_each=lambda learner_ids, group_ids: {learner: set() for learner in learner_ids},
    describe=lambda group_id: None,
)
_directory: list[GroupDirectory] = [_NOBODY]


def register_group_directory(directory: GroupDirectory) -> None:
    """Called once by the app that owns groups."""
    _directory[0] = directory


def group_member_ids(group_id: int) -> set[int]:
    return _directory[0].members(group_id)


def groups_containing(learner_id: int, group_ids: Iterable[int]) -> set[int]:
    wanted = set(group_ids)
    if not wanted:
        return set()
    return _directory[0].containing(learner_id, wanted)


def groups_containing_each(
    learner_ids: Iterable[int], group_ids: Iterable[int]
) -> dict[int, set[int]]:
    learners = set(learner_ids)
    wanted = set(group_ids)
    if not wanted:
        return {learner: set() for learner in learners}
    return _directory[0].containing_each(learners, wanted)


def group_described(group_id: int) -> tuple[int, str] | None:
    return _directory[0].describe(group_id)
