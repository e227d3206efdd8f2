"""An assessment assigned to a differentiation group: listed for, opened and
answered by the group's current members only — not by a classmate outside
the group — on the pages and through the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from trellis.curriculum.models import item as kinds
from trellis.differentiation import services as differentiation
from trellis.evidence import selectors, services
from trellis.evidence.models import Response
from trellis.evidence.models.assessment import FOR_LEARNING, TARGET_GROUP

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def grouped(setup):
    """Group A = learner, group B = sibling (both in class A); a check
    assigned to group A only."""
    w = setup.world
    grouping = differentiation.grouping_save(
        school_class=w.class_a,
        objective=setup.competency,
        kind="readiness",
        groups=[
            differentiation.GroupDraft("A", [w.learner.pk]),
            differentiation.GroupDraft("B", [w.sibling.pk]),
        ],
        created_by=w.teacher,
    )
    group_a = grouping.groups.get(label="A")
    check = services.assessment_create(
        school_class=w.class_a,
        title="Group A check",
        purpose=FOR_LEARNING,
        created_by=w.teacher,
        items=[setup.items[kinds.CHOICE]],
        assign_class=False,
    )
    services.assessment_assign(
        assessment=check, target=TARGET_GROUP, assigned_group_id=group_a.pk, group_label="A"
    )
    return setup, grouping, check


def test_group_members_see_it_in_their_list(grouped):
    setup, _, check = grouped
    w = setup.world
    assert check in [x for x, _ in selectors.assessments_for_learner(w.learner)]
    assert check not in [x for x, _ in selectors.assessments_for_learner(w.sibling)]
    assert selectors.assessments_visible_to(w.learner).filter(pk=check.pk).exists()
    assert not selectors.assessments_visible_to(w.sibling).filter(pk=check.pk).exists()
    # The class-wide check of the same class stays in both lists.
    for learner in (w.learner, w.sibling):
        assert setup.assessment in [x for x, _ in selectors.assessments_for_learner(learner)]


def test_pages_and_api_list_it_for_the_group_only(grouped):
    setup, _, check = grouped
    w = setup.world
    member, classmate = _client(w.learner), _client(w.sibling)
    assert "Group A check" in member.get("/assessments/").content.decode()
    assert "Group A check" not in classmate.get("/assessments/").content.decode()
    assert check.pk in {x["id"] for x in member.get("/api/v1/assessments").json()}
    assert check.pk not in {x["id"] for x in classmate.get("/api/v1/assessments").json()}


def test_a_classmate_outside_the_group_cannot_open_or_answer_it(grouped):
    setup, _, check = grouped
    w = setup.world
    classmate = _client(w.sibling)
    assert classmate.get(f"/assessments/{check.pk}/take/").status_code == 404
    assert classmate.get(f"/assessments/{check.pk}/").status_code == 404
    assert classmate.post(f"/api/v1/assessments/{check.pk}/attempt").status_code == 404
    with pytest.raises(PermissionDenied):
        services.attempt_start(assessment=check, learner=w.sibling)
    # Nor through the member's attempt.
    attempt = services.attempt_start(assessment=check, learner=w.learner)
    post = classmate.post(
        "/api/v1/responses",
        json.dumps({"item_id": setup.items[kinds.CHOICE].pk, "answer": "1", "attempt_id": attempt.pk}),
        content_type="application/json",
    )  # fmt: skip
    assert post.status_code == 404
    assert not Response.objects.filter(learner=w.sibling).exists()


def test_a_group_member_takes_it(grouped):
    setup, _, check = grouped
    member = _client(setup.world.learner)
    assert member.get(f"/assessments/{check.pk}/take/").status_code == 200
    started = member.post(f"/api/v1/assessments/{check.pk}/attempt")
    assert started.status_code == 200
    post = member.post(
        "/api/v1/responses",
        json.dumps({"item_id": setup.items[kinds.CHOICE].pk, "answer": "1",
                    "attempt_id": started.json()["id"]}),
        content_type="application/json",
    )  # fmt: skip
    assert post.status_code == 201 and post.json()["correct"] is True


def test_moving_into_the_group_brings_the_assessment(grouped):
    setup, grouping, check = grouped
    w = setup.world
    differentiation.grouping_move(
        grouping=grouping, moves={w.sibling.pk: "A"}, created_by=w.teacher
    )
    assert check in [x for x, _ in selectors.assessments_for_learner(w.sibling)]
    assert services.attempt_start(assessment=check, learner=w.sibling)


def test_leaving_the_class_ends_a_group_assignment(grouped):
    setup, _, check = grouped
    w = setup.world
    w.class_a.enrollments.filter(learner=w.learner).update(active=False)
    assert check not in [x for x, _ in selectors.assessments_for_learner(w.learner)]
    with pytest.raises(PermissionDenied):
        services.attempt_start(assessment=check, learner=w.learner)
