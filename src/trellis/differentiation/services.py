"""Writes for differentiation: saving a grouping (from a suggestion, a
teacher's moves and renames, or a regroup), the group plan, the station
rotation and the handling of live flags. Each is all-or-nothing: a grouping
that breaks a keep-apart pair, or a plan naming a summative assessment,
saves nothing. A revision's groups carry the ``key`` of the groups they
continue, so "who moved", the plan and the assigned checks follow groups,
not names."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from trellis.curriculum import selectors as curriculum_selectors
from trellis.differentiation.models import (
    KINDS,
    FlagAction,
    Group,
    Grouping,
    GroupMembership,
    GroupPlan,
    GroupPlanEntry,
    StationRotation,
)
from trellis.evidence.constants import FOR_LEARNING, TARGET_GROUP
from trellis.evidence.selectors.class_assessments import assessment_of_class, is_assigned_to_group
from trellis.evidence.services import assessment_assign
from trellis.people.selectors import roster_of

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Assessment
    from trellis.people.models import SchoolClass, User

NO_GROUPS = gettext_lazy("A grouping needs at least one group.")
LABEL_EMPTY = gettext_lazy("Group {n} has no name.")
LABEL_TWICE = gettext_lazy("Two groups are called “{label}”; give each group its own name.")
LEARNER_NOT_IN_CLASS = gettext_lazy("There is no learner with id {id} in {school_class}.")
LEARNER_TWICE = gettext_lazy("{learner} is in more than one group.")
LEARNERS_MISSING = gettext_lazy("Every learner needs a group; not placed: {names}.")
EMPTY_ROSTER = gettext_lazy("{school_class} has no learners to group.")
KEEP_APART_BROKEN = gettext_lazy("{a} and {b} should be kept apart but are both in {group}.")
KEEP_TOGETHER_BROKEN = gettext_lazy(
    "{a} and {b} should be kept together but are in {group_a} and {group_b}."
)
OBJECTIVE_OTHER_SCHOOL = gettext_lazy(
    "There is no objective with id {id} in this school's frameworks."
)
UNKNOWN_KIND = gettext_lazy("Unknown kind of grouping “{kind}”; use one of: {choices}.")
UNKNOWN_GROUP = gettext_lazy("There is no group called “{label}” in this grouping.")
MOVE_UNKNOWN_LEARNER = gettext_lazy("There is no learner with id {id} in this grouping.")
NO_MOVES = gettext_lazy("Choose at least one learner to move or a group to rename.")
KEY_TWICE = gettext_lazy("Two groups cannot both continue {label}.")
MOVED_BY_TEACHER = "Moved by {teacher}"
JOINED_CLASS = "New to the class"

GROUP_OTHER_GROUPING = gettext_lazy("Group {group} is not part of this grouping.")
ASSESSMENT_NOT_FOR = gettext_lazy(
    "“{title}” is {purpose}; a group's check must be FOR learning (formative)."
)
#: Also the answer for another school's resource or another class's assessment.
RESOURCE_UNKNOWN = gettext_lazy("There is no resource with id {resource} here.")
ASSESSMENT_UNKNOWN = gettext_lazy("There is no assessment with id {assessment} in this class.")

NO_STATIONS = gettext_lazy("Name at least one station.")
STATION_EMPTY = gettext_lazy("Station {n} has no name.")
TOO_FEW_STATIONS = gettext_lazy(
    "{groups} groups need at least {groups} stations so that no two groups share one "
    "at the same time; there are {stations}."
)
MINUTES_RANGE = gettext_lazy("Minutes per station must be between 1 and 240, not {value}.")

FLAG_KINDS = ("stuck_errors", "idle", "racing_ahead")
UNKNOWN_FLAG_KIND = gettext_lazy(
    "Unknown flag “{kind}”; use one of: stuck_errors, idle, racing_ahead."
)


@dataclass
class GroupDraft:
    """A group as the teacher (or the suggestion) shapes it before saving."""

    label: str
    learner_ids: list[int]
    explanation: str = ""
    #: The identity (``Group.key``) of the group of the earlier version that
    #: this group continues, when saving a revision; None for a new group.
    key: uuid.UUID | None = None
    #: The explanation as the engine's phrase (``words``), when it is the
    #: engine's; None for a teacher's own words.
    phrase: Any = None


@dataclass
class EntryDraft:
    group_id: int
    process: str = ""
    product: str = ""
    affect: str = ""
    resource_ids: list[int] = field(default_factory=list)
    for_assessment_id: int | None = None


def _name(users: Mapping[int, User], pk: int) -> str:
    user = users.get(pk)
    return str(user) if user else f"learner {pk}"


def check_learners_in_class(school_class: SchoolClass, drafts: Sequence[GroupDraft]) -> None:
    """Refuse, by id only, any learner id that is not on the class's roster
    (before anything is computed from, or said about, the id)."""
    roster_ids = {u.pk for u in roster_of(school_class)}
    for draft in drafts:
        for pk in draft.learner_ids:
            if pk not in roster_ids:
                raise ValidationError(LEARNER_NOT_IN_CLASS.format(id=pk, school_class=school_class))


def check_objective(school_class: SchoolClass, objective: Competency) -> None:
    school_id = objective.framework.school_id
    if school_id is not None and school_id != school_class.school_id:
        raise ValidationError(OBJECTIVE_OTHER_SCHOOL.format(id=objective.pk))


def check_constraints(
    groups: Sequence[GroupDraft], constraints: Mapping, users: Mapping[int, User]
) -> None:
    """Keep-apart pairs in different groups, keep-together pairs in the same one."""
    where = {pk: g.label for g in groups for pk in g.learner_ids}
    for x, y in constraints.get("keep_apart") or []:
        if x in where and where.get(x) == where.get(y):
            raise ValidationError(
                KEEP_APART_BROKEN.format(a=_name(users, x), b=_name(users, y), group=where[x])
            )
    for x, y in constraints.get("keep_together") or []:
        if x in where and y in where and where[x] != where[y]:
            raise ValidationError(
                KEEP_TOGETHER_BROKEN.format(
                    a=_name(users, x), b=_name(users, y), group_a=where[x], group_b=where[y]
                )
            )


def _check_groups(
    school_class: SchoolClass, groups: Sequence[GroupDraft], roster: Mapping[int, User]
) -> None:
    if not roster:
        raise ValidationError(EMPTY_ROSTER.format(school_class=school_class))
    if not groups:
        raise ValidationError(NO_GROUPS)
    labels: set[str] = set()
    placed: set[int] = set()
    for n, group in enumerate(groups, start=1):
        label = group.label.strip()
        if not label:
            raise ValidationError(LABEL_EMPTY.format(n=n))
        if label in labels:
            raise ValidationError(LABEL_TWICE.format(label=label))
        labels.add(label)
        for pk in group.learner_ids:
            if pk not in roster:
                raise ValidationError(LEARNER_NOT_IN_CLASS.format(id=pk, school_class=school_class))
            if pk in placed:
                raise ValidationError(LEARNER_TWICE.format(learner=roster[pk]))
            placed.add(pk)
    missing = [roster[pk] for pk in roster if pk not in placed]
    if missing:
        raise ValidationError(LEARNERS_MISSING.format(names=", ".join(str(u) for u in missing)))


def normalise_constraints(constraints: Mapping | None) -> dict:
    """Only the keys Trellis understands, with pairs as sorted int lists."""
    constraints = dict(constraints or {})
    out: dict = {}
    for key in ("n_groups", "min_size", "max_size"):
        if constraints.get(key) not in (None, ""):
            out[key] = int(constraints[key])
    for key in ("keep_apart", "keep_together"):
        pairs = [sorted((int(x), int(y))) for x, y in constraints.get(key) or [] if x != y]
        if pairs:
            out[key] = pairs
    return out


@transaction.atomic
def grouping_save(
    *,
    school_class: SchoolClass,
    objective: Competency,
    kind: str,
    groups: Sequence[GroupDraft],
    created_by: User | None,
    constraints: Mapping | None = None,
    based_on: Grouping | None = None,
    note: str = "",
    reasons: Mapping[int, str] | None = None,
    features: Mapping | None = None,
    notes: Sequence[str] = (),
    reason_phrases: Mapping[int, Any] | None = None,
    note_phrases: Sequence[Any] = (),
) -> Grouping:
    """Save a grouping. Every learner of the class is placed exactly once and
    the constraints hold, or nothing is saved. With ``based_on``, each learner
    whose group changed gets ``moved_from`` and a reason (``reasons`` or
    "Moved by <teacher>"), and the reason as a phrase (``reason_phrases``)
    so that it reads in the reader's language; ``note_phrases`` likewise
    gives each of ``notes`` as a phrase."""
    if kind not in dict(KINDS):
        raise ValidationError(
            UNKNOWN_KIND.format(kind=kind, choices=", ".join(k for k, _ in KINDS))
        )
    check_objective(school_class, objective)
    roster = {u.pk: u for u in roster_of(school_class)}
    groups = [
        GroupDraft(g.label.strip(), list(g.learner_ids), g.explanation, g.key, g.phrase)
        for g in groups
    ]
    _check_groups(school_class, groups, roster)
    constraints = normalise_constraints(constraints)
    check_constraints(groups, constraints, roster)
    grouping = Grouping(
        school_class=school_class,
        objective=objective,
        kind=kind,
        constraints=constraints,
        based_on=based_on,
        lineage=(based_on.lineage or based_on.pk) if based_on else None,
        note=note.strip()[:300],
        features=dict(features or (based_on.features if based_on else {})),
        notes=list(notes),
        note_phrases=list(note_phrases),
        created_by=created_by,
    )
    grouping.full_clean()
    grouping.save()
    if grouping.lineage is None:
        Grouping.objects.filter(pk=grouping.pk).update(lineage=grouping.pk)
        grouping.lineage = grouping.pk
    before = previous_groups(based_on) if based_on else {}
    earlier = {g.key: g.label for g in based_on.groups.all()} if based_on is not None else {}
    keys: list[uuid.UUID] = []
    for draft in groups:
        key = draft.key if draft.key in earlier else None
        if key is not None and key in keys:
            raise ValidationError(KEY_TWICE.format(label=earlier[key]))
        keys.append(key or uuid.uuid4())
    reasons = reasons or {}
    made = Group.objects.bulk_create(
        [
            Group(
                grouping=grouping,
                key=key,
                label=g.label,
                explanation=g.explanation,
                explanation_phrase=g.phrase or None,
                position=n,
            )
            for n, (g, key) in enumerate(zip(groups, keys, strict=True))
        ]
    )
    rows = []
    for group, draft in zip(made, groups, strict=True):
        for pk in draft.learner_ids:
            old = before.get(pk)  # (key, label) in the earlier version
            moved = based_on is not None and (old is None or old[0] != group.key)
            reason, said = "", None
            if moved:
                reason, said = _reason(pk, old is None, reasons, reason_phrases or {}, created_by)
            rows.append(
                GroupMembership(
                    grouping=grouping,
                    group=group,
                    learner_id=pk,
                    moved_from=old[1] if moved and old else "",
                    reason=reason[:300],
                    reason_phrase=said,
                )
            )
    GroupMembership.objects.bulk_create(rows)
    if based_on is not None:
        _carry_plan(based_on, grouping, made)
    return grouping


def _reason(
    pk: int,
    new: bool,
    reasons: Mapping[int, str],
    phrases: Mapping[int, Any],
    teacher: User | None,
) -> tuple[str, Any]:
    """Why a learner is in a group that does not continue theirs, in words
    and as a phrase (None for a reason given as text only)."""
    if reasons.get(pk):
        return reasons[pk], phrases.get(pk)
    if new:
        return JOINED_CLASS, ("joined_class", {})
    return MOVED_BY_TEACHER.format(teacher=teacher), (
        "moved_by_teacher",
        {"teacher": str(teacher)},
    )


def _carry_plan(old: Grouping, new: Grouping, groups: Sequence[Group]) -> None:
    """A revision keeps the plan: each entry goes to the group that continues
    its group (the same ``key``), whatever it is called now; a group that
    continues none starts with no entry. The station rotation is kept when
    there are still enough stations. The formative checks need no new
    assignment: a group's assessment reaches the current members of the
    group that continues it (``selectors.group_member_ids``)."""
    plan = GroupPlan.objects.filter(grouping=old).first()
    if plan is None:
        return
    copy = GroupPlan.objects.create(
        grouping=new, objective=plan.objective, title=plan.title, created_by=plan.created_by
    )
    by_key = {g.key: g for g in groups}
    for entry in plan.entries.select_related("group").prefetch_related("resources"):
        group = by_key.get(entry.group.key)
        if group is None:
            continue
        moved = GroupPlanEntry.objects.create(
            plan=copy,
            group=group,
            process=entry.process,
            product=entry.product,
            affect=entry.affect,
            for_assessment_id=entry.for_assessment_id,
        )
        moved.resources.set(entry.resources.all())
    rotation = StationRotation.objects.filter(plan=plan).first()
    if rotation is not None and len(rotation.stations) >= len(groups):
        StationRotation.objects.create(
            plan=copy,
            stations=list(rotation.stations),
            minutes_per_station=rotation.minutes_per_station,
        )


def previous_groups(grouping: Grouping) -> dict[int, tuple[uuid.UUID, str]]:
    """Learner id -> (group key, group label) in this grouping."""
    return {
        learner_id: (key, label)
        for learner_id, key, label in GroupMembership.objects.filter(grouping=grouping).values_list(
            "learner_id", "group__key", "group__label"
        )
    }


def previous_labels(grouping: Grouping) -> dict[int, str]:
    return dict(
        GroupMembership.objects.filter(grouping=grouping).values_list("learner_id", "group__label")
    )


def drafts_of(grouping: Grouping) -> list[GroupDraft]:
    members: dict[int, list[int]] = {}
    for group_id, learner_id in GroupMembership.objects.filter(grouping=grouping).values_list(
        "group_id", "learner_id"
    ):
        members.setdefault(group_id, []).append(learner_id)
    return [
        GroupDraft(
            label=g.label,
            explanation=g.explanation,
            phrase=g.explanation_phrase,
            learner_ids=sorted(members.get(g.pk, [])),
            key=g.key,
        )
        for g in grouping.groups.all()
    ]


@transaction.atomic
def grouping_move(
    *,
    grouping: Grouping,
    moves: Mapping[int, str],
    created_by: User,
    reasons: Mapping[int, str] | None = None,
    note: str = "",
    names: Mapping[int, str] | None = None,
) -> Grouping:
    """A teacher's edit, saved as a new version: some learners moved
    (learner id -> the current name of the group to move to) and/or groups
    renamed (group id -> new name). Each group keeps its identity, so the
    plan and the assessments assigned to it follow it whatever it is
    called; the explanation of each group whose members changed is written
    again for its new members and says what the teacher changed."""
    from trellis.differentiation.suggest import refresh_explanations

    moves = {int(k): v for k, v in moves.items() if v}
    names = {int(k): str(v).strip() for k, v in (names or {}).items()}
    groups = list(grouping.groups.all())
    before = drafts_of(grouping)
    drafts = drafts_of(grouping)
    by_label = {d.label: d for d in drafts}
    placed = {pk: d for d in drafts for pk in d.learner_ids}
    real = {}
    for pk, label in moves.items():
        if label not in by_label:
            raise ValidationError(UNKNOWN_GROUP.format(label=label))
        if pk not in placed:
            raise ValidationError(MOVE_UNKNOWN_LEARNER.format(id=pk))
        if placed[pk].label != label:
            real[pk] = label
    draft_of_group = {g.pk: d for g, d in zip(groups, drafts, strict=True)}
    renamed = False
    for group_id, label in names.items():
        if group_id not in draft_of_group:
            raise ValidationError(GROUP_OTHER_GROUPING.format(group=group_id))
        if label != draft_of_group[group_id].label:
            draft_of_group[group_id].label = label
            renamed = True
    if not real and not renamed:
        raise ValidationError(NO_MOVES)
    for pk, label in real.items():
        placed[pk].learner_ids.remove(pk)
        by_label[label].learner_ids.append(pk)
    for d in drafts:
        d.learner_ids.sort()
    refresh_explanations(
        objective=grouping.objective,
        kind=grouping.kind,
        features=grouping.features,
        drafts=drafts,
        originals=before,
        edited_by=created_by,
    )
    return grouping_save(
        school_class=grouping.school_class,
        objective=grouping.objective,
        kind=grouping.kind,
        groups=drafts,
        constraints=grouping.constraints,
        created_by=created_by,
        based_on=grouping,
        note=note,
        reasons=reasons,
    )


def _check_entry(
    plan_class: SchoolClass, draft: EntryDraft, groups: Mapping[int, Group]
) -> tuple[list[Resource], Assessment | None]:
    if draft.group_id not in groups:
        raise ValidationError(GROUP_OTHER_GROUPING.format(group=draft.group_id))
    resources = list(
        curriculum_selectors.resources_of_school(plan_class.school_id).filter(
            pk__in=draft.resource_ids
        )
    )
    found = {r.pk for r in resources}
    for pk in draft.resource_ids:
        if pk not in found:
            raise ValidationError(RESOURCE_UNKNOWN.format(resource=pk))
    assessment = None
    if draft.for_assessment_id:
        assessment = assessment_of_class(plan_class.pk, draft.for_assessment_id)
        if assessment is None:
            raise ValidationError(ASSESSMENT_UNKNOWN.format(assessment=draft.for_assessment_id))
        if assessment.purpose != FOR_LEARNING:
            raise ValidationError(
                ASSESSMENT_NOT_FOR.format(title=assessment.title, purpose=assessment.purpose_short)
            )
    return resources, assessment


@transaction.atomic
def group_plan_save(
    *,
    grouping: Grouping,
    entries: Sequence[EntryDraft],
    created_by: User,
    objective: Competency | None = None,
    title: str = "",
) -> GroupPlan:
    """Create or replace the plan of a grouping. A FOR assessment chosen for
    a group is assigned to that group (once)."""
    objective = objective or grouping.objective
    check_objective(grouping.school_class, objective)
    groups = {g.pk: g for g in grouping.groups.all()}
    checked = [(d, *_check_entry(grouping.school_class, d, groups)) for d in entries]
    plan, _ = GroupPlan.objects.update_or_create(
        grouping=grouping,
        defaults={"objective": objective, "title": title.strip()[:200], "created_by": created_by},
    )
    for draft, resources, assessment in checked:
        entry, _ = GroupPlanEntry.objects.update_or_create(
            group=groups[draft.group_id],
            defaults={
                "plan": plan,
                "process": draft.process.strip(),
                "product": draft.product.strip(),
                "affect": draft.affect.strip(),
                "for_assessment": assessment,
            },
        )
        entry.resources.set(resources)
        if assessment is not None and not is_assigned_to_group(assessment, draft.group_id):
            assessment_assign(
                assessment=assessment,
                target=TARGET_GROUP,
                assigned_group_id=draft.group_id,
                group_label=groups[draft.group_id].label,
            )
    return plan


@transaction.atomic
def station_rotation_save(
    *, plan: GroupPlan, stations: Sequence[str], minutes_per_station: int
) -> StationRotation:
    names = [s.strip() for s in stations]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise ValidationError(NO_STATIONS)
    for n, name in enumerate(names, start=1):
        if not name:
            raise ValidationError(STATION_EMPTY.format(n=n))
    n_groups = plan.grouping.groups.count()
    if len(names) < n_groups:
        raise ValidationError(TOO_FEW_STATIONS.format(groups=n_groups, stations=len(names)))
    if not 1 <= int(minutes_per_station) <= 240:
        raise ValidationError(MINUTES_RANGE.format(value=minutes_per_station))
    rotation, _ = StationRotation.objects.update_or_create(
        plan=plan, defaults={"stations": names, "minutes_per_station": int(minutes_per_station)}
    )
    return rotation


@transaction.atomic
def flag_handle(
    *,
    school_class: SchoolClass,
    learner: User,
    kind: str,
    handled_by: User,
    competency: str = "",
    note: str = "",
) -> FlagAction:
    """Mark a live flag handled: it stays hidden until the learner is flagged
    again after this moment."""
    if kind not in FLAG_KINDS:
        raise ValidationError(UNKNOWN_FLAG_KIND.format(kind=kind))
    if not school_class.enrollments.filter(learner=learner, active=True).exists():
        raise ValidationError(LEARNER_NOT_IN_CLASS.format(id=learner.pk, school_class=school_class))
    action = FlagAction(
        school_class=school_class,
        learner=learner,
        kind=kind,
        competency=(competency or "")[:60],
        note=note.strip(),
        handled_by=handled_by,
    )
    action.full_clean()
    action.save()
    return action
