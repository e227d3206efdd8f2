"""Explaining a group in words a teacher reads: what its members share
(readiness, interests or profile), who stands apart from that, how many
they are, and the evidence behind each placement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trellis.engine.grouping.features import Context, Names, evidence_part, placement
from trellis.engine.grouping.phrases import Part, names, part, profile_phrase_key, say, seq
from trellis.engine.grouping.text import f2
from trellis.engine.grouping.types import (
    BAD_KIND,
    EXTENSION,
    KINDS,
    NOT_ASSESSED,
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
    obj: str | Part  # the objective's code, or "today's objective"
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
        obj=request.objective_code or part("today_objective"),
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


BIG = 10**9  # a list said in full ("a, b and c"), never "and N others"


def _weak_text(f: _Facts, weak: tuple[str, ...], pre_means: dict[str, float]) -> Part:
    """A band not yet secure on prerequisites, naming any member who is."""
    ls = f.ls
    if len(weak) == 1:
        head = part("weak_one", codes=weak[0], obj=f.obj)
    else:
        head = part("weak_many", codes=names(list(weak), BIG), obj=f.obj)
    items: list[Any] = [head] + [part("averages", code=c, value=f2(pre_means[c])) for c in weak]
    # Means can hide a learner who is already secure (a teacher's move, or
    # a constraint repair): name them.
    ahead = [
        f.ctx.names(ls[i].id)
        for i in f.members
        if all(ls[i].prerequisite_mastery.get(c, 0.0) >= SECURE for c in weak)
    ]
    if ahead:
        key = "ahead_one" if len(ahead) == 1 else "ahead_many"
        items.append(part(key, names=names(ahead), codes=names(list(weak), BIG)))
    return seq(items, "; ")


def _behind(f: _Facts, obj_mean: float | None) -> list[Part]:
    """Means can hide a learner who is behind (a teacher's move, or a
    constraint repair): name them, with what they are not yet secure on (a
    prerequisite; or, in a group said to be secure on the objective, the
    objective itself, which includes a member with no answers on it yet).
    Empty when no one is."""
    ls = f.ls
    on_objective = obj_mean is not None and obj_mean >= SECURE
    behind: list[tuple[str, list[Any]]] = []
    for i in f.members:
        codes: list[Any] = sorted(c for c, v in ls[i].prerequisite_mastery.items() if v < SECURE)
        own = ls[i].objective_mastery
        if (on_objective and (own is None or own < SECURE)) or (
            not codes and placement(ls[i]) == STRUGGLE
        ):
            codes.append(f.obj)
        if codes:
            behind.append((f.ctx.names(ls[i].id), codes))
    if len(behind) == 1:
        return [part("behind_one", name=behind[0][0], codes=names(behind[0][1], BIG))]
    if behind:
        items = [part("behind_item", name=who, codes=seq(codes, ", ")) for who, codes in behind]
        return [part("behind_many", items=seq(items, ", "))]
    return []


def _readiness_text(f: _Facts) -> tuple[Part, tuple[str, ...]]:
    """The readiness band's explanation (before the count) and its weak
    prerequisites."""
    ls, obj = f.ls, f.obj
    weak, pre_means = _weak_prerequisites(f)
    objs = [m for m in (ls[i].objective_mastery for i in f.members) if m is not None]
    obj_mean = sum(objs) / len(objs) if objs else None
    statement = f.request.objective_statement
    if not f.rs:
        head = part("not_assessed", obj=obj)
    elif all(placement(ls[i]) in (EXTENSION, NOT_ASSESSED) for i in f.members) and not weak:
        head = (
            part("extension_statement", obj=obj, statement=statement)
            if statement
            else part("extension", obj=obj)
        )
    elif weak:
        head = _weak_text(f, weak, pre_means)
    elif obj_mean is not None and obj_mean >= SECURE:
        head = part("secure", obj=obj, mean=f2(obj_mean))
    else:
        head = (
            part("ready_statement", obj=obj, statement=statement)
            if statement
            else part("ready", obj=obj)
        )
    items = [head]
    if not weak and f.rs:
        items += _behind(f, obj_mean)
    if f.unassessed and f.rs:
        items.append(part("also_not_assessed", names=names(f.unassessed), obj=obj))
    return seq(items, "; "), weak


def _heterogeneous_text(f: _Facts) -> Part:
    if f.rs:
        lo, hi, mean = min(f.rs), max(f.rs), sum(f.rs) / len(f.rs)
        items = [part("mixed", low=f2(lo), high=f2(hi), mean=f2(mean), obj=f.obj)]
    else:
        items = [part("not_assessed", obj=f.obj)]
    if f.unassessed and f.rs:
        items.append(part("also_not_assessed", names=names(f.unassessed), obj=f.obj))
    return seq(items, "; ")


def _interest_text(f: _Facts) -> Part:
    ls, n, tag_count = f.ls, f.n, f.tag_count
    missing = [f.ctx.names(ls[i].id) for i in f.members if not ls[i].interests]
    if f.shared:
        held = [part("tag_count", tag=t, count=str(tag_count[t]), n=str(n)) for t in f.shared[:3]]
        head = part("shared_interest", items=seq(held, ", "))
    elif tag_count:
        top = min(tag_count.items(), key=lambda x: (-x[1], x[0]))
        head = part("no_shared_interest", tag=top[0], count=str(top[1]), n=str(n))
    else:
        head = part("no_interests_anyone", names=names(missing))
    items = [head]
    if missing and tag_count:
        items.append(part("no_interests_some", names=names(missing)))
    return seq(items, "; ")


def _profile_phrase(k: str, v: str) -> Part:
    if v in PROFILE_PHRASES[k]:
        return part(profile_phrase_key(k, v))
    return part(f"{k}_other", value=v)


def _profile_text(f: _Facts) -> Part:
    n = f.n
    missing = [f.ctx.names(f.ls[i].id) for i in f.members if not f.ctx.prefs[i]]
    held = [
        part("held", phrase=_profile_phrase(k, f.prof[k]), count=str(f.held[k]), n=str(n))
        for k in PROFILE_KEYS
        if k in f.prof
    ]
    if held:
        head = part("most", items=names(held, BIG))
    elif len(missing) == n:
        head = part("no_profile_anyone", names=names(missing))
    else:
        head = part("mixed_profiles")
    items = [head]
    if missing and len(missing) < n:
        items.append(part("no_profile_some", names=names(missing)))
    return seq(items, "; ")


def _count(n: int) -> Part:
    return part("one_learner" if n == 1 else "learners", n=str(n))


def describe(
    label: str,
    title: str | Part,
    members: list[int],
    ctx: Context,
    request: GroupingRequest,
) -> Group:
    """A group of learners (indices into ``ctx.ls``) and its explanation,
    which starts with ``title`` ("Group B: ..."): text, or a part."""
    f = _facts(members, ctx, request)
    count = _count(f.n)
    weak: tuple[str, ...] = ()
    rng = (min(f.rs), max(f.rs)) if f.rs else None
    evidence = True
    if request.kind == "readiness":
        text, weak = _readiness_text(f)
        if rng:
            count = part("count_range", count=count, low=f2(rng[0]), high=f2(rng[1]))
    elif request.kind == "heterogeneous":
        text = _heterogeneous_text(f)
    else:
        text = _interest_text(f) if request.kind == "interest" else _profile_text(f)
        evidence = False
    said = part("title", title=title, text=part("sentence", text=seq([text, count], ". ")))
    if evidence:
        said = seq([said, _evidence(members, ctx, f.obj)], " ")
    return Group(
        label=label,
        members=tuple(ctx.ls[i].id for i in members),
        explanation=say(said),
        mean_readiness=sum(f.rs) / len(f.rs) if f.rs else None,
        readiness_range=rng,
        weak_prerequisites=weak,
        shared_interests=f.shared,
        profile=f.prof,
        phrase=said,
    )


def _evidence(members: list[int], ctx: Context, obj: str | Part) -> Part:
    """The evidence sentence of a group's explanation, one entry per member
    (answers and the newest answer's date), so each placement can be checked."""
    return part("evidence", items=seq([evidence_part(ctx.ls[i], obj) for i in members], "; "))


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
            said = part("no_learners", title=title)
            out.append(Group(label=title, members=(), explanation=say(said), phrase=said))
            continue
        out.append(describe(title, title, members, ctx, request))
    return tuple(out)
