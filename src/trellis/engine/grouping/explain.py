"""Explaining a group in words a teacher reads: what its members share
(readiness, interests or profile), who stands apart from that, how many
they are, and the evidence behind each placement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from trellis.engine.grouping.features import Context, Names, evidence_text, placement
from trellis.engine.grouping.text import f2, join_names, join_words
from trellis.engine.grouping.types import (
    BAD_KIND,
    EXTENSION,
    KINDS,
    NOT_ASSESSED,
    NOT_ASSESSED_TEXT,
    PROFILE_FALLBACK,
    PROFILE_KEYS,
    PROFILE_PHRASES,
    SECURE,
    STRUGGLE,
    UNKNOWN_GROUP_MEMBER,
    Group,
    GroupingConstraintError,
    GroupingRequest,
    LearnerFeatures,
)


@dataclass
class _Facts:
    """What the explanation of one group draws on."""

    members: list[int]  # indices into ctx.ls
    ctx: Context
    request: GroupingRequest
    obj: str  # the objective's code, or "today's objective"
    rs: list[float]  # the known readiness of the members
    unassessed: list[str]  # names of the members with no evidence
    tag_count: Counter[str]
    shared: tuple[str, ...]
    prof: dict[str, str]
    held: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def ls(self) -> list[LearnerFeatures]:
        return self.ctx.ls


def _shared_tags(members: list[int], ctx: Context) -> tuple[Counter[str], tuple[str, ...]]:
    """Interest tags counted over the members, and those at least half of
    them share (and at least two, unless the group is one learner)."""
    tag_count = Counter(t for i in members for t in set(ctx.ls[i].interests))
    half = len(members) / 2
    shared = tuple(
        t
        for t, c in sorted(tag_count.items(), key=lambda x: (-x[1], x[0]))
        if c >= half and (c >= 2 or len(members) == 1)
    )
    return tag_count, shared


def _shared_profile(members: list[int], ctx: Context) -> tuple[dict[str, str], dict[str, int]]:
    """For each dimension, the preference most members stated (among all they
    ticked), when more than half of them did; and how many did."""
    half = len(members) / 2
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
    return prof, held


def _facts(members: list[int], ctx: Context, request: GroupingRequest) -> _Facts:
    rs = [r for r in (ctx.ready_raw[i] for i in members) if r is not None]
    tag_count, shared = _shared_tags(members, ctx)
    prof, held = _shared_profile(members, ctx)
    return _Facts(
        members=members,
        ctx=ctx,
        request=request,
        obj=request.objective_code or "today's objective",
        rs=rs,
        unassessed=[ctx.names(ctx.ls[i].id) for i in members if ctx.ready_raw[i] is None],
        tag_count=tag_count,
        shared=shared,
        prof=prof,
        held=held,
    )


def _weak_prerequisites(f: _Facts) -> tuple[tuple[str, ...], dict[str, float]]:
    """The prerequisites whose mean over the members (who have evidence on
    them) is below ``SECURE``, weakest first; and every prerequisite's mean."""
    ls = f.ls
    pre_means: dict[str, float] = {}
    for code in sorted({c for i in f.members for c in ls[i].prerequisite_mastery}):
        got = [
            float(ls[i].prerequisite_mastery[code])
            for i in f.members
            if code in ls[i].prerequisite_mastery
        ]
        pre_means[code] = sum(got) / len(got)
    weak = tuple(
        c for c in sorted(pre_means, key=lambda c: (pre_means[c], c)) if pre_means[c] < SECURE
    )
    return weak, pre_means


def _weak_text(f: _Facts, weak: tuple[str, ...], pre_means: dict[str, float]) -> str:
    """A band not yet secure on prerequisites, naming any member who is."""
    ls = f.ls
    if len(weak) == 1:
        text = f"not yet secure on {weak[0]}, the prerequisite of today's objective"
    else:
        text = f"not yet secure on {join_words(list(weak))}, prerequisites of today's objective"
    text += f" ({f.obj}); " + "; ".join(f"{c} averages {f2(pre_means[c])}" for c in weak)
    # Means can hide a learner who is already secure (a teacher's move, or
    # a constraint repair): name them.
    ahead = [
        f.ctx.names(ls[i].id)
        for i in f.members
        if all(ls[i].prerequisite_mastery.get(c, 0.0) >= SECURE for c in weak)
    ]
    if ahead:
        verb = "is" if len(ahead) == 1 else "are"
        text += f"; {join_names(ahead)} {verb} already secure on {join_words(list(weak))}"
    return text


def _behind_text(f: _Facts, obj_mean: float | None) -> str:
    """Means can hide a learner who is behind (a teacher's move, or a
    constraint repair): name them, with what they are not yet secure on (a
    prerequisite; or, in a group said to be secure on the objective, the
    objective itself). Empty when no one is."""
    ls = f.ls
    on_objective = obj_mean is not None and obj_mean >= SECURE
    behind: list[tuple[str, list[str]]] = []
    for i in f.members:
        codes = sorted(c for c, v in ls[i].prerequisite_mastery.items() if v < SECURE)
        own = ls[i].objective_mastery
        if (on_objective and own is not None and own < SECURE) or (
            not codes and placement(ls[i]) == STRUGGLE
        ):
            codes.append(f.obj)
        if codes:
            behind.append((f.ctx.names(ls[i].id), codes))
    if len(behind) == 1:
        return f"; {behind[0][0]} is not yet secure on {join_words(behind[0][1])}"
    if behind:
        return "; not yet secure: " + ", ".join(
            f"{who} ({', '.join(codes)})" for who, codes in behind
        )
    return ""


def _readiness_text(f: _Facts) -> tuple[str, tuple[str, ...]]:
    """The readiness band's explanation (before the count) and its weak
    prerequisites."""
    ls, obj = f.ls, f.obj
    weak, pre_means = _weak_prerequisites(f)
    objs = [m for m in (ls[i].objective_mastery for i in f.members) if m is not None]
    obj_mean = sum(objs) / len(objs) if objs else None
    statement = f" ({f.request.objective_statement})" if f.request.objective_statement else ""
    if not f.rs:
        text = NOT_ASSESSED_TEXT.format(obj=obj)
    elif all(placement(ls[i]) in (EXTENSION, NOT_ASSESSED) for i in f.members) and not weak:
        text = f"already shows mastery of {obj}{statement}: extension"
    elif weak:
        text = _weak_text(f, weak, pre_means)
    elif obj_mean is not None and obj_mean >= SECURE:
        text = (
            f"secure on {obj} (mastery averages {f2(obj_mean)}): ready to practise toward mastery"
        )
    else:
        text = f"prerequisites secure: ready for the objective {obj}{statement}"
    if not weak and f.rs:
        text += _behind_text(f, obj_mean)
    if f.unassessed and f.rs:
        text += "; " + join_names(f.unassessed) + " " + NOT_ASSESSED_TEXT.format(obj=obj)
    return text, weak


def _heterogeneous_text(f: _Facts) -> str:
    if f.rs:
        lo, hi, mean = min(f.rs), max(f.rs), sum(f.rs) / len(f.rs)
        text = (
            f"mixed readiness, from {f2(lo)} to {f2(hi)} "
            f"(mean {f2(mean)}), so learners further along can support the others on {f.obj}"
        )
    else:
        text = NOT_ASSESSED_TEXT.format(obj=f.obj)
    if f.unassessed and f.rs:
        text += "; " + join_names(f.unassessed) + " " + NOT_ASSESSED_TEXT.format(obj=f.obj)
    return text


def _interest_text(f: _Facts) -> str:
    ls, n, tag_count = f.ls, f.n, f.tag_count
    missing = [f.ctx.names(ls[i].id) for i in f.members if not ls[i].interests]
    if f.shared:
        held_tags = ", ".join(f"{t} ({tag_count[t]} of {n})" for t in f.shared[:3])
        text = f"shared interest in {held_tags}"
    elif tag_count:
        top = min(tag_count.items(), key=lambda x: (-x[1], x[0]))
        text = f"no interest shared by most of the group; the most common is {top[0]} ({top[1]} of {n})"
    else:
        text = f"no interests stated yet by anyone in this group ({join_names(missing)})"
    if missing and tag_count:
        text += f"; no interests stated yet by {join_names(missing)}"
    return text


def _profile_text(f: _Facts) -> str:
    n = f.n
    missing = [f.ctx.names(f.ls[i].id) for i in f.members if not f.ctx.prefs[i]]
    parts = []
    for k in PROFILE_KEYS:
        if k in f.prof:
            v = f.prof[k]
            phrase = PROFILE_PHRASES[k].get(v) or PROFILE_FALLBACK[k].format(value=v)
            parts.append(f"{phrase} ({f.held[k]} of {n})")
    if parts:
        text = f"most {join_words(parts)}"
    elif len(missing) == n:
        text = f"no learning profile stated yet by anyone in this group ({join_names(missing)})"
    else:
        text = "mixed learning profiles"
    if missing and len(missing) < n:
        text += f"; no learning profile stated yet by {join_names(missing)}"
    return text


def describe(
    label: str,
    title: str,
    members: list[int],
    ctx: Context,
    request: GroupingRequest,
) -> Group:
    """A group of learners (indices into ``ctx.ls``) and its explanation,
    which starts with ``title`` ("Group B: ...")."""
    f = _facts(members, ctx, request)
    n = f.n
    count = f"{n} learner{'s' if n != 1 else ''}"
    weak: tuple[str, ...] = ()
    rng = (min(f.rs), max(f.rs)) if f.rs else None
    if request.kind == "readiness":
        text, weak = _readiness_text(f)
        ranged = f", readiness {f2(rng[0])}-{f2(rng[1])}" if rng else ""
        explanation = f"{title}: {text}. {count}{ranged}." + _evidence(members, ctx, f.obj)
    elif request.kind == "heterogeneous":
        explanation = f"{title}: {_heterogeneous_text(f)}. {count}." + _evidence(
            members, ctx, f.obj
        )
    elif request.kind == "interest":
        explanation = f"{title}: {_interest_text(f)}. {count}."
    else:
        explanation = f"{title}: {_profile_text(f)}. {count}."
    return Group(
        label=label,
        members=tuple(ctx.ls[i].id for i in members),
        explanation=explanation,
        mean_readiness=sum(f.rs) / len(f.rs) if f.rs else None,
        readiness_range=rng,
        weak_prerequisites=weak,
        shared_interests=f.shared,
        profile=f.prof,
    )


def _evidence(members: list[int], ctx: Context, obj: str) -> str:
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
    ctx = Context.of(ls, Names(ls))
    out = []
    for title, ids in groups:
        for lid in ids:
            if lid not in index:
                raise GroupingConstraintError(UNKNOWN_GROUP_MEMBER.format(group=title, id=lid))
        members = sorted(index[lid] for lid in set(ids))
        if not members:
            out.append(Group(label=title, members=(), explanation=f"{title}: no learners."))
            continue
        out.append(describe(title, title, members, ctx, request))
    return tuple(out)
