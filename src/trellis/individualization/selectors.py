"""Reads for individualization: the plans a person may see, a learner's
active accommodations, and the pacing board of a class."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from reversion.models import Version

from trellis.curriculum import selectors as curriculum_selectors
from trellis.evidence.selectors.answers import (
    attempts_by_learner_and_assessment,
    standing_answers_by_attempt,
)
from trellis.evidence.selectors.class_assessments import (
    assessment_of_class as evidence_assessment_of_class,
)
from trellis.evidence.selectors.class_assessments import mastery_checks_of, summative_taken_by
from trellis.individualization.constants import EXTENDED_TIME
from trellis.individualization.models import (
    ACTIVE,
    IndividualPlan,
    IndividualPlanVersion,
    LearnerPace,
    Module,
    ModulePass,
    ModuleSequence,
    PlanReadLog,
    SpecificObjective,
    SummativeReport,
    SupportSession,
)
from trellis.people import selectors as people_selectors

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Assessment


def plans_visible_to(user: User) -> QuerySet[IndividualPlan]:
    """The queryset side of ``can_view_plan``: plans of learners the person may see."""
    return (
        IndividualPlan.objects.filter(learner__in=people_selectors.learners_visible_to(user))
        .select_related("learner", "responsible")
        .order_by("learner__username", "-updated_at")
    )


def plan_detail(plan_id: int) -> IndividualPlan:
    """A plan with everything its page shows, in a fixed number of queries."""
    from trellis.individualization.models import Support

    return (
        IndividualPlan.objects.select_related("learner", "responsible", "created_by")
        .prefetch_related(
            "objectives__competencies",
            "objectives__measurements",
            Prefetch("supports", queryset=Support.objects.prefetch_related("sessions")),
            _versions(),
        )
        .get(pk=plan_id)
    )


def _versions() -> Prefetch:
    """A plan's versions with their revisions, authors and stored versions
    (django-reversion's): two queries, as many versions as there are."""
    return Prefetch(
        "versions",
        queryset=IndividualPlanVersion.objects.select_related("revision__user").prefetch_related(
            Prefetch("revision__version_set", queryset=Version.objects.order_by("pk"))
        ),
    )


def versions_with_changes(plan: IndividualPlan) -> list[tuple]:
    """(version, what it changed) newest first, for the versions table."""
    from trellis.individualization.services.plans import describe_changes

    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    out, before = [], None
    for version in versions:
        out.append((version, describe_changes(before, version.snapshot)))
        before = version.snapshot
    return out[::-1]


def active_plan_for(learner: User) -> IndividualPlan | None:
    if not getattr(learner, "pk", None):
        return None
    return (
        IndividualPlan.objects.filter(learner_id=learner.pk, status=ACTIVE)
        .order_by("-updated_at")
        .first()
    )


def active_plans_by_learner(learner_ids: Iterable[int]) -> dict[int, IndividualPlan]:
    """Each learner's active plan (as ``active_plan_for`` picks it) with its
    objectives and supports: three queries however many learners."""
    plans: dict[int, IndividualPlan] = {}
    for plan in (
        IndividualPlan.objects.filter(learner_id__in=list(learner_ids), status=ACTIVE)
        .prefetch_related("objectives", "supports")
        .order_by("-updated_at")
    ):
        plans.setdefault(plan.learner_id, plan)
    return plans


def accommodations_of(learner: User) -> tuple[frozenset[str], float]:
    """The learner's active accommodations and time multiplier, cached on the
    user object for the request so that every item on a page costs one query."""
    cached = getattr(learner, "_individualization_cache", None)
    if cached is None:
        plan = active_plan_for(learner)
        if plan is None:
            cached = (frozenset(), 1.0)
        else:
            applied = frozenset(plan.accommodations)
            multiplier = plan.time_multiplier if EXTENDED_TIME in applied else 1.0
            cached = (applied, multiplier)
        with contextlib.suppress(AttributeError):  # an anonymous user object
            learner._individualization_cache = cached
    return cached


def read_log(plan: IndividualPlan) -> QuerySet[PlanReadLog]:
    return plan.reads.select_related("reader").order_by("-at", "-pk")


def reports_visible_to(user: User) -> list[SummativeReport]:
    """Reports on learners the person may see, kept to those the report rule
    allows (a guardian sees only shared ones)."""
    qs = (
        SummativeReport.objects.filter(learner__in=people_selectors.learners_visible_to(user))
        .select_related("assessment", "learner")
        .order_by("-created_at", "-pk")
    )
    return [r for r in qs if user.has_perm("individualization.view_report", r)]


def reports_visible_for_learner(user: User, learner: User) -> list[SummativeReport]:
    qs = SummativeReport.objects.filter(learner=learner).select_related("assessment", "created_by")
    return [r for r in qs if user.has_perm("individualization.view_report", r)]


def default_sequence(school_class: SchoolClass) -> ModuleSequence | None:
    return (
        ModuleSequence.objects.filter(school_class=school_class, is_default=True)
        .order_by("pk")
        .first()
    )


def sequences_of(school_class: SchoolClass) -> QuerySet[ModuleSequence]:
    return ModuleSequence.objects.filter(school_class=school_class).prefetch_related(
        Prefetch(
            "modules",
            queryset=Module.objects.select_related("mastery_check").prefetch_related(
                "competencies", "resources"
            ),
        )
    )


@dataclass(frozen=True)
class PaceRow:
    learner: User
    pace: LearnerPace | None
    module: Module | None
    position: int | None
    of: int
    days_on_module: int | None
    status: str  # "working", "finished", "not started", "not placed"
    check: str = ""  # how the current module's mastery check stands, in words


def _check_states(rows: list[tuple[int, Module]]) -> dict[int, str]:
    """For (learner id, current module) pairs: where each learner's attempt at
    the module's mastery check stands -- two queries for the whole board."""
    wanted = {(lid, m.mastery_check_id): m for lid, m in rows if m.mastery_check_id}
    if not wanted:
        return {}
    attempts = attempts_by_learner_and_assessment(
        {lid for lid, _ in wanted}, {cid for _, cid in wanted}
    )
    answers = standing_answers_by_attempt([a.pk for a in attempts.values()])
    out = {}
    for (lid, cid), module in wanted.items():
        attempt = attempts.get((lid, cid))
        needs = f"needs {round(100 * module.threshold)} %"
        if attempt is None or not attempt.item_ids:
            out[lid] = f"check not taken yet ({needs})"
            continue
        got = answers.get(attempt.pk, {})
        share = round(100 * sum(got.values()) / len(attempt.item_ids))
        if attempt.submitted_at is None and len(got) < len(attempt.item_ids):
            out[lid] = f"check under way: {len(got)} of {len(attempt.item_ids)} answered"
        else:
            out[lid] = f"check not passed: {share} % ({needs}); give the module a new check"
    return out


def _days(since: datetime, today: date) -> int:
    return max(0, (today - timezone.localdate(since)).days)


def pacing_board(school_class: SchoolClass) -> list[PaceRow]:
    """Every learner of the class with where they are; the learner stuck
    longest on one module first, then those waiting to start, finished last."""
    today = timezone.localdate()
    learners = list(people_selectors.roster_of(school_class))
    paces = {
        p.learner_id: p
        for p in LearnerPace.objects.filter(school_class=school_class)
        .select_related("current_module", "sequence")
        .prefetch_related("sequence__modules")
    }
    rows = []
    for learner in learners:
        pace = paces.get(learner.pk)
        if pace is None:
            rows.append(PaceRow(learner, None, None, None, 0, None, "not placed"))
            continue
        modules = list(pace.sequence.modules.all())
        module = pace.current_module
        position = next(
            (n for n, m in enumerate(modules, 1) if m.pk == pace.current_module_id), None
        )
        if pace.finished_at is not None:
            status, days = "finished", None
        elif pace.start_after and pace.start_after > today:
            status, days = "not started", None
        else:
            status, days = "working", _days(pace.entered_at, today)
            if pace.start_after:  # a later start counts from the day it began
                days = min(days, max(0, (today - pace.start_after).days))
        rows.append(PaceRow(learner, pace, module, position, len(modules), days, status))
    checks = _check_states(
        [(r.learner.pk, r.module) for r in rows if r.status == "working" and r.module]
    )
    rows = [
        PaceRow(
            r.learner,
            r.pace,
            r.module,
            r.position,
            r.of,
            r.days_on_module,
            r.status,
            checks[r.learner.pk],
        )
        if r.learner.pk in checks
        else r
        for r in rows
    ]
    order = {"working": 0, "not started": 1, "not placed": 2, "finished": 3}
    rows.sort(key=lambda r: (order[r.status], -(r.days_on_module or 0), r.learner.username))
    return rows


def paces_of_learner(learner: User) -> QuerySet[LearnerPace]:
    return (
        LearnerPace.objects.filter(learner=learner)
        .select_related("school_class", "sequence", "current_module__mastery_check")
        .prefetch_related(
            "current_module__resources",
            "current_module__competencies",
            "sequence__modules",
            "passes",
        )
        .order_by("school_class__name", "pk")
    )


# --- For the continuum report ------------------------------------------------


def plan_versions_saved(
    learner_ids: Iterable[int], lo: datetime, hi: datetime
) -> QuerySet[IndividualPlanVersion]:
    """Versions of the learners' plans saved in [lo, hi) (history of plans)."""
    return (
        IndividualPlanVersion.objects.filter(
            plan__learner_id__in=people_selectors.id_filter(learner_ids),
            revision__date_created__gte=lo,
            revision__date_created__lt=hi,
        )
        .select_related("plan__learner", "revision__user")
        .order_by("revision__date_created", "pk")
    )


def paces_entered(
    class_ids: Iterable[int], learner_ids: Iterable[int], lo: datetime, hi: datetime
) -> QuerySet[LearnerPace]:
    """Placements of the learners on a module sequence in [lo, hi)."""
    return (
        LearnerPace.objects.filter(
            school_class_id__in=list(class_ids),
            learner_id__in=people_selectors.id_filter(learner_ids),
            entered_at__gte=lo,
            entered_at__lt=hi,
        )
        .select_related("sequence__created_by")
        .order_by("entered_at", "pk")
    )


def objectives_set(learner_ids: Iterable[int], lo: date, hi: date) -> QuerySet[SpecificObjective]:
    """Specific objectives of the learners' plans with a baseline in [lo, hi)."""
    return (
        SpecificObjective.objects.filter(
            plan__learner_id__in=people_selectors.id_filter(learner_ids),
            baseline_date__gte=lo,
            baseline_date__lt=hi,
        )
        .select_related("plan__learner", "plan__responsible")
        .order_by("baseline_date", "pk")
    )


def sessions_logged(learner_ids: Iterable[int], lo: date, hi: date) -> QuerySet[SupportSession]:
    """One-on-one support sessions with the learners on a day in [lo, hi)."""
    return (
        SupportSession.objects.filter(
            support__plan__learner_id__in=people_selectors.id_filter(learner_ids),
            on__gte=lo,
            on__lt=hi,
        )
        .select_related("support__plan__learner", "logged_by")
        .order_by("on", "pk")
    )


def module_passes_made(
    class_ids: Iterable[int], learner_ids: Iterable[int], lo: datetime, hi: datetime
) -> QuerySet[ModulePass]:
    """Modules the learners passed in [lo, hi), in the classes' sequences."""
    return (
        ModulePass.objects.filter(
            pace__school_class_id__in=list(class_ids),
            pace__learner_id__in=people_selectors.id_filter(learner_ids),
            passed_at__gte=lo,
            passed_at__lt=hi,
        )
        .select_related("pace", "module")
        .order_by("passed_at", "pk")
    )


def individual_competencies(learner_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each learner, the competencies of their plans' specific objectives
    and of the modules of the sequences they are placed on (what an OF
    check would confirm for them alone)."""
    ids = people_selectors.id_filter(learner_ids)
    out: dict[int, set[int]] = {}
    for learner_id, comp_id in SpecificObjective.objects.filter(
        plan__learner_id__in=ids, plan__status=ACTIVE
    ).values_list("plan__learner_id", "competencies"):
        if comp_id is not None:
            out.setdefault(learner_id, set()).add(comp_id)
    for learner_id, comp_id in LearnerPace.objects.filter(learner_id__in=ids).values_list(
        "learner_id", "sequence__modules__competencies"
    ):
        if comp_id is not None:
            out.setdefault(learner_id, set()).add(comp_id)
    return out


# --- What the API's individualization endpoints read ---------------------


def competencies_by_ids(ids: Iterable[int]) -> list[Competency]:
    """The competencies with these ids (an unknown id is simply missing)."""
    return list(curriculum_selectors.competencies_by_ids(ids))


def staff_member(user_id: int) -> User | None:
    """The person named as a plan's responsible staff member, if any."""
    return people_selectors.person_by_id(user_id)


def plan_with_versions(plan: IndividualPlan) -> IndividualPlan:
    """The plan again, its versions and who made each fetched with it."""
    return IndividualPlan.objects.prefetch_related(_versions()).get(pk=plan.pk)


def assessment_of_class(school_class_id: int, assessment_id: int) -> Assessment | None:
    """An assessment of the class (a module's mastery check), or None."""
    return evidence_assessment_of_class(school_class_id, assessment_id)


def mastery_checks_for(school_class: SchoolClass) -> QuerySet[Assessment]:
    """The class's assessments a module can take as its mastery check."""
    return mastery_checks_of(school_class)


def summative_assessments_for_report(learner: User, teacher: User) -> QuerySet[Assessment]:
    """The OF-learning assessments the learner attempted in the teacher's
    classes: the choices for a summative report."""
    return summative_taken_by(learner, teacher)


def resources_of_school(school_id: int, ids: Iterable[int]) -> list[Resource]:
    """The school's resources among ``ids`` (another school's are left out)."""
    return list(curriculum_selectors.resources_of_school(school_id).filter(pk__in=list(ids)))


def sequence_of_class(school_class: SchoolClass, sequence_id: int) -> ModuleSequence | None:
    return ModuleSequence.objects.filter(pk=sequence_id, school_class=school_class).first()


def class_has_modules(school_class: SchoolClass) -> bool:
    """Whether the class has a module sequence to move through at its own
    pace: the LMS is offered the modules placement only then (one query)."""
    return ModuleSequence.objects.filter(school_class=school_class).exists()
