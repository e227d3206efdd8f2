"""Suggesting groups: the one place the differentiation app talks to the
grouping engine (``trellis.engine.grouping``). Trellis supplies each
learner's features — mastery of the lesson's objective and of its direct
prerequisites, and (when the learner has filled in a profile) interests and
learning profile — and the engine forms the groups and explains them. A
suggestion is not saved: the teacher edits it and saves it
(``services.grouping_save``), and the engine explains again each group the
teacher changed (``refresh_explanations``); a regroup saves a revision whose
groups continue the earlier ones they share most learners with
(``match_groups``), with the engine's reasons for each move
(``change_reasons``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from trellis.differentiation import selectors, services, words
from trellis.differentiation.models import INTEREST, KINDS, PROFILE, Grouping
from trellis.engine import grouping as engine
from trellis.engine.grouping import retitle
from trellis.engine.grouping.phrases import names as phrase_names
from trellis.engine.grouping.phrases import part
from trellis.people.selectors import people_with_ids, roster_of

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency

NEEDS_SIZE = gettext_lazy("Give a number of groups, or a smallest and largest group size.")


@dataclass
class SuggestedGroup:
    label: str
    explanation: str
    learners: list[User]
    #: The explanation as the engine's phrase (``words``).
    phrase: Any = None

    def draft(self) -> services.GroupDraft:
        return services.GroupDraft(
            self.label, [u.pk for u in self.learners], self.explanation, phrase=self.phrase
        )

    @property
    def said(self) -> str:
        """The explanation in the active language."""
        return words.say(self.phrase, self.explanation)

    @property
    def phrase_json(self) -> str:
        return json.dumps(self.phrase, separators=(",", ":"))


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
    #: Each note as a phrase (``words.say``), in the order of ``notes``.
    note_phrases: list[Any] = field(default_factory=list)

    @property
    def notes_said(self) -> list[str]:
        """The notes in the active language."""
        return words.notes_said(self.notes, self.note_phrases)


#: The learner profile's fields the engine groups on (``LearnerProfile``).
PROFILE_FIELDS = ("take_in", "express", "engage")
NO_PROFILE_YET = gettext_lazy(
    "No learner profile yet for {names}: ask them to fill in “My learner profile” "
    "so that they can be grouped by {what}."
)
EDITED = "Changed by {teacher}: {changes}."


@dataclass(frozen=True)
class ProfileData:
    """What a learner wrote in their profile that the engine groups on."""

    interests: tuple[str, ...]
    profile: dict[str, tuple[str, ...]]


def profiles_of(learner_ids: list[int]) -> dict[int, ProfileData]:
    """Interest keywords and the learning-profile choices (every choice the
    learner ticked, in the profile's order) from the personalization app's
    learner profiles, one query; learners with no profile are absent. Read
    through the app registry so that differentiation works without the
    personalization app."""
    try:
        profile_model = apps.get_model("personalization", "LearnerProfile")
    except LookupError:
        return {}
    out = {}
    rows = profile_model.objects.filter(learner_id__in=learner_ids).values_list(
        "learner_id", "interest_tags", *PROFILE_FIELDS
    )
    for learner_id, tags, *choices in rows:
        interests = tuple(sorted({str(t).strip().lower() for t in tags or [] if str(t).strip()}))
        profile = {
            k: tuple(str(v) for v in values)
            for k, values in zip(PROFILE_FIELDS, choices, strict=True)
            if values
        }
        out[learner_id] = ProfileData(interests, profile)
    return out


def learner_features(learners: list[User], objective: Competency) -> list[engine.LearnerFeatures]:
    """The readiness features ``selectors.readiness_for`` gives "Before the
    lesson" (the same evidence, the same placement), with the learners'
    interests and profiles."""
    readiness = selectors.readiness_for(learners, objective)
    profiles = profiles_of([u.pk for u in learners])
    empty = ProfileData((), {})
    out = []
    for r in readiness:
        data = profiles.get(r.learner.pk, empty)
        out.append(replace(r.features, interests=data.interests, profile=data.profile))
    return out


def _snapshot(features: list[engine.LearnerFeatures]) -> dict[str, dict]:
    return {
        f.id: {
            "objective": f.objective_mastery,
            "prerequisites": dict(f.prerequisite_mastery),
            "interests": list(f.interests),
            "profile": {k: list(v) for k, v in engine.preferences(f).items()},
            "objective_answers": f.objective_answers,
            "prerequisite_answers": f.prerequisite_answers,
            "last_answer": f.last_answer,
        }
        for f in features
    }


def features_snapshot(learners: list[User], objective: Competency) -> dict[str, dict]:
    """What the learners are grouped on now, kept with a saved grouping."""
    return _snapshot(learner_features(learners, objective))


def _from_snapshot(
    snapshot: Mapping[str, Mapping], names: Mapping[str, str] | None = None
) -> list[engine.LearnerFeatures]:
    names = names or {}
    return [
        engine.LearnerFeatures(
            id=lid,
            name=names.get(lid, ""),
            objective_mastery=row.get("objective"),
            prerequisite_mastery=dict(row.get("prerequisites") or {}),
            interests=tuple(row.get("interests") or ()),
            profile={
                k: (v,) if isinstance(v, str) else tuple(v)
                for k, v in (row.get("profile") or {}).items()
            },
            objective_answers=row.get("objective_answers"),
            prerequisite_answers=int(row.get("prerequisite_answers") or 0),
            last_answer=str(row.get("last_answer") or ""),
        )
        for lid, row in snapshot.items()
    ]


def _request(objective: Competency, kind: str) -> engine.GroupingRequest:
    return engine.GroupingRequest(
        kind=kind,  # type: ignore[arg-type]
        objective_code=objective.label,
        objective_statement=objective.statement,
    )


def _features_of(
    learner_ids: list[int], objective: Competency, snapshot: Mapping[str, Mapping]
) -> list[engine.LearnerFeatures]:
    """The learners' features as stored with a grouping (what they were
    grouped on); learners not in the snapshot (e.g. a grouping saved without
    one) with their current features. Named."""
    users = {u.pk: u for u in people_with_ids(learner_ids)}
    names = {str(pk): str(u) for pk, u in users.items()}
    stored = _from_snapshot(
        {str(pk): snapshot[str(pk)] for pk in users if str(pk) in snapshot}, names
    )
    missing = [users[pk] for pk in sorted(users) if str(pk) not in snapshot]
    return stored + (learner_features(missing, objective) if missing else [])


def explain_drafts(
    *,
    objective: Competency,
    kind: str,
    drafts: Sequence[services.GroupDraft],
    features: Mapping[str, Mapping],
) -> list[tuple[str, Any]]:
    """The engine's explanation of each draft group as it stands (its name,
    its members, the features they were grouped on), in English and as a
    phrase."""
    ids = sorted({pk for d in drafts for pk in d.learner_ids})
    learners = _features_of(ids, objective, features)
    described = engine.describe_groups(
        learners,
        _request(objective, kind),
        [(d.label.strip(), [str(pk) for pk in d.learner_ids]) for d in drafts],
    )
    return [(g.explanation, g.phrase) for g in described]


def refresh_explanations(
    *,
    objective: Competency,
    kind: str,
    features: Mapping[str, Mapping],
    drafts: Sequence[services.GroupDraft],
    originals: Sequence[services.GroupDraft | None],
    edited_by: User | None,
) -> None:
    """Bring the explanations of edited groups up to date, in place.
    ``originals[i]`` is ``drafts[i]`` before the teacher's edit (None: a new
    group). A group whose members changed gets the engine's explanation of
    its new members (so the readiness range, shared interests or profile
    are the current ones) and a line saying what the teacher changed; a
    group that was only renamed gets its new name at the head of its
    explanation; a group with no explanation gets the engine's."""
    everyone = {pk for d in [*drafts, *originals] if d for pk in d.learner_ids}
    who = {u.pk: str(u) for u in people_with_ids(everyone)}

    def name(pk: int) -> str:
        return who.get(pk, f"learner {pk}")

    origin = {pk: o.label for o in originals if o for pk in o.learner_ids}
    stale = []
    for n, (draft, orig) in enumerate(zip(drafts, originals, strict=True)):
        changed = orig is not None and set(orig.learner_ids) != set(draft.learner_ids)
        if orig is not None and not changed and draft.label.strip() != orig.label.strip():
            prefix = f"{orig.label.strip()}:"
            if draft.explanation.startswith(prefix):
                draft.explanation = draft.label.strip() + ":" + draft.explanation[len(prefix) :]
                draft.phrase = retitle(draft.phrase, draft.label.strip()) if draft.phrase else None
        if changed or not draft.explanation.strip():
            stale.append(n)
    if not stale:
        return
    texts = explain_drafts(
        objective=objective, kind=kind, drafts=[drafts[n] for n in stale], features=features
    )
    for n, (text, phrase) in zip(stale, texts, strict=True):
        draft, orig = drafts[n], originals[n]
        if orig is not None and set(orig.learner_ids) != set(draft.learner_ids):
            dest = {pk: d.label.strip() for d in drafts for pk in d.learner_ids}
            joined = sorted(set(draft.learner_ids) - set(orig.learner_ids), key=name)
            left = sorted(set(orig.learner_ids) - set(draft.learner_ids), key=name)
            changes = [
                f"{name(pk)} joined from {origin[pk]}" if pk in origin else f"{name(pk)} joined"
                for pk in joined
            ] + [
                f"{name(pk)} left for {dest[pk]}" if pk in dest else f"{name(pk)} left"
                for pk in left
            ]
            text += " " + EDITED.format(
                teacher=edited_by or "the teacher", changes="; ".join(changes)
            )
            phrase = _edited(phrase, edited_by, joined, left, origin, dest, name)
        draft.explanation, draft.phrase = text, phrase


def _edited(
    phrase: Any,
    teacher: User | None,
    joined: list[int],
    left: list[int],
    origin: Mapping[int, str],
    dest: Mapping[int, str],
    name: Callable[[int], str],
) -> Any:
    """``phrase`` followed by the line saying what the teacher changed (the
    phrase of ``EDITED``)."""
    changes = [
        ("joined_from", {"name": name(pk), "group": origin[pk]})
        if pk in origin
        else ("joined", {"name": name(pk)})
        for pk in joined
    ] + [
        ("left_for", {"name": name(pk), "group": dest[pk]})
        if pk in dest
        else ("left", {"name": name(pk)})
        for pk in left
    ]
    line = (
        "edited",
        {
            "teacher": str(teacher) if teacher else ("the_teacher", {}),
            "changes": ("_seq", {"items": changes, "sep": "; "}),
        },
    )
    return ("_seq", {"items": [phrase, line], "sep": " "})


def suggest(
    *, school_class: SchoolClass, objective: Competency, kind: str, constraints: Mapping | None
) -> Suggestion:
    """Groups for this class and objective from current mastery. Constraints
    that cannot be met raise ValidationError with the engine's message,
    which names the conflict."""
    if kind not in dict(KINDS):
        raise ValidationError(
            services.UNKNOWN_KIND.format(kind=kind, choices=", ".join(k for k, _ in KINDS))
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
    notes = list(result.notes)
    note_phrases = list(result.note_phrases)
    if kind in (INTEREST, PROFILE):
        with_profile = profiles_of([u.pk for u in learners])
        without = [str(u) for u in learners if u.pk not in with_profile]
        if without:
            notes.append(
                NO_PROFILE_YET.format(
                    names=engine.join_names(without),
                    what="interest" if kind == INTEREST else "learning profile",
                )
            )
            note_phrases.append(
                part(
                    "no_profile_yet_interest" if kind == INTEREST else "no_profile_yet_profile",
                    names=phrase_names(without),
                )
            )
    by_id = {str(u.pk): u for u in learners}
    groups = [
        SuggestedGroup(
            label=f"Group {g.label}",
            explanation=g.explanation,
            phrase=g.phrase,
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
        notes,
        result,
        note_phrases,
    )


def _free_label(label: str, taken: set[str]) -> str:
    """``label`` ("Group C"), or the first "Group X" not taken."""
    n = 0
    while label in taken:
        label = f"Group {engine.letter(n)}"
        n += 1
    return label


@transaction.atomic
def grouping_regroup(*, grouping: Grouping, created_by: User, note: str = "") -> Grouping:
    """Regroup after a formative check: a new suggestion from current mastery
    with the same kind and constraints, saved as a revision.

    Groups are matched to the earlier ones by the learners they have in
    common (``engine.match_groups``), not by name: a new group that
    continues an earlier one keeps its name (the teacher's, if they renamed
    it), its identity and so its plan entry and assigned checks. A learner
    "moved" only if they are now in a group that does not continue theirs,
    and gets the engine's reason (what changed in their evidence)."""
    constraints = dict(grouping.constraints)
    if not any(k in constraints for k in ("n_groups", "min_size", "max_size")):
        constraints["n_groups"] = grouping.groups.count()  # as many groups as before
    suggestion = suggest(
        school_class=grouping.school_class,
        objective=grouping.objective,
        kind=grouping.kind,
        constraints=constraints,
    )
    earlier = services.drafts_of(grouping)
    new = [g.draft() for g in suggestion.groups]
    match = engine.match_groups(
        [[str(pk) for pk in d.learner_ids] for d in earlier],
        [[str(pk) for pk in d.learner_ids] for d in new],
    )
    taken = {earlier[i].label for i in match if i is not None}
    for draft, i in zip(new, match, strict=True):
        if i is not None:
            draft.label, draft.key = earlier[i].label, earlier[i].key
        else:
            draft.label = _free_label(draft.label, taken)
            taken.add(draft.label)
    texts = explain_drafts(
        objective=grouping.objective,
        kind=grouping.kind,
        drafts=new,
        features=suggestion.features,
    )
    for draft, (text, phrase) in zip(new, texts, strict=True):
        draft.explanation, draft.phrase = text, phrase
    said = engine.change_reason_phrases(
        _from_snapshot(grouping.features),
        _from_snapshot(suggestion.features),
        grouping.objective.label,
    )
    why = {pk: engine.say(phrase) for pk, phrase in said.items()}
    before = services.previous_groups(grouping)
    return services.grouping_save(
        school_class=grouping.school_class,
        objective=grouping.objective,
        kind=grouping.kind,
        groups=new,
        constraints=suggestion.constraints,
        created_by=created_by,
        based_on=grouping,
        note=note or "Regrouped from current mastery",
        reasons={pk: why.get(str(pk), engine.NO_CHANGE_REASON) for pk in before},
        reason_phrases={pk: said.get(str(pk), engine.NO_CHANGE_PHRASE) for pk in before},
        features=suggestion.features,
        notes=suggestion.notes,
        note_phrases=suggestion.note_phrases,
    )
