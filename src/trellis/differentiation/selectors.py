"""Reads for differentiation: a class's groupings and their members, the
readiness evidence behind a suggestion, the learner's own group plan entry,
and the members a group-targeted assessment reaches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, Max, Prefetch, Q, QuerySet, When
from django.utils import timezone

from trellis.curriculum.selectors import (
    competencies_by_ids,
    competencies_of_frameworks,
    frameworks_for_school,
    prerequisites_of,
    resources_of_school,
)
from trellis.differentiation.models import (
    Group,
    Grouping,
    GroupMembership,
    GroupPlan,
    GroupPlanEntry,
    StationRotation,
)
from trellis.engine import grouping as engine
from trellis.engine import levels
from trellis.evidence.constants import LEVELS, MASTERED, NOT_STARTED, PROFICIENT
from trellis.evidence.selectors.answers import newest_answer_times
from trellis.evidence.selectors.class_assessments import for_learning_assessments_of
from trellis.evidence.selectors.records import records_by_learner_and_competency
from trellis.people.selectors import (
    classes_to_differentiate_for,
)

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Assessment
    from trellis.people.models import SchoolClass, User

LEVEL_LABELS = dict(LEVELS)


def classes_to_differentiate(user: User) -> QuerySet[SchoolClass]:
    """Classes whose groupings this person may see: taught, or in a school they run."""
    return classes_to_differentiate_for(user).select_related("term", "school").order_by("name")


def groupings_of(school_class: SchoolClass) -> QuerySet[Grouping]:
    return (
        Grouping.objects.filter(school_class=school_class)
        .select_related("objective", "created_by", "based_on", "plan")
        .prefetch_related("groups")
        .order_by("-created_at", "-pk")
    )


def with_members(qs: QuerySet[Grouping]) -> QuerySet[Grouping]:
    members = GroupMembership.objects.select_related("learner").order_by(
        "learner__last_name", "learner__first_name", "learner__username"
    )
    return qs.select_related(
        "objective", "school_class", "based_on", "created_by"
    ).prefetch_related(
        Prefetch(
            "groups",
            queryset=Group.objects.prefetch_related(Prefetch("memberships", queryset=members)),
        )
    )


def latest_grouping(school_class: SchoolClass) -> Grouping | None:
    return (
        with_members(Grouping.objects.filter(school_class=school_class))
        .order_by("-created_at", "-pk")
        .first()
    )


def latest_objective(school_class: SchoolClass) -> Competency | None:
    """The objective of the class's newest grouping (one query)."""
    newest = (
        Grouping.objects.filter(school_class=school_class)
        .select_related("objective")
        .order_by("-created_at", "-pk")
        .first()
    )
    return newest.objective if newest else None


def objectives_for(school_class: SchoolClass) -> QuerySet[Competency]:
    """Competencies a lesson of this class can aim at: those of the school's
    frameworks and global ones, leaves first by code."""
    return (
        competencies_of_frameworks(frameworks_for_school(school_class.school).values("pk"))
        .select_related("framework")
        .order_by("framework__title", "position", "code")
    )


@dataclass(frozen=True)
class Evidence:
    """One competency's estimate for one learner, as shown beside a decision."""

    competency: Competency
    probability: float
    level: str
    attempts: int

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def percent(self) -> int:
        return levels.percent(self.probability)

    @property
    def feature(self) -> float:
        """The estimate as the grouping engine reads it: in whole percents,
        as it always has (the groups do not move with a display rule)."""
        return round(100 * self.probability) / 100

    def __str__(self) -> str:
        attempts = f"{self.attempts} attempt{'' if self.attempts == 1 else 's'}"
        return f"{self.competency.label}: {self.level_label} ({self.percent} %, {attempts})"


@dataclass(frozen=True)
class Readiness:
    """A learner's readiness for an objective: their estimate on it and on each
    direct prerequisite (``score`` is the mean probability over those they
    have evidence on, None with none), the engine's features and their
    ``placement`` (``engine.placement``: not assessed, likely to struggle,
    extension, on track), which "Before the lesson" and the readiness
    groupings both read."""

    learner: User
    objective: Evidence
    prerequisites: list[Evidence]
    score: float | None
    features: engine.LearnerFeatures

    @property
    def placement(self) -> str:
        return engine.placement(self.features)

    @property
    def weak_prerequisites(self) -> list[Evidence]:
        """Prerequisites with evidence below proficient."""
        return [
            e for e in self.prerequisites if e.attempts and e.level not in (PROFICIENT, MASTERED)
        ]

    @property
    def not_assessed(self) -> bool:
        return self.placement == engine.NOT_ASSESSED

    @property
    def has_mastered_objective(self) -> bool:
        return self.placement == engine.EXTENSION

    @property
    def evidence(self) -> str:
        """The answers behind the placement, in words."""
        return engine.evidence_text(self.features, self.objective.competency.label)


def readiness_for(learners: list[User], objective: Competency) -> list[Readiness]:
    """Each learner's readiness, in four queries (prerequisites, their
    competencies, the mastery records, the newest answer per learner).
    Only records with answers count as evidence: a record a refit created
    or touched without answers says nothing about the learner."""
    prereq_ids = sorted(prerequisites_of([objective.pk]).get(objective.pk, set()))
    competencies = {c.pk: c for c in competencies_by_ids(prereq_ids)}
    competencies[objective.pk] = objective
    learner_ids = [u.pk for u in learners]
    records = records_by_learner_and_competency(learner_ids, competencies)
    newest = newest_answer_times(learner_ids, list(competencies))

    def evidence(learner: User, cid: int) -> Evidence:
        record = records.get((learner.pk, cid))
        if record is None or not record.attempts:
            return Evidence(competencies[cid], 0.0, NOT_STARTED, 0)
        return Evidence(competencies[cid], record.probability, record.level, record.attempts)

    out = []
    for learner in learners:
        own = evidence(learner, objective.pk)
        prereqs = [evidence(learner, cid) for cid in prereq_ids if cid in competencies]
        values = [e.feature for e in [own, *prereqs] if e.attempts]
        last = newest.get(learner.pk)
        features = engine.LearnerFeatures(
            id=str(learner.pk),
            name=str(learner),
            objective_mastery=own.feature if own.attempts else None,
            prerequisite_mastery={e.competency.label: e.feature for e in prereqs if e.attempts},
            objective_answers=own.attempts,
            prerequisite_answers=sum(e.attempts for e in prereqs),
            last_answer=f"{timezone.localtime(last):%Y-%m-%d}" if last and values else "",
        )
        out.append(
            Readiness(
                learner, own, prereqs, sum(values) / len(values) if values else None, features
            )
        )
    return out


@dataclass(frozen=True)
class MyEntry:
    """What a learner (or their guardian) sees: their own group's entry only."""

    learner: User
    grouping: Grouping
    group: Group
    entry: GroupPlanEntry | None


def entries_for_learner(learner: User) -> list[MyEntry]:
    """The learner's group in the newest grouping of each class they are in,
    with that group's plan entry (if a plan was written)."""
    memberships = (
        GroupMembership.objects.filter(
            learner=learner,
            grouping__school_class__enrollments__learner=learner,
            grouping__school_class__enrollments__active=True,
        )
        .select_related(
            "grouping__school_class",
            "grouping__objective",
            "group",
            "group__plan_entry__for_assessment",
        )
        .prefetch_related("group__plan_entry__resources")
        .order_by("grouping__school_class_id", "-grouping__created_at", "-grouping_id")
    )
    seen: set[int] = set()
    out = []
    for membership in memberships:
        class_id = membership.grouping.school_class_id
        if class_id in seen:
            continue
        seen.add(class_id)
        entry = getattr(membership.group, "plan_entry", None)
        out.append(MyEntry(learner, membership.grouping, membership.group, entry))
    return out


def children_of(guardian: User) -> QuerySet[User]:
    from trellis.people.selectors import children_of as active_children_of

    return active_children_of(guardian)


def plan_with_entries(plan_id: int) -> GroupPlan | None:
    entries = GroupPlanEntry.objects.select_related("group", "for_assessment").prefetch_related(
        "resources"
    )
    return (
        GroupPlan.objects.filter(pk=plan_id)
        .select_related("grouping__school_class", "objective")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .first()
    )


def resources_for(school_class: SchoolClass) -> QuerySet[Resource]:
    return resources_of_school(school_class.school).order_by("title")


def for_assessments_of(school_class: SchoolClass) -> QuerySet[Assessment]:
    return for_learning_assessments_of(school_class)


def group_member_ids(group_id: int) -> set[int]:
    """The current members of a group: those of the group that continues it
    (the same ``key``) in the newest revision of its grouping, whatever it
    is called now, so a learner moved into the group after an assessment
    was assigned to it gets the assessment too. If the newest revision has
    no such group, the group's own members."""
    group = Group.objects.filter(pk=group_id).select_related("grouping").first()
    if group is None:
        return set()
    lineage = group.grouping.lineage or group.grouping_id
    newest = Grouping.objects.filter(lineage=lineage).order_by("-created_at", "-pk").first()
    current = GroupMembership.objects.filter(grouping=newest, group__key=group.key)
    if newest is None or not current.exists():
        current = GroupMembership.objects.filter(group=group)
    return set(current.values_list("learner_id", flat=True))


def group_described(group_id: int) -> tuple[int, str] | None:
    """(class id, label) of a group, for an assessment assigned to it; None
    when there is no such group."""
    row = Group.objects.filter(pk=group_id).values_list("grouping__school_class_id", "label")
    return next(iter(row), None)


def groups_containing(learner_id: int, group_ids: Iterable[int]) -> set[int]:
    """Of these groups, those whose current members (as ``group_member_ids``
    reads them) include this learner. At most four queries however many
    groups are asked about."""
    wanted = set(group_ids)
    if not wanted:
        return set()
    groups = list(
        Group.objects.filter(pk__in=wanted).values_list(
            "pk", "key", "grouping__lineage", "grouping_id"
        )
    )
    if not groups:
        return set()
    lineages = {lineage or grouping_id for _, _, lineage, grouping_id in groups}
    newest: dict[int, int] = {}
    for lineage, pk in (
        Grouping.objects.filter(lineage__in=lineages)
        .order_by("lineage", "-created_at", "-pk")
        .values_list("lineage", "pk")
    ):
        newest.setdefault(lineage, pk)
    # Per (newest grouping, group key): whether it has members, and whether the learner is one.
    continued: dict[tuple[int, object], bool] = {
        (grouping_id, key): bool(mine)
        for grouping_id, key, mine in GroupMembership.objects.filter(
            grouping_id__in=set(newest.values())
        )
        .values("grouping_id", "group__key")
        .annotate(mine=Max(Case(When(learner_id=learner_id, then=1), default=0)))
        .values_list("grouping_id", "group__key", "mine")
    }
    found: set[int] = set()
    fallback: set[int] = set()
    for pk, key, lineage, grouping_id in groups:
        current = newest.get(lineage or grouping_id)
        if current is not None and (current, key) in continued:
            if continued[(current, key)]:
                found.add(pk)
        else:
            fallback.add(pk)
    if fallback:
        found.update(
            GroupMembership.objects.filter(group_id__in=fallback, learner_id=learner_id)
            .values_list("group_id", flat=True)
            .distinct()
        )
    return found


def groups_containing_each(
    learner_ids: Iterable[int], group_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For several learners at once (a guardian's children): learner id ->
    the groups of these whose current members (as ``group_member_ids`` reads
    them) include the learner. At most four queries however many learners
    and groups are asked about."""
    learners = set(learner_ids)
    wanted = set(group_ids)
    found: dict[int, set[int]] = {learner: set() for learner in learners}
    if not wanted or not learners:
        return found
    groups = list(
        Group.objects.filter(pk__in=wanted).values_list(
            "pk", "key", "grouping__lineage", "grouping_id"
        )
    )
    if not groups:
        return found
    lineages = {lineage or grouping_id for _, _, lineage, grouping_id in groups}
    newest: dict[int, int] = {}
    for lineage, pk in (
        Grouping.objects.filter(lineage__in=lineages)
        .order_by("lineage", "-created_at", "-pk")
        .values_list("lineage", "pk")
    ):
        newest.setdefault(lineage, pk)
    # (newest grouping, group key) -> its members among these learners; a key
    # present with no such member still continues the group.
    continued: dict[tuple[int, object], set[int]] = {}
    for grouping_id, key, member in GroupMembership.objects.filter(
        grouping_id__in=set(newest.values())
    ).values_list("grouping_id", "group__key", "learner_id"):
        mine = continued.setdefault((grouping_id, key), set())
        if member in learners:
            mine.add(member)
    fallback: set[int] = set()
    for pk, key, lineage, grouping_id in groups:
        current = newest.get(lineage or grouping_id)
        if current is not None and (current, key) in continued:
            for member in continued[(current, key)]:
                found[member].add(pk)
        else:
            fallback.add(pk)
    if fallback:
        for group_id, member in GroupMembership.objects.filter(
            group_id__in=fallback, learner_id__in=learners
        ).values_list("group_id", "learner_id"):
            found[member].add(group_id)
    return found


@dataclass(frozen=True)
class BeforeLesson:
    """Intentional differentiation: who is likely to struggle with the
    objective (a prerequisite with evidence below proficient), who already
    shows mastery of it (candidates for extension), who is on track, and
    who is not yet assessed (no answers on the objective or its
    prerequisites), each with the evidence. The same ``placement`` the
    readiness groupings use."""

    objective: Competency
    prerequisites: list[Competency]
    struggle: list[Readiness]
    extension: list[Readiness]
    on_track: list[Readiness]
    not_assessed: list[Readiness]


def before_lesson(school_class: SchoolClass, objective: Competency) -> BeforeLesson:
    from trellis.people.selectors import roster_of

    rows = readiness_for(list(roster_of(school_class)), objective)
    prerequisites = rows[0].prerequisites if rows else []

    def placed(kind: str) -> list[Readiness]:
        return [r for r in rows if r.placement == kind]

    struggle = sorted(placed(engine.STRUGGLE), key=lambda r: (r.score or 0.0, str(r.learner)))
    return BeforeLesson(
        objective,
        [e.competency for e in prerequisites],
        struggle,
        placed(engine.EXTENSION),
        placed(engine.ON_TRACK),
        placed(engine.NOT_ASSESSED),
    )


@dataclass(frozen=True)
class RotationSlot:
    start: int
    end: int
    stations: list[str]  # one per group, in group order


@dataclass(frozen=True)
class RotationTable:
    groups: list[Group]
    slots: list[RotationSlot]
    minutes: int

    @property
    def total_minutes(self) -> int:
        return self.minutes * len(self.slots)


def rotation_schedule(n_groups: int, n_stations: int) -> list[list[int]]:
    """slot -> station index of each group: group g is at station (g + t) mod
    n in slot t, so over n slots every group visits every station once and no
    two groups share a station at the same time."""
    return [[(g + t) % n_stations for g in range(n_groups)] for t in range(n_stations)]


def rotation_table(plan: GroupPlan, rotation: StationRotation) -> RotationTable:
    """Which group is at which station in each time slot (see
    ``rotation_schedule``)."""

    groups = list(
        plan.grouping.groups.prefetch_related(
            Prefetch("memberships", queryset=GroupMembership.objects.select_related("learner"))
        )
    )
    names = list(rotation.stations)
    minutes = rotation.minutes_per_station
    slots = [
        RotationSlot(t * minutes, (t + 1) * minutes, [names[i] for i in row])
        for t, row in enumerate(rotation_schedule(len(groups), len(names)))
    ]
    return RotationTable(groups, slots, minutes)


# --- For the continuum report ------------------------------------------------


#: A group as the continuum's records name it, and what of a grouping they
#: leave unread: the features of every learner, the notes and the groups'
#: explanations are thousands of nested lists for a grade; decoding them,
#: and then collecting them with the prefetch caches' reference cycles, was
#: a fifth of a grade's report (issue #18).
_GROUP_NAMES = Group.objects.only("grouping_id", "label", "position")
_GROUPING_WORKINGS = ("constraints", "features", "notes", "note_phrases")


def groupings_made(
    class_ids: Iterable[int], learner_id: int | None, lo: datetime, hi: datetime
) -> QuerySet[Grouping]:
    """Groupings of the classes made in [lo, hi), with their groups loaded
    (their members: ``members_by_group``); only those ``learner_id`` was in,
    when given."""
    qs = Grouping.objects.filter(
        school_class_id__in=list(class_ids), created_at__gte=lo, created_at__lt=hi
    )
    if learner_id is not None:
        qs = qs.filter(memberships__learner_id=learner_id)
    return (
        qs.select_related("school_class", "objective", "created_by", "plan__created_by")
        .defer(*_GROUPING_WORKINGS)
        .prefetch_related(Prefetch("groups", queryset=_GROUP_NAMES))
        .distinct()
        .order_by("created_at", "pk")
    )


def group_plans_updated(
    class_ids: Iterable[int], learner_id: int | None, lo: datetime, hi: datetime
) -> QuerySet[GroupPlan]:
    """Group plans of the classes last written in [lo, hi), with their
    entries, groups and resources loaded (the groups' members:
    ``members_by_group``)."""
    qs = GroupPlan.objects.filter(
        grouping__school_class_id__in=list(class_ids), updated_at__gte=lo, updated_at__lt=hi
    )
    if learner_id is not None:
        qs = qs.filter(grouping__memberships__learner_id=learner_id)
    return (
        qs.select_related("grouping__school_class", "objective", "created_by")
        .defer(*(f"grouping__{name}" for name in _GROUPING_WORKINGS))
        .prefetch_related("entries__resources", Prefetch("entries__group", queryset=_GROUP_NAMES))
        .distinct()
        .order_by("updated_at", "pk")
    )


def members_by_group(
    *, grouping_ids: Iterable[int] = (), group_ids: Iterable[int] = ()
) -> dict[int, list[int]]:
    """The learner ids of each group (by group id) of the given groupings
    and groups, in one query of plain rows: a grade's report covers
    thousands of memberships, and a model object for each was most of its
    time (issue #18)."""
    rows = GroupMembership.objects.filter(
        Q(grouping_id__in=list(grouping_ids)) | Q(group_id__in=list(group_ids))
    ).values_list("group_id", "learner_id")
    out: dict[int, list[int]] = {}
    for group_id, learner_id in rows.order_by("pk"):
        out.setdefault(group_id, []).append(learner_id)
    return out


def for_assessment_groups(assessment_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each assessment used as a group plan entry's FOR check, the
    learners of the groups it was used for."""
    out: dict[int, set[int]] = {}
    for aid, learner_id in GroupPlanEntry.objects.filter(
        for_assessment_id__in=list(assessment_ids)
    ).values_list("for_assessment_id", "group__memberships__learner_id"):
        if learner_id is not None:
            out.setdefault(aid, set()).add(learner_id)
    return out


# --- What the API's differentiation endpoints read -----------------------


def grouping_loaded(grouping_id: int) -> Grouping:
    """One grouping with its groups, members and plan."""
    return with_members(Grouping.objects.filter(pk=grouping_id)).select_related("plan").get()


def groupings_listed(school_class: SchoolClass) -> QuerySet[Grouping]:
    """The class's groupings, newest first, with just enough of their
    memberships to count the moves."""
    return groupings_of(school_class).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.only("id", "grouping_id", "moved_from", "reason"),
        )
    )


def group_plans_of(school_class: SchoolClass) -> QuerySet[GroupPlan]:
    """The class's group plans, newest first, with their entries, groups and
    resources."""
    entries = GroupPlanEntry.objects.select_related("group").prefetch_related("resources")
    return (
        GroupPlan.objects.filter(grouping__school_class=school_class)
        .select_related("grouping", "objective")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("-updated_at", "-pk")
    )


def rotation_of(plan: GroupPlan) -> StationRotation | None:
    return StationRotation.objects.filter(plan=plan).first()


def objective_of_class(school_class: SchoolClass, objective_id: int) -> Competency | None:
    """One of the objectives the class may be grouped on, or None."""
    return objectives_for(school_class).filter(pk=objective_id).first()
