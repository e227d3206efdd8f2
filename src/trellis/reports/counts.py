"""Gather ``ContinuumCounts`` from the records of the other apps.

One function per count, each returning the queryset of the records it
counted, so the same definition drives the number in the report and the
drill-down list behind it (a count and its list can never disagree). The
engine (``trellis.engine.continuum``) turns the counts into shares; this
module only decides which records are in scope and in the date range.

Scope: a class (its groupings and assessments, and its enrolled learners'
own records), a learner (their records, the groupings they were placed in,
their classes' assessments) or a school (all of it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from trellis.differentiation.models import Group, Grouping, GroupMembership, GroupPlanEntry
from trellis.engine.continuum import ContinuumCounts
from trellis.evidence.models import Assessment
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.individualization.models import (
    IndividualPlanVersion,
    LearnerPace,
    ModulePass,
    SpecificObjective,
    SupportSession,
)
from trellis.people import roles
from trellis.people.models import (
    Enrollment,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    User,
)
from trellis.personalization.models import (
    BenchmarkCheck,
    Goal,
    HelpRequest,
    LearnerProfile,
    NetworkMember,
    PathChoice,
    Proposal,
    Reflection,
)

CLASS, LEARNER, SCHOOL = "class", "learner", "school"
RANGE_ERROR = "The start date ({start}) must not be after the end date ({end})."


@dataclass(frozen=True)
class Scope:
    """What a report covers: the classes whose group-level records count and
    the learners whose own records count. ``learner`` is set for a learner
    report, where group-level records count only if the learner was in them."""

    kind: str
    label: str
    school: School
    class_ids: frozenset[int]
    learner_ids: frozenset[int]
    learner: User | None = None
    obj_id: int = 0


def class_scope(school_class: SchoolClass) -> Scope:
    learners = Enrollment.objects.filter(school_class=school_class, active=True).values_list(
        "learner_id", flat=True
    )
    return Scope(
        CLASS,
        str(school_class),
        school_class.school,
        frozenset([school_class.pk]),
        frozenset(learners),
        obj_id=school_class.pk,
    )


def learner_scope(learner: User) -> Scope:
    enrollments = Enrollment.objects.filter(learner=learner, active=True).select_related(
        "school_class__school"
    )
    classes = [e.school_class for e in enrollments]
    membership = Membership.objects.filter(user=learner, role=roles.LEARNER).select_related(
        "school"
    )
    school = classes[0].school if classes else membership.first().school  # type: ignore[union-attr]
    return Scope(
        LEARNER,
        str(learner),
        school,
        frozenset(c.pk for c in classes),
        frozenset([learner.pk]),
        learner=learner,
        obj_id=learner.pk,
    )


def school_scope(school: School) -> Scope:
    classes = SchoolClass.objects.filter(school=school).values_list("pk", flat=True)
    learners = Membership.objects.filter(school=school, role=roles.LEARNER).values_list(
        "user_id", flat=True
    )
    return Scope(
        SCHOOL, str(school), school, frozenset(classes), frozenset(learners), obj_id=school.pk
    )


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open datetime range covering both dates entirely."""
    if start > end:
        raise ValueError(RANGE_ERROR.format(start=start, end=end))
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


Source = Callable[[Scope, dt.datetime, dt.datetime], QuerySet]


def _in(field: str, lo: dt.datetime, hi: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def _days(field: str, lo: dt.datetime, hi: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": lo.date(), f"{field}__lt": hi.date()})


def _groupings(s: Scope, lo, hi) -> QuerySet:
    qs = Grouping.objects.filter(_in("created_at", lo, hi), school_class_id__in=s.class_ids)
    if s.learner is not None:
        qs = qs.filter(memberships__learner=s.learner)
    return qs.select_related("school_class", "objective")


def _groups(s: Scope, lo, hi) -> QuerySet:
    qs = Group.objects.filter(
        _in("grouping__created_at", lo, hi), grouping__school_class_id__in=s.class_ids
    )
    if s.learner is not None:
        qs = qs.filter(memberships__learner=s.learner)
    return qs


def _entries(s: Scope, lo, hi) -> QuerySet:
    qs = GroupPlanEntry.objects.filter(
        _in("plan__updated_at", lo, hi), plan__grouping__school_class_id__in=s.class_ids
    )
    if s.learner is not None:
        qs = qs.filter(group__memberships__learner=s.learner)
    return qs.select_related("group")


def _group_resources(s: Scope, lo, hi) -> QuerySet:
    through = GroupPlanEntry.resources.through
    return through.objects.filter(
        groupplanentry__in=_entries(s, lo, hi).values("pk")
    ).select_related("resource")


def _group_memberships(s: Scope, lo, hi) -> QuerySet:
    qs = GroupMembership.objects.filter(
        _in("grouping__created_at", lo, hi), grouping__school_class_id__in=s.class_ids
    )
    if s.learner is not None:
        qs = qs.filter(learner=s.learner)
    return qs.select_related("learner", "group")


def _plan_versions(s: Scope, lo, hi) -> QuerySet:
    return IndividualPlanVersion.objects.filter(
        _in("at", lo, hi), plan__learner_id__in=s.learner_ids
    ).select_related("plan")


def _profiles(s: Scope, lo, hi) -> QuerySet:
    return LearnerProfile.objects.filter(
        _in("updated_at", lo, hi), learner_id__in=s.learner_ids
    ).select_related("learner")


def _paces(s: Scope, lo, hi) -> QuerySet:
    return LearnerPace.objects.filter(
        _in("entered_at", lo, hi), learner_id__in=s.learner_ids, school_class_id__in=s.class_ids
    )


def _path_choices(by: str) -> Source:
    def source(s: Scope, lo, hi) -> QuerySet:
        return PathChoice.objects.filter(
            _in("at", lo, hi), learner_id__in=s.learner_ids, chosen_by=by
        ).select_related("competency", "resource")

    return source


def _resource_choices(by: str) -> Source:
    return lambda s, lo, hi: _path_choices(by)(s, lo, hi).filter(resource__isnull=False)


def _proposals(s: Scope, lo, hi) -> QuerySet:
    return Proposal.objects.filter(
        _in("created_at", lo, hi),
        learner_id__in=s.learner_ids,
        choice__school_class_id__in=s.class_ids,
    )


def _objectives(s: Scope, lo, hi) -> QuerySet:
    return SpecificObjective.objects.filter(
        _days("baseline_date", lo, hi), plan__learner_id__in=s.learner_ids
    )


def _goals(by_learner: bool) -> Source:
    def source(s: Scope, lo, hi) -> QuerySet:
        qs = Goal.objects.filter(_in("created_at", lo, hi), learner_id__in=s.learner_ids)
        mine = Q(set_by_id=F("learner_id"))
        return qs.filter(mine) if by_learner else qs.exclude(mine)

    return source


def _group_supports(s: Scope, lo, hi) -> QuerySet:
    return _entries(s, lo, hi).exclude(affect="")


def _sessions(s: Scope, lo, hi) -> QuerySet:
    return SupportSession.objects.filter(
        _days("on", lo, hi), support__plan__learner_id__in=s.learner_ids
    ).select_related("support")


def _help(to_teacher: bool) -> Source:
    def source(s: Scope, lo, hi) -> QuerySet:
        through = HelpRequest.recipients.through
        teaches = Exists(
            TeachingAssignment.objects.filter(
                teacher_id=OuterRef("user_id"),
                school_class__enrollments__learner_id=OuterRef("helprequest__learner_id"),
            )
        )
        qs = through.objects.filter(
            _in("helprequest__created_at", lo, hi), helprequest__learner_id__in=s.learner_ids
        ).select_related("helprequest", "user")
        return qs.filter(teaches) if to_teacher else qs.exclude(teaches)

    return source


def _network(s: Scope, lo, hi) -> QuerySet:
    return NetworkMember.objects.filter(
        _in("created_at", lo, hi), learner_id__in=s.learner_ids
    ).select_related("member")


def _module_passes(s: Scope, lo, hi) -> QuerySet:
    return ModulePass.objects.filter(
        _in("passed_at", lo, hi),
        pace__learner_id__in=s.learner_ids,
        pace__school_class_id__in=s.class_ids,
    ).select_related("module")


def _benchmarks_met(s: Scope, lo, hi) -> QuerySet:
    return BenchmarkCheck.objects.filter(
        _days("checkin__on", lo, hi),
        checkin__goal__learner_id__in=s.learner_ids,
        progress__gte=1.0,
    ).select_related("benchmark")


def _assessments(purpose: str) -> Source:
    def source(s: Scope, lo, hi) -> QuerySet:
        return Assessment.objects.filter(
            _in("opens_at", lo, hi), school_class_id__in=s.class_ids, purpose=purpose
        )

    return source


def _reflections(s: Scope, lo, hi) -> QuerySet:
    return Reflection.objects.filter(_in("created_at", lo, hi), learner_id__in=s.learner_ids)


#: Every count, and the records behind it. A count may add up several
#: sources (assessment AS learning = AS assessments + learners' reflections).
SOURCES: dict[str, tuple[Source, ...]] = {
    "groups_formed": (_groups,),
    "individual_plans": (_plan_versions,),
    "learner_profile_updates": (_profiles,),
    "group_plans": (_entries,),
    "teacher_set_sequences": (_paces,),
    "learner_chosen_paths": (_path_choices("learner"),),
    "learner_proposals": (_proposals,),
    "class_objectives": (_groupings,),
    "specific_objectives": (_objectives,),
    "goals_set_by_teacher": (_goals(by_learner=False),),
    "goals_set_by_learner": (_goals(by_learner=True),),
    "resources_assigned_to_group": (_group_resources,),
    "resources_assigned_to_individual": (_resource_choices("teacher"),),
    "resources_chosen_by_learner": (_resource_choices("learner"),),
    "group_supports": (_group_supports,),
    "one_on_one_supports": (_sessions,),
    "help_requests_to_teacher": (_help(to_teacher=True),),
    "help_requests_to_network": (_help(to_teacher=False),),
    "network_members_added": (_network,),
    "calendar_advances": (_group_memberships,),
    "own_pace_advances": (_module_passes,),
    "mastery_advances": (_benchmarks_met,),
    "assessments_as": (_assessments(AS_LEARNING), _reflections),
    "assessments_for": (_assessments(FOR_LEARNING),),
    "assessments_of": (_assessments(OF_LEARNING),),
}

#: What each count means in records, for the drill-down page.
RECORD_NOTES: dict[str, str] = {
    "groups_formed": "Groups in groupings made in the period.",
    "individual_plans": "Individual plans written or revised (each saved version).",
    "learner_profile_updates": "Learner profiles last updated in the period.",
    "group_plans": "Per-group entries of group plans.",
    "teacher_set_sequences": "Learners placed by a teacher on a module sequence.",
    "learner_chosen_paths": "Path choices made by the learner.",
    "learner_proposals": "Proposals a learner made for showing mastery.",
    "class_objectives": "Groupings: each sets one lesson objective for the whole class.",
    "specific_objectives": "Specific objectives in individual plans (by baseline date).",
    "goals_set_by_teacher": "Goals a teacher set for a learner.",
    "goals_set_by_learner": "Goals the learner set.",
    "resources_assigned_to_group": "Resources in group plan entries.",
    "resources_assigned_to_individual": "Resources a teacher chose for one learner.",
    "resources_chosen_by_learner": "Resources the learner chose.",
    "group_supports": "Group plan entries with support notes.",
    "one_on_one_supports": "Logged one-on-one support sessions.",
    "help_requests_to_teacher": "Help requests sent to one of the learner's teachers.",
    "help_requests_to_network": "Help requests sent to peers, mentors or experts.",
    "network_members_added": "People added to a learner's network.",
    "calendar_advances": "Learners placed in the class's next lesson group by date.",
    "own_pace_advances": "Modules passed in a set sequence, at the learner's pace.",
    "mastery_advances": "Benchmarks of the learner's own goals met.",
    "assessments_as": "Assessments AS learning, plus learners' reflections.",
    "assessments_for": "Assessments FOR learning opened in the period.",
    "assessments_of": "Assessments OF learning opened in the period.",
}


def records_for(scope: Scope, start: dt.date, end: dt.date, key: str) -> list[QuerySet]:
    """The querysets behind one count (for the drill-down)."""
    lo, hi = bounds(start, end)
    return [source(scope, lo, hi) for source in SOURCES[key]]


def gather_counts(scope: Scope, start: dt.date, end: dt.date) -> ContinuumCounts:
    """One aggregate COUNT query per source; no rows are loaded."""
    lo, hi = bounds(start, end)
    values = {
        key: sum(
            source(scope, lo, hi).order_by().values("pk").distinct().count() for source in srcs
        )
        for key, srcs in SOURCES.items()
    }
    return ContinuumCounts(**values)
