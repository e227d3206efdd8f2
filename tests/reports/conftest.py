"""Three classes of one school, each run in one style through the owning
apps' services (``trellis.reports.demo``), over a small curriculum."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.differentiation.conftest import answer, enrol_more, make_curriculum
from tests.factories import SchoolClassFactory, TeachingAssignmentFactory
from trellis.curriculum.models import Resource
from trellis.reports import demo


@dataclass
class Styled:
    diff: object
    indiv: object
    pers: object
    curriculum: object


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def styled_classes(world, prefix: str = "s1") -> Styled:
    cur = make_curriculum(world.school, prefix)
    comps = [cur.prereq, cur.objective]
    for comp in comps:
        resource = Resource.objects.create(
            school=world.school, title=f"Video on {comp.code}", format="video"
        )
        resource.competencies.add(comp)
    classes = []
    for name in ("Diff", "Indiv", "Pers"):
        school_class = SchoolClassFactory(school=world.school, name=f"{prefix} {name}")
        TeachingAssignmentFactory(school_class=school_class, teacher=world.teacher)
        learners = enrol_more(school_class, 6, prefix=name.lower())
        for learner in learners[:3]:
            for _ in range(5):
                answer(learner, cur.prereq_item, True)
        classes.append(school_class)
    demo.run_differentiated(classes[0], comps)
    demo.run_individualized(classes[1], comps)
    demo.run_personalized(classes[2], comps)
    return Styled(classes[0], classes[1], classes[2], cur)


@pytest.fixture
def styled(world) -> Styled:
    return styled_classes(world)
