"""A small curriculum for a school (prerequisite P → objective O, one
numeric item on each) and helpers to enrol more learners and record answers
through the evidence service, so that mastery is real, not written by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item
from trellis.evidence.models.response import SOURCE_PRACTICE
from trellis.evidence.services import response_record
from trellis.evidence.services.responses import new_key
from trellis.people import roles


@dataclass
class Curriculum:
    framework: Framework
    prereq: Competency
    objective: Competency
    prereq_item: Item
    objective_item: Item


def make_curriculum(school, prefix: str = "") -> Curriculum:
    framework = Framework.objects.create(school=school, title=f"{prefix}Ratios")
    prereq = Competency.objects.create(
        framework=framework, code=f"{prefix}6.RP.1", statement="Understand ratios", position=1
    )
    objective = Competency.objects.create(
        framework=framework, code=f"{prefix}6.RP.3", statement="Use ratio reasoning", position=2
    )
    CompetencyLink.objects.create(
        framework=framework, kind=CompetencyLink.PRECEDES, origin=prereq, destination=objective
    )
    items = []
    for comp in (prereq, objective):
        item = Item.objects.create(
            school=school, kind="numeric", prompt=f"{comp.code}: 2+2?", numeric_answer=4
        )
        item.competencies.add(comp)
        items.append(item)
    return Curriculum(framework, prereq, objective, items[0], items[1])


def answer(learner, item, correct: bool, **kwargs):
    return response_record(
        learner=learner,
        item=item,
        answer="4" if correct else "5",
        idempotency_key=new_key(),
        source=SOURCE_PRACTICE,
        **kwargs,
    )


def enrol_more(school_class, n: int, prefix: str = "extra") -> list:
    out = []
    for i in range(n):
        user = UserFactory(
            username=f"{school_class.pk}_{prefix}{i}",
            first_name=f"{prefix.title()}{i}",
            last_name="Zed",
        )
        MembershipFactory(user=user, school=school_class.school, role=roles.LEARNER)
        EnrollmentFactory(school_class=school_class, learner=user)
        out.append(user)
    return out


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def curriculum(world) -> Curriculum:
    return make_curriculum(world.school, "s1-")


@pytest.fixture
def other_curriculum(other_world) -> Curriculum:
    return make_curriculum(other_world.school, "s2-")


def class_of_six(world, curriculum) -> list:
    """Class A with learner and sibling strong on both competencies and four
    more learners weak on the prerequisite; returns the four."""
    extra = enrol_more(world.class_a, 4)
    for strong in (world.learner, world.sibling):
        for _ in range(4):
            answer(strong, curriculum.prereq_item, True)
            answer(strong, curriculum.objective_item, True)
    for weak in extra:
        for _ in range(2):
            answer(weak, curriculum.prereq_item, False)
    return extra
