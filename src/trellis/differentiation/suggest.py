"""Suggesting groups: the one place the differentiation app talks to the
grouping engine (``trellis.engine.grouping``). Trellis supplies each
learner's features — mastery of the lesson's objective and of its direct
prerequisites, and (when the learner has filled in a profile) interests and
learning profile — and the engine forms the groups and explains them. A
suggestion is not saved: the teacher edits it and saves it
(``services.grouping_save``); a regroup saves a revision with the engine's
reasons for each move (``compare_groupings``/``change_reasons``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from trellis.curriculum.models import Competency
from trellis.differentiation import models as m
from trellis.differentiation import selectors, services
from trellis.engine import grouping as engine
from trellis.people.models import SchoolClass, User
from trellis.people.selectors import roster_of

NEEDS_SIZE = "Give a number of groups, or a smallest and largest group size."


@dataclass
class SuggestedGroup:
    label: str
    explanation: str
    learners: list[User]

    def draft(self) -> services.GroupDraft:
        return services.GroupDraft(self.label, [u.pk for u in self.learners], self.explanation)


@dataclass
class Suggestion:
    school_class: SchoolClass
    objective: Competency
    kind: str
    constraints: dict
    groups: list[SuggestedGroup]
    features: dict[str, dict]
    notes: list[str] = field(default_factory=list)
    engine_result: engine.Grouping | None = None


def _profiles(learner_ids: list[int]) -> dict[int, tuple[tuple[str, ...], dict[str, str]]]:
    """Interests and learning profile from the personalization app's learner
    profiles, when that app is installed (first choice of each list)."""
    try:
        profile_model = apps.get_model("personalization", "LearnerProfile")
    except LookupError:
        return {}
    out = {}
    for p in profile_model.objects.filter(learner_id__in=learner_ids):
        tags = tuple(
            sorted({str(t).strip().lower() for t in p.interest_tags or [] if str(t).strip()})
        )
        profile = {
            k: str(v[0]) for k in ("take_in", "express", "engage") if (v := getattr(p, k, None))
        }
        out[p.learner_id] = (tags, profile)
    return out


def learner_features(learners: list[User], objective: Competency) -> list[engine.LearnerFeatures]:
    readiness = selectors.readiness_for(learners, objective)
    profiles = _profiles([u.pk for u in learners])
    out = []
    for r in readiness:
        tags, profile = profiles.get(r.learner.pk, ((), {}))
        out.append(
            engine.LearnerFeatures(
                id=str(r.learner.pk),
                name=str(r.learner),
                objective_mastery=r.objective.percent / 100 if r.objective.attempts else None,
                prerequisite_mastery={
                    e.competency.label: e.percent / 100 for e in r.prerequisites if e.attempts
                },
                interests=tags,
                profile=profile,
            )
        )
    return out


def _snapshot(features: list[engine.LearnerFeatures]) -> dict[str, dict]:
    return {
        f.id: {
            "objective": f.objective_mastery,
            "prerequisites": dict(f.prerequisite_mastery),
            "interests": list(f.interests),
            "profile": dict(f.profile),
        }
        for f in features
    }


def features_snapshot(learners: list[User], objective: Competency) -> dict[str, dict]:
    """What the learners are grouped on now, kept with a saved grouping."""
    return _snapshot(learner_features(learners, objective))


def _from_snapshot(snapshot: Mapping[str, Mapping]) -> list[engine.LearnerFeatures]:
    return [
        engine.LearnerFeatures(
            id=lid,
            objective_mastery=row.get("objective"),
            prerequisite_mastery=dict(row.get("prerequisites") or {}),
            interests=tuple(row.get("interests") or ()),
            profile=dict(row.get("profile") or {}),
        )
        for lid, row in snapshot.items()
    ]


def suggest(
    *, school_class: SchoolClass, objective: Competency, kind: str, constraints: Mapping | None
) -> Suggestion:
    """Groups for this class and objective from current mastery. Constraints
    that cannot be met raise ValidationError with the engine's message,
    which names the conflict."""
    if kind not in dict(m.KINDS):
        raise ValidationError(
            services.UNKNOWN_KIND.format(kind=kind, choices=", ".join(k for k, _ in m.KINDS))
        )
    services.check_objective(school_class, objective)
    learners = list(roster_of(school_class))
    if not learners:
        raise ValidationError(services.EMPTY_ROSTER.format(school_class=school_class))
    constraints = services.normalise_constraints(constraints)
    if not any(k in constraints for k in ("n_groups", "min_size", "max_size")):
        raise ValidationError(NEEDS_SIZE)
    features = learner_features(learners, objective)
    request = engine.GroupingRequest(
        kind=kind,
        objective_code=objective.label,
        objective_statement=objective.statement,
        n_groups=constraints.get("n_groups"),
        min_size=constraints.get("min_size"),
        max_size=constraints.get("max_size"),
        keep_apart=[(str(x), str(y)) for x, y in constraints.get("keep_apart", [])],
        keep_together=[(str(x), str(y)) for x, y in constraints.get("keep_together", [])],
    )
    try:
        result = engine.form_groups(features, request)
    except engine.GroupingConstraintError as exc:
        raise ValidationError(str(exc)) from None
    by_id = {str(u.pk): u for u in learners}
    groups = [
        SuggestedGroup(
            label=f"Group {g.label}",
            explanation=g.explanation,
            learners=sorted(
                (by_id[i] for i in g.members), key=lambda u: (u.last_name, u.first_name, u.username)
            ),
        )
        for g in result.groups
    ]
    return Suggestion(
        school_class,
        objective,
        kind,
        constraints,
        groups,
        _snapshot(features),
        list(result.notes),
        result,
    )


@transaction.atomic
def grouping_regroup(*, grouping: m.Grouping, created_by: User, note: str = "") -> m.Grouping:
    """Regroup after a formative check: a new suggestion from current mastery
    with the same kind and constraints, saved as a revision. Each learner who
    changed group gets the engine's reason (what changed in their evidence)."""
    constraints = dict(grouping.constraints)
    if not any(k in constraints for k in ("n_groups", "min_size", "max_size")):
        constraints["n_groups"] = grouping.groups.count()  # as many groups as before
    suggestion = suggest(
        school_class=grouping.school_class,
        objective=grouping.objective,
        kind=grouping.kind,
        constraints=constraints,
    )
    old = {str(k): v.removeprefix("Group ") for k, v in services.previous_labels(grouping).items()}
    why = engine.change_reasons(
        _from_snapshot(grouping.features),
        _from_snapshot(suggestion.features),
        grouping.objective.label,
    )
    assert suggestion.engine_result is not None
    moves = engine.compare_groupings(old, suggestion.engine_result, why)
    return services.grouping_save(
        school_class=grouping.school_class,
        objective=grouping.objective,
        kind=grouping.kind,
        groups=[g.draft() for g in suggestion.groups],
        constraints=suggestion.constraints,
        created_by=created_by,
        based_on=grouping,
        note=note or "Regrouped from current mastery",
        reasons={int(mv.learner_id): mv.reason for mv in moves},
        features=suggestion.features,
        notes=suggestion.notes,
    )
