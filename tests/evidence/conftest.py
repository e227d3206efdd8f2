"""A school's framework, items and a FOR assessment for class A, in both
worlds, for the evidence tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.curriculum.factories import leaf, make_framework, make_items
from tests.world import SchoolWorld
from trellis.curriculum.models import Competency, Framework, Item
from trellis.evidence.models import Assessment
from trellis.evidence.models.assessment import FOR_LEARNING
from trellis.evidence.services import assessment_create


@dataclass
class Setup:
    world: SchoolWorld
    framework: Framework
    competency: Competency
    items: dict[str, Item]
    assessment: Assessment


def build(world: SchoolWorld, purpose: str = FOR_LEARNING) -> Setup:
    framework = make_framework(world.school)
    competency = leaf(framework, "A.1")
    items = make_items(world.school, competency)
    assessment = assessment_create(
        school_class=world.class_a,
        title="Check",
        purpose=purpose,
        created_by=world.teacher,
        items=list(items.values()),
    )
    return Setup(world, framework, competency, items, assessment)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    """Test databases reuse school ids; a model cached in one test must not
    leak into the next."""
    from trellis.evidence import mastery

    mastery._cache.clear()
    yield
    mastery._cache.clear()


@pytest.fixture
def setup(world) -> Setup:
    return build(world)


@pytest.fixture
def other_setup(other_world) -> Setup:
    return build(other_world)
