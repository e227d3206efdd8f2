"""A small curriculum and plan for individualization tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trellis.curriculum import services as curriculum
from trellis.curriculum.models import Competency, Item
from trellis.evidence import services as evidence
from trellis.evidence.models import Assessment
from trellis.individualization.constants import EXTENDED_TIME, METHOD_MANUAL
from trellis.individualization.models import IndividualPlan
from trellis.individualization.services import plans
from trellis.people.models import SchoolClass, User

BASELINE = dt.date(2026, 9, 1)
TARGET = dt.date(2026, 12, 1)


@dataclass
class Curriculum:
    ratio: Competency
    rate: Competency
    items: list[Item]


def curriculum_for(world) -> Curriculum:
    framework = curriculum.framework_create(school=world.school, title=f"{world.school} maths")
    ratio = curriculum.competency_create(framework=framework, code="6.RP.1", statement="Ratios")
    rate = curriculum.competency_create(framework=framework, code="6.RP.2", statement="Rates")
    items = [
        curriculum.item_create(
            school=world.school,
            kind="choice",
            prompt=f"Ratio question {n}",
            competencies=[ratio],
            options=[
                {"text": "right", "correct": True},
                {"text": "close", "correct": False},
                {"text": "silly", "correct": False, "removable": True},
            ],
        )
        for n in range(3)
    ]
    return Curriculum(ratio=ratio, rate=rate, items=items)


def check_for(
    school_class: SchoolClass, items: list[Item], *, purpose: str = "for", **kw
) -> Assessment:
    return evidence.assessment_create(
        school_class=school_class,
        title=kw.pop("title", f"Check {purpose}"),
        purpose=purpose,
        created_by=None,
        items=items,
        **kw,
    )


def answer_all(learner: User, assessment: Assessment, right: int) -> None:
    """Answer every item: the first ``right`` correctly, the rest wrongly."""
    attempt = evidence.attempt_start(assessment=assessment, learner=learner)
    for n, item_id in enumerate(attempt.item_ids):
        item = Item.objects.get(pk=item_id)
        evidence.response_record(
            learner=learner,
            item=item,
            answer="0" if n < right else "1",
            idempotency_key=f"{assessment.pk}-{learner.pk}-{n}",
            attempt=attempt,
        )


def plan_for(world, accommodations=(EXTENDED_TIME,), **kw) -> IndividualPlan:
    return plans.plan_create(
        learner=world.learner,
        author=world.teacher,
        title=kw.pop("title", "Reading support"),
        accommodations=accommodations,
        **kw,
    )


def fresh(user: User) -> User:
    """The same person without request-level caches."""
    return User.objects.get(pk=user.pk)


def objective_for(world, plan: IndividualPlan, cur: Curriculum, **changes):
    """An objective added to the plan by the class's teacher: 30 → 60 words a
    minute on ratios, measured by hand, unless ``changes`` say otherwise."""
    fields = dict(
        plan=plan,
        changed_by=world.teacher,
        reason="Objective added.",
        statement="Read 60 words a minute",
        competencies=[cur.ratio],
        method=METHOD_MANUAL,
        unit="wpm",
        baseline_value=30,
        baseline_date=BASELINE,
        target_value=60,
        target_date=TARGET,
    )
    return plans.objective_add(**(fields | changes))
