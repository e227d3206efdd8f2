"""Forming groups: check the request, make units of the keep-together
blocks, run the kind's own grouping, repair it when it breaks a constraint,
then label and explain the groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from trellis.engine.grouping import (
    kind_heterogeneous,
    kind_interest,
    kind_profile,
    kind_readiness,
)
from trellis.engine.grouping.constraints import (
    group_sizes,
    index_pairs,
    max_clique,
    together_blocks,
    together_path,
)
from trellis.engine.grouping.explain import describe
from trellis.engine.grouping.features import Context, Names, Unit, profile_key
from trellis.engine.grouping.phrases import Part, part, say, seq
from trellis.engine.grouping.phrases import names as phrase_names
from trellis.engine.grouping.repair import Problem
from trellis.engine.grouping.text import join_words, letter
from trellis.engine.grouping.types import (
    APART_AND_TOGETHER,
    APART_CLIQUE,
    APART_SELF,
    BAD_KIND,
    DUPLICATE_LEARNER,
    KINDS,
    NO_ASSIGNMENT,
    NO_LEARNERS,
    TOGETHER_TOO_LARGE,
    Grouping,
    GroupingConstraintError,
    GroupingRequest,
    LearnerFeatures,
)

#: Each kind's own grouping: (units, sizes, g, lo, hi, n) -> (the first
#: assignment or None, the units x groups cost of each placement).
Initial = Callable[[list[Unit], list[int], int, int, int, int], tuple[list[int] | None, np.ndarray]]
INITIAL: dict[str, Initial] = {
    "readiness": kind_readiness.initial,
    "heterogeneous": kind_heterogeneous.initial,
    "interest": kind_interest.initial,
    "profile": kind_profile.initial,
}


@dataclass
class _Setup:
    """The request checked: learners sorted by id, their names, the units
    (keep-together blocks) and which units are kept apart, the number of
    groups and the size bounds."""

    ls: list[LearnerFeatures]
    names: Names
    together: list[tuple[int, int]]
    apart: list[tuple[int, int]]
    unit_members: list[list[int]]
    conflicts: list[set[int]]
    g: int
    lo: int
    hi: int


def _check_learners(learners: Sequence[LearnerFeatures], request: GroupingRequest) -> None:
    if request.kind not in KINDS:
        raise GroupingConstraintError(BAD_KIND.format(kind=request.kind))
    if not learners:
        raise GroupingConstraintError(NO_LEARNERS)
    seen: set[str] = set()
    for ln in learners:
        if ln.id in seen:
            raise GroupingConstraintError(DUPLICATE_LEARNER.format(id=ln.id))
        seen.add(ln.id)


def _setup(learners: Sequence[LearnerFeatures], request: GroupingRequest) -> _Setup:
    """Check the learners and the constraints; raise on the first conflict."""
    _check_learners(learners, request)
    ls = sorted(learners, key=lambda x: x.id)
    n = len(ls)
    index = {ln.id: i for i, ln in enumerate(ls)}
    names = Names(ls)
    name = [names(ln.id) for ln in ls]
    together = index_pairs(request.keep_together, index, "keep-together")
    apart = index_pairs(request.keep_apart, index, "keep-apart")
    for i, j in apart:
        if i == j:
            raise GroupingConstraintError(APART_SELF.format(name=name[i]))
    block_of = together_blocks(n, together)
    for i, j in apart:
        if block_of[i] == block_of[j]:
            chain = " - ".join(together_path(i, j, together, name))
            raise GroupingConstraintError(
                APART_AND_TOGETHER.format(a=name[i], b=name[j], chain=chain)
            )
    g, lo, hi = group_sizes(n, request)
    blocks: dict[int, list[int]] = {}
    for i in range(n):
        blocks.setdefault(block_of[i], []).append(i)
    for members in blocks.values():
        if len(members) > hi:
            raise GroupingConstraintError(
                TOGETHER_TOO_LARGE.format(
                    names=join_words([name[m] for m in members]), size=len(members), max_size=hi
                )
            )
    unit_members = sorted(blocks.values(), key=lambda m: m[0])
    conflicts = _conflicts(unit_members, apart, n)
    _check_apart(conflicts, unit_members, name, g)
    return _Setup(ls, names, together, apart, unit_members, conflicts, g, lo, hi)


def _conflicts(
    unit_members: list[list[int]], apart: list[tuple[int, int]], n: int
) -> list[set[int]]:
    """For each unit, the units it is kept apart from."""
    unit_of = [0] * n
    for u, members in enumerate(unit_members):
        for m in members:
            unit_of[m] = u
    conflicts: list[set[int]] = [set() for _ in unit_members]
    for i, j in apart:
        a, b = unit_of[i], unit_of[j]
        conflicts[a].add(b)
        conflicts[b].add(a)
    return conflicts


def _check_apart(
    conflicts: list[set[int]], unit_members: list[list[int]], name: list[str], g: int
) -> None:
    """Raise when more units are all kept apart from one another than there
    are groups."""
    involved = {u: c for u, c in enumerate(conflicts) if c}
    if involved:
        clique = max_clique(involved)
        if len(clique) > g:
            who = [name[unit_members[u][0]] for u in clique]
            raise GroupingConstraintError(
                APART_CLIQUE.format(names=join_words(who), k=len(clique), n_groups=g)
            )


def _missing_notes(request: GroupingRequest, ctx: Context) -> list[Part]:
    """Notes (as phrases) naming the learners with no evidence, interests or
    profile."""
    ls, n = ctx.ls, len(ctx.ls)
    name = [ctx.names(ln.id) for ln in ls]
    notes: list[Part] = []
    no_evidence = [name[i] for i, r in enumerate(ctx.ready_raw) if r is None]
    if no_evidence and request.kind in ("readiness", "heterogeneous"):
        obj = request.objective_code or part("the_objective")
        notes.append(part("note_no_evidence", names=phrase_names(no_evidence), obj=obj))
    if request.kind == "interest":
        no_tags = [name[i] for i in range(n) if not ls[i].interests]
        if len(no_tags) == n:
            notes.append(part("note_no_interests_at_all"))
        elif no_tags:
            notes.append(part("note_no_interests_some", names=phrase_names(no_tags)))
    if request.kind == "profile":
        no_profile = [name[i] for i in range(n) if not ctx.prefs[i]]
        if len(no_profile) == n:
            notes.append(part("note_no_profile_at_all"))
        elif no_profile:
            notes.append(part("note_no_profile_some", names=phrase_names(no_profile)))
    return notes


def _units(setup: _Setup, ctx: Context) -> list[Unit]:
    ls = setup.ls
    return [
        Unit(
            members=m,
            readiness=sum(ctx.ready[i] for i in m) / len(m),
            tags=Counter(t for i in m for t in set(ls[i].interests)),
            profile=Counter(profile_key(ctx.resolved[i]) for i in m).most_common(1)[0][0],
        )
        for m in setup.unit_members
    ]


def _assign(
    request: GroupingRequest, setup: _Setup, units: list[Unit], notes: list[Part]
) -> list[int]:
    """The kind's own grouping when it keeps every constraint; otherwise the
    repaired one (with a note naming who was moved), or raise."""
    g, lo, hi = setup.g, setup.lo, setup.hi
    n_units = len(units)
    sizes = [len(u.members) for u in units]
    problem = Problem(sizes, g, lo, hi, setup.conflicts)
    init, cost = INITIAL[request.kind](units, sizes, g, lo, hi, len(setup.ls))
    if init is not None and problem.feasible(init):
        return init
    start = init if init is not None else [int(np.argmin(cost[u])) for u in range(n_units)]
    found = problem.search(start, cost)
    if found is None:
        raise GroupingConstraintError(
            NO_ASSIGNMENT.format(
                n_groups=g,
                min_size=lo,
                max_size=hi,
                constraints=_constraint_text(request, setup.names),
            )
        )
    moved = [u for u in range(n_units) if init is not None and found[u] != init[u]]
    if moved and request.kind in ("readiness", "heterogeneous"):
        who = [setup.names(setup.ls[i].id) for u in moved for i in units[u].members]
        number = "one" if len(who) == 1 else "many"
        where = "band" if request.kind == "readiness" else "draft"
        notes.append(part(f"note_moved_{number}_{where}", names=_all_names(sorted(who))))
    return found


def _kept_notes(setup: _Setup) -> list[Part]:
    """Notes (as phrases) on the keep-together and keep-apart pairs kept."""
    name = [setup.names(ln.id) for ln in setup.ls]
    notes: list[Part] = []
    if setup.together:
        chains = [_all_names([name[i] for i in m]) for m in setup.unit_members if len(m) > 1]
        notes.append(part("note_kept_together", items=seq(chains, "; ")))
    if setup.apart:
        pairs = [_all_names([name[i], name[j]]) for i, j in setup.apart]
        notes.append(part("note_kept_apart", items=seq(pairs, "; ")))
    return notes


def _all_names(words: list[str]) -> Part:
    """Every name, joined as "a, b and c" (``join_words``)."""
    return phrase_names(words, limit=max(len(words), 1))


def form_groups(learners: Sequence[LearnerFeatures], request: GroupingRequest) -> Grouping:
    """Form groups (see the package docstring). Raises
    :class:`GroupingConstraintError` when the constraints cannot be met."""
    setup = _setup(learners, request)
    ctx = Context.of(setup.ls, setup.names)
    notes = _missing_notes(request, ctx)
    units = _units(setup, ctx)
    assign = _assign(request, setup, units, notes)
    notes += _kept_notes(setup)
    # Groups, labelled in a kind-specific order.
    members_of: list[list[int]] = [[] for _ in range(setup.g)]
    for u, k in enumerate(assign):
        members_of[k].extend(units[u].members)
    for lst in members_of:
        lst.sort()
    if request.kind == "readiness":
        members_of.sort(key=lambda m: (sum(ctx.ready[i] for i in m) / len(m), m[0]))
    else:
        members_of.sort(key=lambda m: m[0])
    groups = tuple(
        describe(letter(k), part("group_letter", letter=letter(k)), m, ctx, request)
        for k, m in enumerate(members_of)
    )
    return Grouping(
        kind=request.kind,
        objective_code=request.objective_code,
        groups=groups,
        notes=tuple(say(note) for note in notes),
        note_phrases=tuple(notes),
        names=dict(setup.names.of),
    )


def _constraint_text(request: GroupingRequest, names: Names) -> str:
    parts = [f"{names(a)} apart from {names(b)}" for a, b in request.keep_apart]
    parts += [f"{names(a)} with {names(b)}" for a, b in request.keep_together]
    return join_words(parts) if parts else "the size bounds"
