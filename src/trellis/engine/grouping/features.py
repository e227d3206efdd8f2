"""What the grouping engine reads from each learner: readiness, placement,
the evidence in words, the stated and resolved learning profile, and the
per-learner context the kinds and the explanations share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trellis.engine.grouping.phrases import Part, part, say
from trellis.engine.grouping.types import (
    EXTENSION,
    MASTERY,
    NOT_ASSESSED,
    OBJECTIVE_WEIGHT,
    ON_TRACK,
    PROFILE_KEYS,
    SECURE,
    STRUGGLE,
    UNASSESSED_READINESS,
    LearnerFeatures,
)
from trellis.engine.levels import FAMILIAR, MIN_ATTEMPTS_MASTERED


def readiness(learner: LearnerFeatures) -> float | None:
    """``OBJECTIVE_WEIGHT`` x objective mastery + the rest x the mean of the
    prerequisite mastery; None with no evidence at all.

    With prerequisite evidence but none on the objective, the objective
    counts as 0: it is not started, as every page shows it. Counting the
    prerequisites alone ranked such a learner above those who had shown
    the objective, into the band "already shows mastery" that "Before the
    lesson" (the same :func:`placement`) puts them out of. With evidence on
    the objective and none on its prerequisites, the objective alone."""
    pre = [float(v) for v in learner.prerequisite_mastery.values()]
    pre_mean = sum(pre) / len(pre) if pre else None
    obj = learner.objective_mastery
    if obj is None:
        return None if pre_mean is None else (1.0 - OBJECTIVE_WEIGHT) * pre_mean
    if pre_mean is None:
        return float(obj)
    return OBJECTIVE_WEIGHT * float(obj) + (1.0 - OBJECTIVE_WEIGHT) * pre_mean


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


def evidence_part(learner: LearnerFeatures, obj: str | Part) -> Part:
    """The evidence behind a learner's placement, as a phrase (see
    :func:`evidence_text`)."""
    if readiness(learner) is None:
        return part("no_answers", name=learner.display)
    own = learner.objective_answers or 0
    said = part("answers_one" if own == 1 else "answers", name=learner.display, n=str(own), obj=obj)
    if learner.prerequisite_answers:
        said = part("and_prerequisites", text=said, n=str(learner.prerequisite_answers))
    if learner.last_answer:
        said = part("newest", text=said, date=learner.last_answer)
    return said


def evidence_text(learner: LearnerFeatures, objective_code: str = "") -> str:
    """The evidence behind a learner's placement, in words: "Ana: 6 answers
    on 6.RP.3 and 4 on its prerequisites, newest 2026-12-03"."""
    return say(evidence_part(learner, objective_code or part("the_objective")))


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


class Names:
    """Learner id -> the name explanations use (the name, with the id when
    two learners share it)."""

    def __init__(self, learners: Sequence[LearnerFeatures]) -> None:
        counts = Counter(ln.display for ln in learners)
        self.of = {
            ln.id: (ln.display if counts[ln.display] == 1 else f"{ln.display} ({ln.id})")
            for ln in learners
        }

    def __call__(self, lid: str) -> str:
        return self.of.get(lid, lid)


@dataclass
class Unit:
    """What is placed in a group: one learner, or a keep-together block."""

    members: list[int]  # learner indices (sorted by id)
    readiness: float
    tags: Counter[str]
    profile: tuple[str, ...]


def profile_key(resolved: Mapping[str, str]) -> tuple[str, ...]:
    # "~" sorts after letters: learners with no stated preference come last.
    return tuple(resolved.get(k, "~") for k in PROFILE_KEYS)


@dataclass
class Context:
    """Per-learner features the kinds and the explanations use, for learners
    sorted by id."""

    ls: list[LearnerFeatures]
    names: Names
    ready_raw: list[float | None]
    ready: list[float]  # unknown readiness: UNASSESSED_READINESS
    prefs: list[dict[str, tuple[str, ...]]]  # all stated preferences
    resolved: list[dict[str, str]]  # one per dimension (resolve_profiles)

    @classmethod
    def of(cls, ls: list[LearnerFeatures], names: Names) -> Context:
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
