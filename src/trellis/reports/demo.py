"""Demo practice: three classes, each run mostly by one approach, made
through the owning apps' services so that the continuum report has real
records to count.

* Maths 6A — differentiation: groupings for three lessons formed by the
  grouping engine from the learners' evidence (readiness, then interest),
  with its explanations, a group plan per grouping (resources and support
  per group), FOR checks.
* Maths 6B — individualization: individual plans with specific objectives
  and one-on-one supports (sessions logged), a module sequence each learner
  moves through at their own pace, resources a teacher picked for one
  learner, OF checks.
* Every class's learners state varied interests and learning profiles.
* Maths 6C — personalization: learner profiles, goals the learners set with
  benchmarks (and check-ins that meet them), learner path choices, proposals
  for showing mastery, networks and help requests, AS self-checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from trellis.curriculum.selectors import resources_of_school, school_leaf_competencies
from trellis.differentiation import services as diff
from trellis.differentiation import suggest
from trellis.evidence.constants import AS_LEARNING, FOR_LEARNING, MASTERED, OF_LEARNING, PROFICIENT
from trellis.evidence.selectors.records import competency_ids_reached
from trellis.evidence.services import assessment_create
from trellis.individualization.constants import METHOD_PROBABILITY, ONE_ON_ONE
from trellis.individualization.services import pacing, plans
from trellis.personalization.constants import PEER
from trellis.personalization.services import goals, network, profile, proposals, reflection

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.people.models import School, SchoolClass, User
from trellis.people.selectors import roster_of

GRADE6 = "6."


def _learners(school_class: SchoolClass) -> list[User]:
    return list(roster_of(school_class).order_by("pk"))


def _teacher(school_class: SchoolClass) -> User:
    return school_class.teachers.order_by("pk").first()  # type: ignore[return-value]


def _objectives(school: School, n: int) -> list[Competency]:
    """Leaf competencies of the school's grade-6 framework, most practised first."""
    comps = list(school_leaf_competencies(school, GRADE6))
    return comps[:n]


def _resources_for(school: School, competency: Competency) -> list[Resource]:
    return list(resources_of_school(school).filter(competencies=competency).order_by("pk")[:3])


def _mastered_first(learners: Sequence[User], comps: Sequence[Competency]) -> list[Competency]:
    """Competencies ordered by how many of these learners have mastered them,
    so that own-pace modules are passed by the learners who are ready."""
    counts = {c.pk: 0 for c in comps}
    for cid in competency_ids_reached(learners, comps, (PROFICIENT, MASTERED)):
        counts[cid] += 1
    return sorted(comps, key=lambda c: (-counts[c.pk], c.code))


def _check(school_class: SchoolClass, title: str, purpose: str, comps: Sequence[Competency]):
    """A short check drawing two items from the competencies."""
    return assessment_create(
        school_class=school_class,
        title=title,
        purpose=purpose,
        created_by=_teacher(school_class),
        draw_count=2,
        draw_competencies=list(comps),
    )


#: Interests and learning profiles the demo learners state, varied so that
#: interest and profile groupings differ (a learner takes the k-th of each,
#: cycling at different lengths).
INTERESTS = (
    ("football", "music"),
    ("space", "drawing"),
    ("animals", "cooking"),
    ("music", "video games"),
    ("drawing", "animals"),
    ("space", "football"),
    ("cooking",),
)
TAKE_IN = (["video"], ["reading"], ["hands-on", "video"], ["interactive"], ["audio", "reading"])
EXPRESS = (["drawing"], ["speaking"], ["writing", "test"], ["making"])
ENGAGE = (["pairs"], ["alone"], ["group"], ["teacher", "pairs"], ["alone", "group"])


def _profiles(learners: Sequence[User]) -> None:
    """Each learner states interests and a learning profile, varied across
    the class."""
    for k, learner in enumerate(learners):
        tags = INTERESTS[k % len(INTERESTS)]
        profile.profile_update(
            learner=learner,
            interests=" and ".join(tags),
            interest_tags=list(tags),
            take_in=TAKE_IN[k % len(TAKE_IN)],
            express=EXPRESS[k % len(EXPRESS)],
            engage=ENGAGE[k % len(ENGAGE)],
        )


def run_differentiated(school_class: SchoolClass, objectives: Sequence[Competency]) -> None:
    """Three lessons, each grouped by the grouping engine from the learners'
    evidence (``differentiation.suggest``: readiness bands, with the
    engine's explanation of each group and of each placement), saved with
    the features they were grouped on; one interest grouping too."""
    teacher = _teacher(school_class)
    learners = _learners(school_class)
    _profiles(learners)
    for n, objective in enumerate(objectives):
        kind = "interest" if n == len(objectives) - 1 and n > 0 else "readiness"
        suggestion = suggest.suggest(
            school_class=school_class,
            objective=objective,
            kind=kind,
            constraints={"n_groups": 3},
        )
        grouping = diff.grouping_save(
            school_class=school_class,
            objective=objective,
            kind=kind,
            groups=[g.draft() for g in suggestion.groups],
            constraints=suggestion.constraints,
            created_by=teacher,
            note=f"Lesson {n + 1}",
            features=suggestion.features,
            notes=suggestion.notes,
            note_phrases=suggestion.note_phrases,
        )
        check = _check(school_class, f"Exit ticket: {objective.code}", FOR_LEARNING, [objective])
        resources = _resources_for(school_class.school, objective)
        diff.group_plan_save(
            grouping=grouping,
            created_by=teacher,
            title=f"Lesson {n + 1}: {objective.code}",
            entries=[
                diff.EntryDraft(
                    group_id=group.pk,
                    process=f"{group.label}: worked examples, then practice",
                    product="Exit ticket",
                    affect="Teacher checks in with this group first",
                    resource_ids=[r.pk for r in resources[:2]],
                    for_assessment_id=check.pk,
                )
                for group in grouping.groups.order_by("position")
            ],
        )
    _check(school_class, "End of unit test (groups)", OF_LEARNING, objectives)


def run_individualized(school_class: SchoolClass, competencies: Sequence[Competency]) -> None:
    teacher = _teacher(school_class)
    learners = _learners(school_class)
    _profiles(learners)
    today = timezone.localdate()
    ordered = _mastered_first(learners, competencies)
    sequence = pacing.sequence_create(
        school_class=school_class, title="Ratios, step by step", created_by=teacher
    )
    for n, comp in enumerate(ordered[:3]):
        pacing.module_add(
            sequence=sequence,
            title=f"Module {n + 1}: {comp.code}",
            competencies=[comp],
            resources=_resources_for(school_class.school, comp)[:1],
        )
    for k, learner in enumerate(learners):
        pace = pacing.pace_place(school_class=school_class, learner=learner, sequence=sequence)
        pacing.pace_sync(pace=pace)
        if k >= 8:
            continue
        plan = plans.plan_create(
            learner=learner, author=teacher, title=f"Plan for {learner}", summary="Reading support"
        )
        for comp in ordered[:2]:
            plans.objective_add(
                plan=plan,
                changed_by=teacher,
                reason="Set at the plan meeting",
                statement=f"Reach proficiency in {comp.code}",
                competencies=[comp],
                method=METHOD_PROBABILITY,
                baseline_value=0.3,
                baseline_date=today,
                target_value=0.8,
                target_date=today + dt.timedelta(days=42),
            )
        support = plans.support_add(
            plan=plan,
            changed_by=teacher,
            reason="Set at the plan meeting",
            kind=ONE_ON_ONE,
            provider="Ms Diaz, reading aide",
            planned_minutes_per_week=60,
        )
        for day in range(3):
            plans.support_session_log(
                support=support,
                logged_by=teacher,
                on=today - dt.timedelta(days=day * 3),
                minutes=20,
            )
        resources = _resources_for(school_class.school, ordered[0])
        if resources:
            reflection.path_choose(
                learner=learner,
                competency=ordered[0],
                resource=resources[k % len(resources)],
                chosen_by_user=teacher,
            )
    for n in range(3):
        _check(school_class, f"Module check {n + 1}", OF_LEARNING, ordered[:1])


#: The goals 6C's learners set themselves: each learner's own, on the
#: competency they chose to work on (title, then benchmarks as description,
#: what success looks like, days until due).
GOAL_IDEAS: tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...] = (
    (
        "Get confident with {code}",
        (
            ("Explain {code} to a friend", "They can use it", 7),
            ("Solve five problems on {code}", "Four right", 21),
        ),
    ),
    (
        "Master {code} before the unit check",
        (
            ("Finish the practice set on {code}", "Every item tried", 5),
            ("Score 80 % on a check of {code}", "At least 80 %", 14),
        ),
    ),
    (
        "Teach {code} to my group",
        (
            ("Make a one-page guide to {code}", "A classmate can follow it", 10),
            ("Lead a five-minute explanation", "Questions answered", 18),
        ),
    ),
    (
        "Use {code} outside school",
        (
            ("Find {code} in a recipe, a map or a shop", "A photo and a note", 7),
            ("Write and solve a problem of my own", "Solved and checked", 20),
        ),
    ),
)


def run_personalized(school_class: SchoolClass, competencies: Sequence[Competency]) -> None:
    teacher = _teacher(school_class)
    learners = _learners(school_class)
    today = timezone.localdate()
    choice = proposals.choice_create(
        school_class=school_class,
        competency_id=competencies[0].pk,
        title=f"Show what you know about {competencies[0].code}",
        options=["A poster", "A short video", "Your own idea"],
        deadline=timezone.now() + dt.timedelta(days=14),
        created_by=teacher,
    )
    _profiles(learners)
    for k, learner in enumerate(learners):
        comp = competencies[k % len(competencies)]
        title, steps = GOAL_IDEAS[k % len(GOAL_IDEAS)]
        goal = goals.goal_create(
            learner=learner,
            title=title.format(code=comp.code),
            benchmarks=[
                {
                    "description": description.format(code=comp.code),
                    "success_looks_like": success,
                    "due_on": today + dt.timedelta(days=days),
                }
                for description, success, days in steps
            ],
        )
        first = goal.benchmarks.order_by("position").first()
        goals.checkin_record(goal=goal, recorded_by=learner, ratings={first.pk: 1.0})
        resources = _resources_for(school_class.school, comp)
        reflection.path_choose(
            learner=learner,
            competency=comp,
            resource=resources[0] if resources else None,
            chosen_by_user=learner,
        )
        if k % 2 == 0:
            proposals.proposal_submit(
                choice=choice,
                learner=learner,
                what="A short video explaining ratio tables",
                how="I solve three problems and explain each step",
                rubric="Correct answers; clear steps; uses the words ratio and rate",
            )
        peer = learners[(k + 1) % len(learners)]
        if peer.pk != learner.pk:
            link = network.network_add(learner=learner, username=peer.username, kind=PEER)
            network.network_accept(link=link)  # demo peers have accepted
            request = network.help_request_send(
                learner=learner, message="Can you check my ratio table?", competency=comp
            )
            if k % 3 != 2:  # most requests get an answer; some are thanked and resolved
                reply = network.help_reply(
                    request=request,
                    author=peer,
                    text="Your table is right; check the units in the last row.",
                )
                if k % 3 == 0:
                    network.help_thank(reply=reply)
                    network.help_resolve(request=request)
    for n in range(2):
        _check(school_class, f"Self-check {n + 1}: how sure am I?", AS_LEARNING, competencies[:2])


@transaction.atomic
def load_demo_practice(*, school: School, classes: Sequence[SchoolClass]) -> None:
    """Run Maths 6A by differentiation, 6B by individualization and 6C by
    personalization (the classes are looked up by name among ``classes``)."""
    by_name = {c.name: c for c in classes}
    comps = _objectives(school, 6)
    if not comps:
        return
    if "Maths 6A" in by_name:
        run_differentiated(by_name["Maths 6A"], comps[:3])
    if "Maths 6B" in by_name:
        run_individualized(by_name["Maths 6B"], comps)
    if "Maths 6C" in by_name:
        run_personalized(by_name["Maths 6C"], comps)
