"""Family test data, made through the other apps' services: each child of
``guardian`` (learner, sibling) and ``other_learner`` get distinct evidence,
goals, work and portfolio entries, so that a leak shows up by name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from tests.differentiation.conftest import answer, make_curriculum
from trellis.evidence.services import assessment_create
from trellis.personalization.services.goals import goal_create
from trellis.personalization.services.portfolio import entry_add


@dataclass
class FamilyData:
    curriculum: object
    other_curriculum: object


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def child_records(world, learner, school_class, curriculum, tag: str) -> None:
    answer(learner, curriculum.prereq_item, True)
    soon = timezone.localdate() + dt.timedelta(days=14)
    goal_create(
        learner=learner,
        title=f"Goal of {tag}",
        benchmarks=[
            {"description": f"Benchmark of {tag}", "success_looks_like": "done", "due_on": soon}
        ],
    )
    entry_add(
        learner=learner, kind="note", title=f"Shared by {tag}", note="n", share_guardians=True
    )
    entry_add(learner=learner, kind="note", title=f"Private of {tag}", note="n")


def world_records(world, curriculum, prefix: str) -> None:
    teacher_a = world.teacher
    assessment_create(
        school_class=world.class_a,
        title=f"{prefix}Upcoming quiz A",
        purpose="for",
        created_by=teacher_a,
        items=[curriculum.objective_item],
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    assessment_create(
        school_class=world.class_a,
        title=f"{prefix}Overdue quiz A",
        purpose="for",
        created_by=teacher_a,
        items=[curriculum.objective_item],
        opens_at=timezone.now() - dt.timedelta(days=5),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    assessment_create(
        school_class=world.class_b,
        title=f"{prefix}Quiz B",
        purpose="for",
        created_by=world.teacher_b,
        items=[curriculum.objective_item],
        closes_at=timezone.now() + dt.timedelta(days=3),
    )
    child_records(world, world.learner, world.class_a, curriculum, f"{prefix}learner")
    child_records(world, world.sibling, world.class_a, curriculum, f"{prefix}sibling")
    child_records(world, world.other_learner, world.class_b, curriculum, f"{prefix}other")


@pytest.fixture
def family(world, other_world) -> FamilyData:
    curriculum = make_curriculum(world.school, "s1")
    other = make_curriculum(other_world.school, "s2")
    world_records(world, curriculum, "s1_")
    world_records(other_world, other, "s2_")
    return FamilyData(curriculum, other)
