"""Query counts of the learner's own assessment list and the guardian API do
not grow with the number of assessments assigned to differentiation groups
(issue #18: it used to cost four queries per assigned group per child), and
the guardian API's does not grow with the number of children (it used to
cost about fourteen per child)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.differentiation.conftest import make_curriculum
from tests.factories import (
    EnrollmentFactory,
    GuardianshipFactory,
    MembershipFactory,
    UserFactory,
)
from tests.family.conftest import child_records, client_for
from trellis.differentiation import services as grouping_services
from trellis.evidence.selectors import assessments_for_learner
from trellis.evidence.services import assessment_assign, assessment_create
from trellis.individualization.models import PlanReadLog
from trellis.individualization.services.plans import plan_create

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
    # Two children with no goals and no plans, so neither benchmarks nor a
    # plan's parts are fetched and no read is logged: GUARDIAN_QUERIES less
    # those (2 + 1 + 3) -- and nothing per assigned group.
    assert (one, three) == (GUARDIAN_QUERIES - 6, GUARDIAN_QUERIES - 6)
    body = client.get(url).json()
    upcoming = {c["name"]: {w["title"] for w in c["upcoming"]} for c in body}
    assert upcoming[str(world.learner)] == {"first A check 0", "more A check 0", "more A check 1"}
    assert upcoming[str(world.sibling)] == {"first B check 0", "more B check 0", "more B check 1"}


def _guardian_of(world, curriculum, n: int):
    """A new guardian with n children in class A, each with evidence, a goal,
    a shared portfolio entry, an active individual plan and a check assigned
    to a group they are in."""
    guardian = UserFactory(username=f"guardian_of_{n}")
    MembershipFactory(user=guardian, school=world.school, role="guardian")
    children = []
    for i in range(n):
        child = UserFactory(username=f"child_{n}_{i}", first_name=f"Child{i}")
        MembershipFactory(user=child, school=world.school, role="learner")
        EnrollmentFactory(learner=child, school_class=world.class_a)
        GuardianshipFactory(guardian=guardian, learner=child)
        child_records(world, child, world.class_a, curriculum, f"child {i}")
        plan_create(learner=child, author=world.teacher, title=f"Plan of child {i}")
        children.append(child)
    grouping = grouping_services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[
            grouping_services.GroupDraft("A", [c.pk for c in children]),
            grouping_services.GroupDraft("B", [world.learner.pk, world.sibling.pk]),
        ],
        created_by=world.teacher,
    )
    check = assessment_create(
        school_class=world.class_a,
        title="Group check",
        purpose="for",
        created_by=world.teacher,
        items=[curriculum.objective_item],
        assign_class=False,
    )
    group = grouping.groups.get(label="A")
    assessment_assign(assessment=check, target="group", assigned_group_id=group.pk)
    return guardian, children


# Signing in (session, user) 2; the children 1; recent evidence 1; mastery 1;
# goals and their benchmarks 2; teachers' comments 1; goal reviews 1; the
# assignments reaching the children 1, the groups among them 3, the
# assessments 1, the attempts 1; the plans with objectives and supports 3;
# shared portfolios 1; the plan read log: one insert inside its savepoint 3.
GUARDIAN_QUERIES = 2 + 1 + 1 + 1 + 2 + 1 + 1 + (1 + 3 + 1 + 1) + 3 + 1 + 3


@pytest.mark.parametrize("children", [1, 2, 5])
def test_guardian_api_is_flat_in_the_number_of_children(
    world, curriculum, children, django_assert_num_queries
):
    guardian, kids = _guardian_of(world, curriculum, children)
    client = client_for(guardian)
    with django_assert_num_queries(GUARDIAN_QUERIES):
        body = client.get("/api/v1/guardian/children").json()
    assert sorted(c["id"] for c in body) == sorted(k.pk for k in kids)
    for child in body:
        number = child["name"].split()[0].removeprefix("Child")
        assert {w["title"] for w in child["upcoming"]} == {"Group check"}
        assert child["individual_plan"] == f"Plan of child {number}"
        assert child["goals"][0]["title"] == f"Goal of child {number}"
        assert child["shared_portfolio"] == [f"Shared by child {number}"]
        assert child["mastery"] and child["mastery"][0]["new_evidence"] >= 1
    assert PlanReadLog.objects.filter(reader=guardian, via="api").count() == children
