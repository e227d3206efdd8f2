"""Query counts of the learner's own assessment list and the guardian API do
not grow with the number of assessments assigned to differentiation groups
(issue #18: it used to cost four queries per assigned group per child)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.differentiation.conftest import make_curriculum
from tests.family.conftest import client_for
from trellis.differentiation import services as grouping_services
from trellis.evidence.selectors import assessments_for_learner
from trellis.evidence.services import assessment_assign, assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def curriculum(world):
    return make_curriculum(world.school, "qc")


def _assign_checks(world, curriculum, n: int, tag: str) -> tuple[list, list]:
    """n groupings of class A (each its own lineage), each with group A (the
    learner) and group B (the sibling), and one check assigned to each group."""
    for_learner: list = []
    for_sibling: list = []
    for i in range(n):
        grouping = grouping_services.grouping_save(
            school_class=world.class_a,
            objective=curriculum.objective,
            kind="readiness",
            groups=[
                grouping_services.GroupDraft("A", [world.learner.pk]),
                grouping_services.GroupDraft("B", [world.sibling.pk]),
            ],
            created_by=world.teacher,
        )
        for group, made in zip(
            grouping.groups.order_by("label"), (for_learner, for_sibling), strict=True
        ):
            check = assessment_create(
                school_class=world.class_a,
                title=f"{tag} {group.label} check {i}",
                purpose="for",
                created_by=world.teacher,
                items=[curriculum.objective_item],
                assign_class=False,
            )
            assessment_assign(assessment=check, target="group", assigned_group_id=group.pk)
            made.append(check)
    return for_learner, for_sibling


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_learner_list_is_flat_in_group_assigned_assessments(world, curriculum):
    mine, theirs = _assign_checks(world, curriculum, 1, "first")
    one = _count(lambda: assessments_for_learner(world.learner))
    more_mine, more_theirs = _assign_checks(world, curriculum, 2, "more")
    three = _count(lambda: assessments_for_learner(world.learner))
    # group assignments of the learner's classes (1) + the groups, the newest
    # revisions of their groupings and those revisions' members (3) + the
    # assessments (1) + the learner's attempts (1)
    assert (one, three) == (6, 6)
    listed = {a.pk for a, _ in assessments_for_learner(world.learner)}
    assert listed == {c.pk for c in mine + more_mine}
    assert {a.pk for a, _ in assessments_for_learner(world.sibling)} == {
        c.pk for c in theirs + more_theirs
    }


def test_guardian_api_is_flat_in_group_assigned_assessments(world, curriculum):
    _assign_checks(world, curriculum, 1, "first")
    client = client_for(world.guardian)
    url = "/api/v1/guardian/children"
    one = _count(lambda: client.get(url))
    _assign_checks(world, curriculum, 2, "more")
    three = _count(lambda: client.get(url))
    # Two children; still a fixed cost per child (mastery, goals, feedback,
    # plan, portfolio, work), but none per assigned group.
    assert (one, three) == (29, 29)
    body = client.get(url).json()
    upcoming = {c["name"]: {w["title"] for w in c["upcoming"]} for c in body}
    assert upcoming[str(world.learner)] == {"first A check 0", "more A check 0", "more A check 1"}
    assert upcoming[str(world.sibling)] == {"first B check 0", "more B check 0", "more B check 1"}
