"""Demo practice: three classes, each run mostly by one approach, made
through the owning apps' services so that the continuum report has real
records to count.

* Maths 6A — differentiation: readiness groupings for three lessons, a
  group plan per grouping (resources and support per group), FOR checks.
* Maths 6B — individualization: individual plans with specific objectives
  and one-on-one supports (sessions logged), a module sequence each learner
  moves through at their own pace, resources a teacher picked for one
  learner, OF checks.
* Maths 6C — personalization: learner profiles, goals the learners set with
  benchmarks (and check-ins that meet them), learner path choices, proposals
  for showing mastery, networks and help requests, AS self-checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from trellis.curriculum.models import Competency, Resource
from trellis.differentiation import services as diff
from trellis.evidence.models import MasteryRecord
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.evidence.services import assessment_create
from trellis.individualization import constants as ic
from trellis.individualization.models import ONE_ON_ONE
from trellis.individualization.services import pacing, plans
from trellis.people.models import School, SchoolClass, User
from trellis.personalization.models.network import PEER
from trellis.personalization.services import goals, network, profile, proposals, reflection

GRADE6 = "6."


def _learners(school_class: SchoolClass) -> list[User]:
    return list(
        User.objects.filter(enrollments__school_class=school_class, enrollments__active=True)
        .order_by("pk")
        .distinct()
    )


def _teacher(school_class: SchoolClass) -> User:
    return school_class.teachers.order_by("pk").first()  # type: ignore[return-value]


def _objectives(school: School, n: int) -> list[Competency]:
    """Leaf competencies of the school's grade-6 framework, most practised first."""
    comps = list(
        Competency.objects.filter(
            framework__school=school, code__startswith=GRADE6, children__isnull=True
        ).order_by("code")
    )
    return comps[:n]


def _resources_for(school: School, competency: Competency) -> list[Resource]:
    return list(Resource.objects.filter(school=school, competencies=competency).order_by("pk")[:3])


def _mastered_first(learners: Sequence[User], comps: Sequence[Competency]) -> list[Competency]:
    """Competencies ordered by how many of these learners have mastered them,
    so that own-pace modules are passed by the learners who are ready."""
    counts = {c.pk: 0 for c in comps}
    for cid in MasteryRecord.objects.filter(
        learner__in=learners, competency__in=comps, level__in=("proficient", "mastered")
    ).values_list("competency_id", flat=True):
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


def run_differentiated(school_class: SchoolClass, objectives: Sequence[Competency]) -> None:
    teacher = _teacher(school_class)
    learners = _learners(school_class)
    thirds = [learners[k::3] for k in range(3)]
    labels = ("Ready to extend", "On track", "Needs reteaching")
    for n, objective in enumerate(objectives):
        grouping = diff.grouping_save(
            school_class=school_class,
            objective=objective,
            kind="readiness",
            groups=[
                diff.GroupDraft(label=labels[k], learner_ids=[u.pk for u in thirds[k]])
                for k in range(3)
                if thirds[k]
            ],
            created_by=teacher,
            note=f"Lesson {n + 1}",
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
                method=ic.METHOD_PROBABILITY,
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
    for k, learner in enumerate(learners):
        profile.profile_update(
            learner=learner, interests="sport and music", interest_tags=["sport", "music"]
        )
        goal = goals.goal_create(
            learner=learner,
            title="Get confident with ratios",
            benchmarks=[
                {
                    "description": "Explain a ratio table to a friend",
                    "success_looks_like": "They can use it",
                    "due_on": today + dt.timedelta(days=7),
                },
                {
                    "description": "Solve five rate problems",
                    "success_looks_like": "Four right",
                    "due_on": today + dt.timedelta(days=21),
                },
            ],
        )
        first = goal.benchmarks.order_by("position").first()
        goals.checkin_record(goal=goal, recorded_by=learner, ratings={first.pk: 1.0})
        comp = competencies[k % len(competencies)]
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
            network.help_request_send(
                learner=learner, message="Can you check my ratio table?", competency=comp
            )
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
