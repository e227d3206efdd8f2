"""The grouping engine: form groups of learners for a lesson under a
teacher's constraints, and explain each group in words a teacher reads.

Kinds of grouping (``GroupingRequest.kind``):

``readiness``
    Homogeneous bands. Each learner's readiness combines their mastery of
    the objective and the mean of their prerequisite mastery
    (``OBJECTIVE_WEIGHT``). Learners are sorted by readiness and cut into
    contiguous bands: the cut points minimise the spread within bands (1-D
    k-means solved exactly by dynamic programming) within the size bounds.
    Group A is the least ready. Learners with no evidence on the objective
    or its prerequisites are "not yet assessed": they sit below every
    assessed learner (``UNASSESSED_READINESS``), so they form their own band
    when the sizes allow and are otherwise flagged members of the lowest;
    no readiness figure or mastery statement is made about them. Each
    explanation ends with the evidence behind each member's placement
    (answers and the newest answer's date).
``heterogeneous``
    Mixed readiness: a snake draft down the readiness order (A, B, C, C, B,
    A, ...), so that every group spans a range.
``interest``
    Shared interests: each group gets a theme tag (the tag most learners not
    yet covered share), then learners go to a group whose theme they share,
    most constrained first, with balanced sizes.
``profile``
    Learning profile: learners sorted by (take in, express, engage) and cut
    into contiguous groups, with cuts placed where the profile changes. A
    learner may state several preferences per dimension; each is grouped
    under the one most of the class shares (:func:`resolve_profiles`).
    Learners with no interests or no profile are placed to balance the
    groups, and the notes and explanations name them.

Constraints: a number of groups or size bounds, pairs kept apart, pairs kept
together (chains of keep-together pairs become one block). When the kind's
own grouping breaks a constraint it is repaired by a search that keeps every
learner in their first group when it can, and moves the learners whose move
disturbs the grouping least (for readiness: those nearest another band).
Constraints that cannot be met raise :class:`GroupingConstraintError` with a
message naming the conflict; the message templates are the module-level
constants below. Nothing is returned half-way.

Deterministic: learners are processed in id order, ties are broken by id and
there is no randomness, so the same input (in any order) gives the same
groups.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from trellis.engine.levels import FAMILIAR, MASTERED, MIN_ATTEMPTS_MASTERED, PROFICIENT

__all__ = [
    "APART_AND_TOGETHER",
    "APART_CLIQUE",
    "APART_SELF",
    "BAD_KIND",
    "BAD_N_GROUPS",
    "BOUNDS_ORDER",
    "DUPLICATE_LEARNER",
    "KINDS",
    "EXTENSION",
    "MASTERY",
    "NOT_ASSESSED",
    "NOT_ASSESSED_TEXT",
    "NO_EVIDENCE_NOTE",
    "ON_TRACK",
    "STRUGGLE",
    "UNASSESSED_READINESS",
    "NO_ASSIGNMENT",
    "NO_CHANGE_REASON",
    "NO_INTERESTS_AT_ALL",
    "NO_INTERESTS_SOME",
    "NO_LEARNERS",
    "NO_PROFILE_AT_ALL",
    "NO_PROFILE_SOME",
    "OBJECTIVE_WEIGHT",
    "PROFILE_PHRASES",
    "SECURE",
    "SIZE_IMPOSSIBLE",
    "SIZE_IMPOSSIBLE_N",
    "TOGETHER_TOO_LARGE",
    "TOO_MANY_GROUPS",
    "UNKNOWN_GROUP_MEMBER",
    "UNKNOWN_LEARNER",
    "Group",
    "Grouping",
    "GroupingConstraintError",
    "GroupingRequest",
    "LearnerFeatures",
    "Move",
    "change_reasons",
    "compare_groupings",
    "describe_groups",
    "form_groups",
    "join_names",
    "letter",
    "match_groups",
    "preferences",
    "readiness",
    "resolve_profiles",
]

Kind = Literal["readiness", "heterogeneous", "interest", "profile"]
KINDS: tuple[str, ...] = ("readiness", "heterogeneous", "interest", "profile")

SECURE = PROFICIENT  # 0.60: at or above, a learner is secure on a competency
MASTERY = MASTERED  # 0.95: at or above (group mean), the objective is mastered
OBJECTIVE_WEIGHT = 0.5  # readiness = w * objective + (1 - w) * mean(prerequisites)
DEFAULT_MAX_SIZE = 6  # used when neither a number of groups nor a largest size is given
PROFILE_KEYS: tuple[str, ...] = ("take_in", "express", "engage")
_PROFILE_WEIGHTS = (4, 2, 1)
#: How a preference reads in an explanation ("most ... (4 of 5)"). The
#: platform's vocabulary (the learner profile's choices in
#: ``trellis.personalization.models.profile``) and the simulator's
#: (``trellis.engine.simulate``); any other value reads through
#: ``_PROFILE_FALLBACK``.
PROFILE_PHRASES: dict[str, dict[str, str]] = {
    "take_in": {
        # The learner profile's choices.
        "video": "take in information best by watching (video)",
        "reading": "take in information best by reading",
        "interactive": "take in information best by trying things on screen",
        "hands-on": "take in information best by doing and making (hands-on)",
        "audio": "take in information best by listening",
        "project": "take in information best by working on a project",
        # The simulator's.
        "visual": "take in information best by seeing it",
        "auditory": "take in information best by hearing it",
    },
    "express": {
        "writing": "show what they know in writing",
        "speaking": "show what they know by speaking or presenting",
        "making": "show what they know by making or building something",
        "drawing": "show what they know with drawings or diagrams",
        "video": "show what they know by recording a video",
        "test": "show what they know in a quiz or test",
        "written": "show what they know in writing",
        "oral": "show what they know by talking it through",
        "visual": "show what they know with drawings and diagrams",
        "building": "show what they know by making things",
    },
    "engage": {
        "alone": "like to work on their own",
        "pairs": "like to work with a partner",
        "group": "like to work in a small group",
        "teacher": "like to work with the teacher nearby",
        "independent": "like to work on their own",
        "collaborative": "like to work with others",
        "guided": "like to work with the teacher's guidance",
    },
}
_PROFILE_FALLBACK: dict[str, str] = {
    "take_in": "take in information best by {value}",
    "express": "show what they know by {value}",
    "engage": "like to work {value}",
}
#: The reason given to a learner who changed group in a regroup although
#: their own evidence did not change.
NO_CHANGE_REASON = "regrouped with the class; no change in their own evidence"
_SEARCH_LIMIT = 200_000

# Error message templates (``str.format`` fields); tests format them.
NO_LEARNERS = "There are no learners to group."
DUPLICATE_LEARNER = "The learner id {id!r} appears more than once."
BAD_KIND = "Unknown kind of grouping {kind!r}: expected one of readiness, heterogeneous, interest, profile."
BAD_N_GROUPS = "The number of groups must be at least 1, not {n_groups}."
TOO_MANY_GROUPS = "{n_groups} groups cannot be formed from {n} learners."
BOUNDS_ORDER = "The smallest group size ({min_size}) is larger than the largest ({max_size})."
SIZE_IMPOSSIBLE_N = (
    "{n} learners cannot be split into {n_groups} groups of {min_size} to {max_size} learners."
)
SIZE_IMPOSSIBLE = "{n} learners cannot be split into groups of {min_size} to {max_size} learners."
UNKNOWN_LEARNER = "The {constraint} pair ({a}, {b}) names {id!r}, who is not among the learners."
APART_SELF = "{name} cannot be kept apart from themselves."
APART_AND_TOGETHER = (
    "{a} and {b} are to be kept apart, but they are also to be kept together ({chain})."
)
TOGETHER_TOO_LARGE = (
    "{names} are to be kept together, which makes a group of {size}, "
    "but groups may have at most {max_size} learners."
)
APART_CLIQUE = (
    "{names} are all to be kept apart from one another, which needs {k} groups, "
    "but there are only {n_groups}."
)
UNKNOWN_GROUP_MEMBER = "{group} names {id!r}, who is not among the learners."
NO_ASSIGNMENT = (
    "No grouping into {n_groups} groups of {min_size} to {max_size} learners keeps "
    "{constraints}; try fewer keep-apart or keep-together pairs or other size bounds."
)


NO_EVIDENCE_NOTE = (
    "Not yet assessed (no answers yet on {obj} or its prerequisites): {names}. Their "
    "readiness is unknown: they are kept together where the group sizes allow, and "
    "flagged in their group's explanation."
)

# Notes on missing interests or profiles (interest and profile kinds).
NO_INTERESTS_AT_ALL = (
    "No learner has stated any interests yet, so the groups are only balanced in size."
)
NO_INTERESTS_SOME = (
    "No interests stated yet by {names}, so they could not be matched by interest; "
    "they were placed to balance the group sizes."
)
NO_PROFILE_AT_ALL = (
    "No learner has stated a learning profile yet, so the groups are only balanced in size."
)
NO_PROFILE_SOME = (
    "No learning profile stated yet by {names}, so they could not be matched by "
    "preference; they were placed after the learners who stated one."
)


class GroupingConstraintError(ValueError):
    """The teacher's constraints cannot all be met; the message names the
    conflict."""


@dataclass(frozen=True)
class LearnerFeatures:
    id: str
    name: str = ""
    objective_mastery: float | None = None
    prerequisite_mastery: Mapping[str, float] = field(default_factory=dict)
    interests: tuple[str, ...] = ()
    #: take_in / express / engage -> a preference, or several (all the
    #: learner ticked, in the order given); see :func:`resolve_profiles`.
    profile: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    #: The evidence behind the mastery figures: answers counted on the
    #: objective and on its prerequisites, and the date of the newest one
    #: (text, e.g. "2026-12-03"; empty when unknown or none).
    objective_answers: int | None = None
    prerequisite_answers: int = 0
    last_answer: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class GroupingRequest:
    kind: Kind
    objective_code: str = ""
    objective_statement: str = ""
    n_groups: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    keep_apart: Sequence[tuple[str, str]] = ()
    keep_together: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[str, ...]  # learner ids, sorted
    explanation: str
    mean_readiness: float | None = None
    readiness_range: tuple[float, float] | None = None
    weak_prerequisites: tuple[str, ...] = ()
    shared_interests: tuple[str, ...] = ()
    profile: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Grouping:
    kind: str
    objective_code: str
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)

    def label_of(self) -> dict[str, str]:
        """Learner id -> group label."""
        return {m: g.label for g in self.groups for m in g.members}

    def group(self, label: str) -> Group:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(label)


@dataclass(frozen=True)
class Move:
    learner_id: str
    name: str
    from_label: str | None  # None: not in the old grouping
    to_label: str | None  # None: not in the new grouping
    reason: str

    @property
    def text(self) -> str:
        src = f"Group {self.from_label}" if self.from_label else "no group"
        dst = f"Group {self.to_label}" if self.to_label else "no group"
        return f"{self.name} moved from {src} to {dst}" + (
            f": {self.reason}." if self.reason else "."
        )


# ------------------------------------------------------------------ features
def readiness(learner: LearnerFeatures) -> float | None:
    """``OBJECTIVE_WEIGHT`` x objective mastery + the rest x the mean of the
    prerequisite mastery; either part alone when the other is unknown; None
    with no evidence at all."""
    pre = [float(v) for v in learner.prerequisite_mastery.values()]
    pre_mean = sum(pre) / len(pre) if pre else None
    obj = learner.objective_mastery
    if obj is None:
        return pre_mean
    if pre_mean is None:
        return float(obj)
    return OBJECTIVE_WEIGHT * float(obj) + (1.0 - OBJECTIVE_WEIGHT) * pre_mean


#: Where a learner stands before a lesson on the objective (:func:`placement`).
NOT_ASSESSED = "not_assessed"
STRUGGLE = "struggle"
EXTENSION = "extension"
ON_TRACK = "on_track"
#: Readiness kinds place learners with no evidence here, below every
#: assessed learner: with enough of them they form their own band, otherwise
#: they join the lowest band as flagged members. Never shown as a figure.
UNASSESSED_READINESS = -1.0
NOT_ASSESSED_TEXT = "not yet assessed (no answers yet on {obj} or its prerequisites)"


def placement(learner: LearnerFeatures) -> str:
    """Where the learner stands on the objective, from their evidence only:
    ``not_assessed`` with no evidence on the objective or a prerequisite;
    ``extension`` when their objective mastery is at least ``MASTERY`` (on
    at least ``MIN_ATTEMPTS_MASTERED`` answers, when the count is known);
    ``struggle`` when a prerequisite they have evidence on is below
    ``SECURE`` (or, with no prerequisite evidence, when their objective
    mastery is below ``levels.FAMILIAR``); ``on_track`` otherwise. "Before the lesson" and the
    readiness groupings both read this."""
    if readiness(learner) is None:
        return NOT_ASSESSED
    obj = learner.objective_mastery
    enough = learner.objective_answers is None or learner.objective_answers >= MIN_ATTEMPTS_MASTERED
    if obj is not None and obj >= MASTERY and enough:
        return EXTENSION
    if any(float(v) < SECURE for v in learner.prerequisite_mastery.values()):
        return STRUGGLE
    if not learner.prerequisite_mastery and obj is not None and obj < FAMILIAR:
        return STRUGGLE
    return ON_TRACK


def evidence_text(learner: LearnerFeatures, objective_code: str = "") -> str:
    """The evidence behind a learner's placement, in words: "Ana: 6 answers
    on 6.RP.3 and 4 on its prerequisites, newest 2026-12-03"."""
    obj = objective_code or "the objective"
    own = learner.objective_answers or 0
    pre = learner.prerequisite_answers
    if readiness(learner) is None:
        return f"{learner.display}: no answers yet"
    parts = [f"{own} answer{'s' if own != 1 else ''} on {obj}"]
    if pre:
        parts.append(f"{pre} on its prerequisites")
    text = f"{learner.display}: " + " and ".join(parts)
    if learner.last_answer:
        text += f", newest {learner.last_answer}"
    return text


def preferences(learner: LearnerFeatures) -> dict[str, tuple[str, ...]]:
    """The learner's stated preferences per profile dimension (take_in,
    express, engage), each as a tuple in the order given; dimensions with
    nothing stated are left out."""
    out: dict[str, tuple[str, ...]] = {}
    for k in PROFILE_KEYS:
        raw = learner.profile.get(k)
        if raw is None:
            continue
        values = (raw,) if isinstance(raw, str) else tuple(raw)
        cleaned = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
        if cleaned:
            out[k] = cleaned
    return out


def resolve_profiles(learners: Sequence[LearnerFeatures]) -> dict[str, dict[str, str]]:
    """One preference per dimension for each learner (learner id -> {dimension:
    value}), for grouping by profile. A learner who ticked several ways of,
    say, taking in information is counted under the one that most learners
    of the class also ticked (ties: the first they listed), so that groups
    form around preferences learners share. Dimensions with nothing stated
    are left out."""
    prefs = {ln.id: preferences(ln) for ln in learners}
    holders: dict[str, Counter[str]] = {k: Counter() for k in PROFILE_KEYS}
    for p in prefs.values():
        for k, values in p.items():
            holders[k].update(values)
    out: dict[str, dict[str, str]] = {}
    for lid, p in prefs.items():
        chosen: dict[str, str] = {}
        for k, values in p.items():
            best = values[0]
            for v in values[1:]:
                if holders[k][v] > holders[k][best]:
                    best = v
            chosen[k] = best
        out[lid] = chosen
    return out


def _label(i: int) -> str:
    """A, B, ..., Z, AA, AB, ..."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def letter(i: int) -> str:
    """The i-th group letter (0 -> A, 25 -> Z, 26 -> AA)."""
    return _label(i)


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def join_names(words: Sequence[str], limit: int = 12) -> str:
    """Names joined in words; beyond ``limit``, "and N others"."""
    if len(words) <= limit:
        return _join(words)
    return ", ".join(words[:limit]) + f" and {len(words) - limit} others"


def _f2(x: float) -> str:
    return f"{x:.2f}"


class _Names:
    def __init__(self, learners: Sequence[LearnerFeatures]) -> None:
        counts = Counter(ln.display for ln in learners)
        self.of = {
            ln.id: (ln.display if counts[ln.display] == 1 else f"{ln.display} ({ln.id})")
            for ln in learners
        }

    def __call__(self, lid: str) -> str:
        return self.of.get(lid, lid)


# --------------------------------------------------------------- constraints
def _together_blocks(n: int, together: Sequence[tuple[int, int]]) -> list[int]:
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


def _pairs(
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


def _together_path(
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


def _max_clique(adj: Mapping[int, set[int]]) -> list[int]:
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
def _sizes(n: int, req: GroupingRequest) -> tuple[int, int, int]:
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


# -------------------------------------------------------------- initial cuts
def _contiguous_cut(
    sizes: Sequence[int],
    seg_cost: Sequence[float] | None,
    values: Sequence[float] | None,
    g: int,
    lo: int,
    hi: int,
) -> list[int] | None:
    """Cut units (already in order) into ``g`` contiguous segments whose
    sizes lie in [lo, hi], minimising the within-segment sum of squares of
    ``values`` (when given) or the summed boundary weights ``seg_cost``
    (``seg_cost[i]`` between units i-1 and i). Returns the segment index per
    unit, or None if no such cut exists."""
    u = len(sizes)
    if g < 1 or u == 0:
        return None
    # Prefix sums as Python floats (the same additions in the same order as a
    # loop), then arrays: each cost below is the same IEEE arithmetic per cell.
    cum_list = [0]
    for s in sizes:
        cum_list.append(cum_list[-1] + s)
    cum = np.array(cum_list, dtype=np.int64)
    total = cum_list[-1]
    if values is not None:
        s1_list = [0.0]
        s2_list = [0.0]
        for s, v in zip(sizes, values, strict=True):
            s1_list.append(s1_list[-1] + s * v)
            s2_list.append(s2_list[-1] + s * v * v)
        s1 = np.array(s1_list)
        s2 = np.array(s2_list)
    else:
        assert seg_cost is not None
        b_list = [0.0]
        for x in seg_cost:
            b_list.append(b_list[-1] + x)
        b = np.array(b_list)

    inf = math.inf
    # best[j] after round k: best cost of cutting units 0..j-1 into k
    # segments; arg[k][j]: where the last of them starts. Round k only visits
    # the j whose weight k segments can hold and whose remainder g - k
    # segments can hold (the others cannot lie on a complete cut); within it,
    # the start i is tried nearest first (d = j - i = 1, 2, ...) and replaces
    # the best only when better by more than 1e-12, as the loop did.
    arg = np.full((g + 1, u + 1), -1, dtype=np.int64)
    prev = np.full(u + 1, inf)
    prev[0] = 0.0
    max_d = min(u, hi)  # every unit holds at least one learner
    for k in range(1, g + 1):
        rest = g - k
        ok_j = (
            (cum >= k * lo)
            & (cum <= k * hi)
            & (total - cum >= rest * lo)
            & (total - cum <= rest * hi)
        )
        ok_j[0] = False
        js = np.nonzero(ok_j)[0]
        cur = np.full(u + 1, inf)
        if js.size:
            bj = np.full(js.size, inf)
            bi = np.full(js.size, -1, dtype=np.int64)
            for d in range(1, max_d + 1):
                i = js - d
                inside = i >= 0
                if not inside.any():
                    break
                i = np.where(inside, i, 0)
                w = cum[js] - cum[i]
                if values is not None:
                    m = s1[js] - s1[i]
                    seg = (s2[js] - s2[i]) - m * m / w
                elif d > 1:
                    seg = b[js] - b[i + 1]
                else:
                    seg = np.zeros(js.size)
                c = prev[i] + seg
                better = inside & (w >= lo) & (w <= hi) & (prev[i] < inf) & (c < bj - 1e-12)
                bj = np.where(better, c, bj)
                bi = np.where(better, i, bi)
            cur[js] = bj
            arg[k, js] = bi
        prev = cur
    if prev[u] == inf:
        return None
    out = [0] * u
    j = u
    for k in range(g, 0, -1):
        start = int(arg[k, j])
        for x in range(start, j):
            out[x] = k - 1
        j = start
    return out


def _balanced_caps(n: int, g: int, lo: int, hi: int) -> list[int]:
    base, extra = divmod(n, g)
    return [min(hi, max(lo, base + (1 if k < extra else 0))) for k in range(g)]


# ---------------------------------------------------------------- the solver
class _Problem:
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

    def search(self, init: Sequence[int], cost: np.ndarray) -> list[int] | None:
        """Depth-first search for a feasible assignment: units most
        constrained first, then those that would lose most by leaving their
        first group; each tries its first group, then the others by cost.
        Returns None when there is none (or the search limit is reached)."""
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

        choices = [ranked(u) for u in order]
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
                if nodes > _SEARCH_LIMIT:
                    return None
                s = self.sizes[u]
                if tot[k] + s > self.hi:
                    continue
                if any(assign[v] == k for v in self.conflicts[u]):
                    continue
                tot[k] += s
                deficit = sum(max(0, self.lo - t) for t in tot)
                if deficit > suffix[pos + 1]:
                    tot[k] -= s
                    continue
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


# -------------------------------------------------------------- the engine
@dataclass
class _Unit:
    members: list[int]  # learner indices (sorted by id)
    readiness: float
    tags: Counter[str]
    profile: tuple[str, ...]


def _profile_key(resolved: Mapping[str, str]) -> tuple[str, ...]:
    # "~" sorts after letters: learners with no stated preference come last.
    return tuple(resolved.get(k, "~") for k in PROFILE_KEYS)


@dataclass
class _Context:
    """Per-learner features the kinds and the explanations use, for learners
    sorted by id."""

    ls: list[LearnerFeatures]
    names: _Names
    ready_raw: list[float | None]
    ready: list[float]  # unknown readiness: UNASSESSED_READINESS
    prefs: list[dict[str, tuple[str, ...]]]  # all stated preferences
    resolved: list[dict[str, str]]  # one per dimension (resolve_profiles)

    @classmethod
    def of(cls, ls: list[LearnerFeatures], names: _Names) -> _Context:
        ready_raw = [readiness(ln) for ln in ls]
        resolved = resolve_profiles(ls)
        return cls(
            ls=ls,
            names=names,
            ready_raw=ready_raw,
            ready=[UNASSESSED_READINESS if r is None else r for r in ready_raw],
            prefs=[preferences(ln) for ln in ls],
            resolved=[resolved[ln.id] for ln in ls],
        )


def form_groups(learners: Sequence[LearnerFeatures], request: GroupingRequest) -> Grouping:
    """Form groups (see the module docstring). Raises
    :class:`GroupingConstraintError` when the constraints cannot be met."""
    if request.kind not in KINDS:
        raise GroupingConstraintError(BAD_KIND.format(kind=request.kind))
    if not learners:
        raise GroupingConstraintError(NO_LEARNERS)
    seen: set[str] = set()
    for ln in learners:
        if ln.id in seen:
            raise GroupingConstraintError(DUPLICATE_LEARNER.format(id=ln.id))
        seen.add(ln.id)
    ls = sorted(learners, key=lambda x: x.id)
    n = len(ls)
    index = {ln.id: i for i, ln in enumerate(ls)}
    names = _Names(ls)
    name = [names(ln.id) for ln in ls]

    # Constraints.
    together = _pairs(request.keep_together, index, "keep-together")
    apart = _pairs(request.keep_apart, index, "keep-apart")
    for i, j in apart:
        if i == j:
            raise GroupingConstraintError(APART_SELF.format(name=name[i]))
    block_of = _together_blocks(n, together)
    for i, j in apart:
        if block_of[i] == block_of[j]:
            chain = " - ".join(_together_path(i, j, together, name))
            raise GroupingConstraintError(
                APART_AND_TOGETHER.format(a=name[i], b=name[j], chain=chain)
            )
    g, lo, hi = _sizes(n, request)
    blocks: dict[int, list[int]] = {}
    for i in range(n):
        blocks.setdefault(block_of[i], []).append(i)
    for members in blocks.values():
        if len(members) > hi:
            raise GroupingConstraintError(
                TOGETHER_TOO_LARGE.format(
                    names=_join([name[m] for m in members]), size=len(members), max_size=hi
                )
            )
    unit_of = [0] * n
    unit_members = sorted(blocks.values(), key=lambda m: m[0])
    for u, members in enumerate(unit_members):
        for m in members:
            unit_of[m] = u
    n_units = len(unit_members)
    conflicts: list[set[int]] = [set() for _ in range(n_units)]
    for i, j in apart:
        a, b = unit_of[i], unit_of[j]
        conflicts[a].add(b)
        conflicts[b].add(a)
    involved = {u: conflicts[u] for u in range(n_units) if conflicts[u]}
    if involved:
        clique = _max_clique(involved)
        if len(clique) > g:
            who = [name[unit_members[u][0]] for u in clique]
            raise GroupingConstraintError(
                APART_CLIQUE.format(names=_join(who), k=len(clique), n_groups=g)
            )

    # Features.
    ctx = _Context.of(ls, names)
    ready = ctx.ready
    notes: list[str] = []
    no_evidence = [name[i] for i, r in enumerate(ctx.ready_raw) if r is None]
    if no_evidence and request.kind in ("readiness", "heterogeneous"):
        notes.append(
            NO_EVIDENCE_NOTE.format(
                names=join_names(no_evidence), obj=request.objective_code or "the objective"
            )
        )
    if request.kind == "interest":
        no_tags = [name[i] for i in range(n) if not ls[i].interests]
        if len(no_tags) == n:
            notes.append(NO_INTERESTS_AT_ALL)
        elif no_tags:
            notes.append(NO_INTERESTS_SOME.format(names=join_names(no_tags)))
    if request.kind == "profile":
        no_profile = [name[i] for i in range(n) if not ctx.prefs[i]]
        if len(no_profile) == n:
            notes.append(NO_PROFILE_AT_ALL)
        elif no_profile:
            notes.append(NO_PROFILE_SOME.format(names=join_names(no_profile)))
    units = [
        _Unit(
            members=m,
            readiness=sum(ready[i] for i in m) / len(m),
            tags=Counter(t for i in m for t in set(ls[i].interests)),
            profile=Counter(_profile_key(ctx.resolved[i]) for i in m).most_common(1)[0][0],
        )
        for m in unit_members
    ]
    sizes = [len(u.members) for u in units]
    problem = _Problem(sizes, g, lo, hi, conflicts)

    init, cost = _initial(request.kind, units, sizes, g, lo, hi, n)
    if init is not None and problem.feasible(init):
        assign = init
    else:
        start = init if init is not None else [int(np.argmin(cost[u])) for u in range(n_units)]
        found = problem.search(start, cost)
        if found is None:
            raise GroupingConstraintError(
                NO_ASSIGNMENT.format(
                    n_groups=g,
                    min_size=lo,
                    max_size=hi,
                    constraints=_constraint_text(request, names),
                )
            )
        assign = found
        moved = [u for u in range(n_units) if init is not None and assign[u] != init[u]]
        if moved and request.kind in ("readiness", "heterogeneous"):
            who = [name[i] for u in moved for i in units[u].members]
            notes.append(
                f"To keep the requested learners apart or together, {_join(sorted(who))} "
                f"{'was' if len(who) == 1 else 'were'} placed outside their "
                f"{'readiness band' if request.kind == 'readiness' else 'draft group'}."
            )

    # Groups, labelled in a kind-specific order.
    members_of: list[list[int]] = [[] for _ in range(g)]
    for u, k in enumerate(assign):
        members_of[k].extend(units[u].members)
    for lst in members_of:
        lst.sort()
    if request.kind == "readiness":
        members_of.sort(key=lambda m: (sum(ready[i] for i in m) / len(m), m[0]))
    else:
        members_of.sort(key=lambda m: m[0])
    groups = tuple(
        _describe(_label(k), f"Group {_label(k)}", m, ctx, request)
        for k, m in enumerate(members_of)
    )
    if together:
        chains = [_join([name[i] for i in m]) for m in unit_members if len(m) > 1]
        notes.append("Kept together as asked: " + "; ".join(chains) + ".")
    if apart:
        notes.append(
            "Kept apart as asked: " + "; ".join(f"{name[i]} and {name[j]}" for i, j in apart) + "."
        )
    return Grouping(
        kind=request.kind,
        objective_code=request.objective_code,
        groups=groups,
        notes=tuple(notes),
        names=dict(names.of),
    )


def _constraint_text(request: GroupingRequest, names: _Names) -> str:
    parts = [f"{names(a)} apart from {names(b)}" for a, b in request.keep_apart]
    parts += [f"{names(a)} with {names(b)}" for a, b in request.keep_together]
    return _join(parts) if parts else "the size bounds"


def _initial(
    kind: str,
    units: list[_Unit],
    sizes: list[int],
    g: int,
    lo: int,
    hi: int,
    n: int,
) -> tuple[list[int] | None, np.ndarray]:
    """The kind's own grouping (None if it cannot respect the sizes) and a
    (units x groups) cost of putting each unit in each group."""
    n_units = len(units)
    r = np.array([u.readiness for u in units])
    if kind == "readiness":
        order = sorted(range(n_units), key=lambda u: (units[u].readiness, units[u].members[0]))
        seg = _contiguous_cut(
            [sizes[u] for u in order], None, [units[u].readiness for u in order], g, lo, hi
        )
        init: list[int] | None = None
        if seg is not None:
            init = [0] * n_units
            for pos, u in enumerate(order):
                init[u] = seg[pos]
            members = _by_group(init, g)
            centre = np.array(
                [
                    np.average(r[members[k]], weights=[sizes[u] for u in members[k]])
                    for k in range(g)
                ]
            )
        else:  # equal-count bands of the sorted learners as centres
            flat = np.sort(np.repeat(r, sizes))
            centre = np.array([chunk.mean() for chunk in np.array_split(flat, g)])
        return init, np.abs(r[:, None] - centre[None, :])
    if kind == "heterogeneous":
        order = sorted(range(n_units), key=lambda u: (-units[u].readiness, units[u].members[0]))
        caps = _balanced_caps(n, g, lo, hi)
        tot = [0] * g
        init = [0] * n_units
        snake = list(range(g)) + list(range(g - 1, -1, -1))
        step = 0
        for u in order:
            for _ in range(2 * g):
                k = snake[step % (2 * g)]
                step += 1
                if tot[k] + sizes[u] <= caps[k]:
                    break
            else:
                k = min(range(g), key=lambda x: (tot[x], x))
            init[u] = k
            tot[k] += sizes[u]
        cost = np.ones((n_units, g))
        cost[np.arange(n_units), init] = 0.0
        return init, cost
    if kind == "interest":
        caps = _balanced_caps(n, g, lo, hi)
        themes = _themes(units, sizes, caps)
        cost = np.array(
            [
                [1.0 - (u.tags[t] / len(u.members) if t is not None else 0.0) for t in themes]
                for u in units
            ]
        )
        return _greedy(cost, sizes, caps), cost
    # profile
    order = sorted(range(n_units), key=lambda u: (units[u].profile, units[u].members[0]))
    bounds = [0.0]
    for a, b in zip(order, order[1:], strict=False):
        pa, pb = units[a].profile, units[b].profile
        bounds.append(
            float(sum(w for w, x, y in zip(_PROFILE_WEIGHTS, pa, pb, strict=True) if x != y))
        )
    seg = _contiguous_cut([sizes[u] for u in order], bounds, None, g, lo, hi)
    init = None
    if seg is not None:
        init = [0] * n_units
        for pos, u in enumerate(order):
            init[u] = seg[pos]
        members = _by_group(init, g)
        dominant = [
            Counter(units[u].profile for u in members[k]).most_common(1)[0][0] for k in range(g)
        ]
    else:
        common = Counter(u.profile for u in units).most_common()
        dominant = [common[k % len(common)][0] for k in range(g)]
    cost = _profile_distance([u.profile for u in units], dominant)
    return init, cost


def _by_group(assignment: Sequence[int], g: int) -> list[list[int]]:
    """The positions assigned to each of the g groups, in order."""
    out: list[list[int]] = [[] for _ in range(g)]
    for pos, k in enumerate(assignment):
        out[k].append(pos)
    return out


def _profile_distance(
    profiles: Sequence[tuple[str, ...]], dominant: Sequence[tuple[str, ...]]
) -> np.ndarray:
    """Share of the profile weight on which each profile differs from each
    group's dominant profile (rows: profiles, columns: groups)."""
    cost = np.zeros((len(profiles), len(dominant)))
    for f, weight in enumerate(_PROFILE_WEIGHTS):
        codes: dict[str, int] = {}
        mine = np.array([codes.setdefault(p[f], len(codes)) for p in profiles])
        theirs = np.array([codes.setdefault(d[f], len(codes)) for d in dominant])
        cost += weight * (mine[:, None] != theirs[None, :])
    return cost / sum(_PROFILE_WEIGHTS)


def _themes(units: list[_Unit], sizes: list[int], caps: list[int]) -> list[str | None]:
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


# -------------------------------------------------------------- explanations
def _describe(
    label: str,
    title: str,
    members: list[int],
    ctx: _Context,
    request: GroupingRequest,
) -> Group:
    """A group of learners (indices into ``ctx.ls``) and its explanation,
    which starts with ``title`` ("Group B: ...")."""
    ls = ctx.ls
    ids = tuple(ls[i].id for i in members)
    rs = [r for r in (ctx.ready_raw[i] for i in members) if r is not None]
    mean_r = sum(rs) / len(rs) if rs else None
    rng_r = (min(rs), max(rs)) if rs else None
    obj = request.objective_code or "today's objective"
    unassessed = [ctx.names(ls[i].id) for i in members if ctx.ready_raw[i] is None]
    tag_count = Counter(t for i in members for t in set(ls[i].interests))
    half = len(members) / 2
    shared = tuple(
        t
        for t, c in sorted(tag_count.items(), key=lambda x: (-x[1], x[0]))
        if c >= half and (c >= 2 or len(members) == 1)
    )
    # Profile: for each dimension, the preference most members stated
    # (among all they ticked), when more than half of them did.
    prof: dict[str, str] = {}
    held: dict[str, int] = {}
    for k in PROFILE_KEYS:
        seen_vals = Counter(v for i in members for v in ctx.prefs[i].get(k, ()))
        if seen_vals:
            # Ties: the order of PROFILE_PHRASES (the learner profile's order).
            rank = {p: r for r, p in enumerate(PROFILE_PHRASES[k])}
            v, times = min(
                seen_vals.items(), key=lambda x: (-x[1], rank.get(x[0], len(rank)), x[0])
            )
            if times > half:
                prof[k] = v
                held[k] = times
    n = len(members)
    count = f"{n} learner{'s' if n != 1 else ''}"
    weak: tuple[str, ...] = ()
    if request.kind == "readiness":
        pre_means: dict[str, float] = {}
        codes = sorted({c for i in members for c in ls[i].prerequisite_mastery})
        for code in codes:
            got = [
                float(ls[i].prerequisite_mastery[code])
                for i in members
                if code in ls[i].prerequisite_mastery
            ]
            pre_means[code] = sum(got) / len(got)
        weak = tuple(
            c for c in sorted(pre_means, key=lambda c: (pre_means[c], c)) if pre_means[c] < SECURE
        )
        objs = [m for m in (ls[i].objective_mastery for i in members) if m is not None]
        obj_mean = sum(objs) / len(objs) if objs else None
        statement = f" ({request.objective_statement})" if request.objective_statement else ""
        if not rs:
            text = NOT_ASSESSED_TEXT.format(obj=obj)
        elif all(placement(ls[i]) in (EXTENSION, NOT_ASSESSED) for i in members) and not weak:
            text = f"already shows mastery of {obj}{statement}: extension"
        elif weak:
            if len(weak) == 1:
                text = f"not yet secure on {weak[0]}, the prerequisite of today's objective"
            else:
                text = f"not yet secure on {_join(list(weak))}, prerequisites of today's objective"
            text += f" ({obj}); " + "; ".join(f"{c} averages {_f2(pre_means[c])}" for c in weak)
            # Means can hide a learner who is already secure (a teacher's
            # move, or a constraint repair): name them.
            ahead = [
                ctx.names(ls[i].id)
                for i in members
                if all(ls[i].prerequisite_mastery.get(c, 0.0) >= SECURE for c in weak)
            ]
            if ahead:
                verb = "is" if len(ahead) == 1 else "are"
                text += f"; {join_names(ahead)} {verb} already secure on {_join(list(weak))}"
        elif obj_mean is not None and obj_mean >= SECURE:
            text = f"secure on {obj} (mastery averages {_f2(obj_mean)}): ready to practise toward mastery"
        else:
            text = f"prerequisites secure: ready for the objective {obj}{statement}"
        if not weak and rs:
            # Means can hide a learner who is behind (a teacher's move, or a
            # constraint repair): name them, with what they are not yet
            # secure on (a prerequisite; or, in a group said to be secure on
            # the objective, the objective itself).
            on_objective = obj_mean is not None and obj_mean >= SECURE
            behind: list[tuple[str, list[str]]] = []
            for i in members:
                codes = sorted(c for c, v in ls[i].prerequisite_mastery.items() if v < SECURE)
                own = ls[i].objective_mastery
                if (on_objective and own is not None and own < SECURE) or (
                    not codes and placement(ls[i]) == STRUGGLE
                ):
                    codes.append(obj)
                if codes:
                    behind.append((ctx.names(ls[i].id), codes))
            if len(behind) == 1:
                text += f"; {behind[0][0]} is not yet secure on {_join(behind[0][1])}"
            elif behind:
                text += "; not yet secure: " + ", ".join(
                    f"{who} ({', '.join(codes)})" for who, codes in behind
                )
        if unassessed and rs:
            text += "; " + join_names(unassessed) + " " + NOT_ASSESSED_TEXT.format(obj=obj)
        ranged = f", readiness {_f2(rng_r[0])}-{_f2(rng_r[1])}" if rng_r else ""
        explanation = f"{title}: {text}. {count}{ranged}." + _evidence(members, ctx, obj)
    elif request.kind == "heterogeneous":
        if rng_r is not None and mean_r is not None:
            text = (
                f"mixed readiness, from {_f2(rng_r[0])} to {_f2(rng_r[1])} "
                f"(mean {_f2(mean_r)}), so learners further along can support the others on {obj}"
            )
        else:
            text = NOT_ASSESSED_TEXT.format(obj=obj)
        if unassessed and rs:
            text += "; " + join_names(unassessed) + " " + NOT_ASSESSED_TEXT.format(obj=obj)
        explanation = f"{title}: {text}. {count}." + _evidence(members, ctx, obj)
    elif request.kind == "interest":
        missing = [ctx.names(ls[i].id) for i in members if not ls[i].interests]
        if shared:
            held_tags = ", ".join(f"{t} ({tag_count[t]} of {n})" for t in shared[:3])
            text = f"shared interest in {held_tags}"
        elif tag_count:
            top = min(tag_count.items(), key=lambda x: (-x[1], x[0]))
            text = (
                f"no interest shared by most of the group; the most common is "
                f"{top[0]} ({top[1]} of {n})"
            )
        else:
            text = f"no interests stated yet by anyone in this group ({join_names(missing)})"
        if missing and tag_count:
            text += f"; no interests stated yet by {join_names(missing)}"
        explanation = f"{title}: {text}. {count}."
    else:
        missing = [ctx.names(ls[i].id) for i in members if not ctx.prefs[i]]
        parts = []
        for k in PROFILE_KEYS:
            if k in prof:
                v = prof[k]
                phrase = PROFILE_PHRASES[k].get(v) or _PROFILE_FALLBACK[k].format(value=v)
                parts.append(f"{phrase} ({held[k]} of {n})")
        if parts:
            text = f"most {_join(parts)}"
        elif len(missing) == n:
            text = f"no learning profile stated yet by anyone in this group ({join_names(missing)})"
        else:
            text = "mixed learning profiles"
        if missing and len(missing) < n:
            text += f"; no learning profile stated yet by {join_names(missing)}"
        explanation = f"{title}: {text}. {count}."
    return Group(
        label=label,
        members=ids,
        explanation=explanation,
        mean_readiness=mean_r,
        readiness_range=rng_r,
        weak_prerequisites=weak,
        shared_interests=shared,
        profile=prof,
    )


def _evidence(members: list[int], ctx: _Context, obj: str) -> str:
    """The evidence sentence of a group's explanation, one entry per member
    (answers and the newest answer's date), so each placement can be checked."""
    return " Evidence: " + "; ".join(evidence_text(ctx.ls[i], obj) for i in members) + "."


def describe_groups(
    learners: Sequence[LearnerFeatures],
    request: GroupingRequest,
    groups: Sequence[tuple[str, Sequence[str]]],
) -> tuple[Group, ...]:
    """Explain groups formed elsewhere -- e.g. after a teacher moved learners
    or renamed a group -- in the words :func:`form_groups` uses for
    ``request.kind``. ``groups`` are (name, learner ids); each explanation
    starts with the name as given ("Ratio crew: ..."), and each Group's
    ``label`` is that name. Learners missing from ``learners`` raise
    :class:`GroupingConstraintError`; an empty group is described as empty.
    Learners with no evidence are flagged as not yet assessed, as in
    :func:`form_groups`."""
    if request.kind not in KINDS:
        raise GroupingConstraintError(BAD_KIND.format(kind=request.kind))
    ls = sorted(learners, key=lambda x: x.id)
    index = {ln.id: i for i, ln in enumerate(ls)}
    ctx = _Context.of(ls, _Names(ls))
    out = []
    for title, ids in groups:
        for lid in ids:
            if lid not in index:
                raise GroupingConstraintError(UNKNOWN_GROUP_MEMBER.format(group=title, id=lid))
        members = sorted(index[lid] for lid in set(ids))
        if not members:
            out.append(Group(label=title, members=(), explanation=f"{title}: no learners."))
            continue
        out.append(_describe(title, title, members, ctx, request))
    return tuple(out)


def match_groups(
    old: Sequence[Collection[str]], new: Sequence[Collection[str]]
) -> list[int | None]:
    """Which old group each new group continues: the matching of new to old
    groups (each old group used at most once) with the most learners in
    common, by an optimal (Hungarian) assignment; ties keep the same
    position. A new group continues its match only if they share at least
    half of the smaller group's learners; otherwise (or unmatched) it
    continues nothing (None): it is a new group. Used to keep a group's name
    and plan when the class is regrouped, whatever the groups are called."""
    if not old or not new:
        return [None] * len(new)
    old_sets = [set(o) for o in old]
    overlap = np.array([[len(set(nw) & o) for o in old_sets] for nw in new], dtype=float)
    same_place = np.array(
        [[0.0 if j == i else 1.0 for i in range(len(old_sets))] for j in range(len(new))]
    )
    # Overlap dominates; among equal overlaps, staying in place is preferred.
    cost = -overlap * (len(new) + len(old_sets) + 1) + same_place
    rows, cols = linear_sum_assignment(cost)
    out: list[int | None] = [None] * len(new)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        smaller = min(len(set(new[r])), len(old_sets[c]))
        if overlap[r, c] > 0 and 2 * overlap[r, c] >= smaller:
            out[r] = int(c)
    return out


# ---------------------------------------------------------------- regrouping
def change_reasons(
    before: Sequence[LearnerFeatures],
    after: Sequence[LearnerFeatures],
    objective_code: str = "",
) -> dict[str, str]:
    """Why each learner's features changed, in words (for
    :func:`compare_groupings`): e.g. ``mastery of 6.RP.3 rose from 0.42 to
    0.81``. Only changes of at least 0.05 are mentioned."""
    old = {ln.id: ln for ln in before}
    out: dict[str, str] = {}
    obj = objective_code or "the objective"
    for ln in sorted(after, key=lambda x: x.id):
        prev = old.get(ln.id)
        if prev is None:
            continue
        parts = []
        a, b = prev.objective_mastery, ln.objective_mastery
        if a is not None and b is not None and abs(b - a) >= 0.05:
            parts.append(
                f"mastery of {obj} {'rose' if b > a else 'fell'} from {_f2(a)} to {_f2(b)}"
            )
        elif a is None and b is not None:
            parts.append(f"first evidence on {obj}: mastery {_f2(b)}")
        for code in sorted(set(prev.prerequisite_mastery) & set(ln.prerequisite_mastery)):
            x, y = float(prev.prerequisite_mastery[code]), float(ln.prerequisite_mastery[code])
            if abs(y - x) >= 0.05:
                parts.append(
                    f"mastery of {code} {'rose' if y > x else 'fell'} from {_f2(x)} to {_f2(y)}"
                )
        if set(prev.interests) != set(ln.interests):
            parts.append("stated interests changed")
        if preferences(prev) != preferences(ln):
            parts.append("learning profile changed")
        if parts:
            out[ln.id] = "; ".join(parts)
    return out


def compare_groupings(
    old: Mapping[str, str],
    new: Grouping,
    reasons: Mapping[str, str] | None = None,
) -> list[Move]:
    """Who moved from which group to which and why. ``old`` maps learner id
    to the old label; ``reasons`` (e.g. from :func:`change_reasons`) maps
    learner id to why. Learners whose label is unchanged are left out.
    Sorted by learner id."""
    reasons = reasons or {}
    now = new.label_of()
    moves = []
    for lid in sorted(set(old) | set(now)):
        a, b = old.get(lid), now.get(lid)
        if a == b:
            continue
        reason = reasons.get(lid, "")
        if not reason:
            if a is None:
                reason = "new to the grouping"
            elif b is None:
                reason = "not in the new grouping"
            else:
                reason = NO_CHANGE_REASON
        moves.append(Move(lid, new.names.get(lid, lid), a, b, reason))
    return moves
