"""Setting up an assessment and who it is assigned to (class, learners,
group) on the page and through the API, and the refusals that keep answers
inside what was assigned, open and not yet handed in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from trellis.curriculum.models import item as kinds
from trellis.differentiation import services as differentiation
from trellis.evidence import selectors, services
from trellis.evidence.models import AssessmentAssignment
from trellis.evidence.models.assessment import (
    CLOSES_BEFORE_OPENS,
    FOR_LEARNING,
    NEEDS_ITEMS_OR_RULE,
    OF_LEARNING,
)
from trellis.evidence.services import assessments as assessment_services
from trellis.evidence.services import responses as response_services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _listed(learner) -> set[int]:
    return {x.pk for x, _ in selectors.assessments_for_learner(learner)}


def test_api_assigns_to_chosen_learners(setup):
    w = setup.world
    made = _post(
        _client(w.teacher), "/api/v1/assessments",
        {"class_id": w.class_a.pk, "title": "Just you", "purpose": "of",
         "item_ids": [setup.items[kinds.CHOICE].pk], "learner_ids": [w.learner.pk]},
    )  # fmt: skip
    assert made.status_code == 201
    body = made.json()
    assert body["assigned_to"] == [
        {"target": "learner", "learner_id": w.learner.pk, "group_id": None, "group_label": ""}
    ]
    assert body["id"] in _listed(w.learner) and body["id"] not in _listed(w.sibling)
    # A learner the teacher does not teach is not found.
    other = _post(
        _client(w.teacher), "/api/v1/assessments",
        {"class_id": w.class_a.pk, "title": "X", "purpose": "of",
         "item_ids": [setup.items[kinds.CHOICE].pk], "learner_ids": [w.other_learner.pk]},
    )  # fmt: skip
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"item_ids": []}, NEEDS_ITEMS_OR_RULE),
        ({"closes_at": "2000-01-01T00:00:00Z"}, CLOSES_BEFORE_OPENS),
        ({"purpose": "exam"}, "purpose"),
    ],
)
def test_api_refuses_bad_assessments(setup, extra, message):
    w = setup.world
    body = {"class_id": w.class_a.pk, "title": "Bad", "purpose": "for",
            "item_ids": [setup.items[kinds.CHOICE].pk], **extra}  # fmt: skip
    post = _post(_client(w.teacher), "/api/v1/assessments", body)
    assert post.status_code == 400 and str(message) in post.json()["detail"]
    assert not setup.assessment.school_class.assessments.filter(title="Bad").exists()


def test_create_page_explains_a_missing_choice(setup):
    page = _client(setup.world.teacher).post(
        f"/classes/{setup.world.class_a.pk}/assessments/new/",
        {"title": "Empty", "purpose": "for"},
    )
    assert page.status_code == 200
    assert str(NEEDS_ITEMS_OR_RULE) in page.content.decode()


def test_api_assigns_to_a_group_of_the_class_only(setup):
    w = setup.world
    grouping = differentiation.grouping_save(
        school_class=w.class_a, objective=setup.competency, kind="readiness",
        groups=[differentiation.GroupDraft("A", [w.learner.pk]),
                differentiation.GroupDraft("B", [w.sibling.pk])],
        created_by=w.teacher,
    )  # fmt: skip
    group_b = grouping.groups.get(label="B")
    check = services.assessment_create(
        school_class=w.class_a, title="For B", purpose=FOR_LEARNING, created_by=w.teacher,
        items=[setup.items[kinds.CHOICE]], assign_class=False,
    )  # fmt: skip
    url = f"/api/v1/assessments/{check.pk}/assignments"
    teacher = _client(w.teacher)
    for _ in range(2):  # twice: still one assignment
        made = _post(teacher, url, {"target": "group", "group_id": group_b.pk})
        assert made.status_code == 201
    assert made.json()["assigned_to"] == [
        {"target": "group", "learner_id": None, "group_id": group_b.pk, "group_label": "B"}
    ]
    assert AssessmentAssignment.objects.filter(assessment=check).count() == 1
    assert check.pk in _listed(w.sibling) and check.pk not in _listed(w.learner)
    # A group of another class, a group with a learner, a bad target: refused.
    other = differentiation.grouping_save(
        school_class=w.class_b, objective=setup.competency, kind="readiness",
        groups=[differentiation.GroupDraft("Only", [w.other_learner.pk])],
        created_by=w.teacher_b,
    ).groups.get()  # fmt: skip
    refused = _post(teacher, url, {"target": "group", "group_id": other.pk})
    assert refused.status_code == 400
    assert f"Group {other.pk} is not a group of" in refused.json()["detail"]
    assert _post(teacher, url, {"target": "group"}).status_code == 400
    assert _post(teacher, url, {"target": "planet"}).status_code == 400
    # Only the class's teacher assigns.
    assert _post(_client(w.sibling), url, {"target": "class"}).status_code == 403  # sees it
    assert _post(_client(w.learner), url, {"target": "class"}).status_code == 404  # does not
    assert _post(_client(w.teacher_b), url, {"target": "class"}).status_code in {403, 404}
    assert AssessmentAssignment.objects.filter(assessment=check).count() == 1


def test_answers_stay_inside_the_assessment(setup):
    w = setup.world
    attempt = services.attempt_start(assessment=setup.assessment, learner=w.learner)
    stray = services.assessment_create(
        school_class=w.class_a, title="Other", purpose=FOR_LEARNING, created_by=w.teacher,
        items=[setup.items[kinds.CHOICE]],
    )  # fmt: skip
    from tests.curriculum.factories import leaf, make_items

    outside = make_items(w.school, leaf(setup.framework, "A.2"))[kinds.NUMERIC]
    with pytest.raises(ValidationError) as exc:
        services.response_record(
            learner=w.learner, item=outside, answer="2.5", idempotency_key="x", attempt=attempt
        )
    assert exc.value.messages == [response_services.ITEM_NOT_IN_ASSESSMENT]
    services.attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError) as exc:
        services.response_record(
            learner=w.learner, item=setup.items[kinds.CHOICE], answer="1", idempotency_key="y",
            attempt=attempt,
        )  # fmt: skip
    assert exc.value.messages == [response_services.ALREADY_SUBMITTED]
    assert stray.pk  # another open assessment does not help


def test_not_open_yet_and_nothing_to_draw(setup):
    w = setup.world
    later = services.assessment_create(
        school_class=w.class_a, title="Next week", purpose=FOR_LEARNING, created_by=w.teacher,
        items=[setup.items[kinds.CHOICE]], opens_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.attempt_start(assessment=later, learner=w.learner)
    assert exc.value.messages[0].startswith("This assessment opens at")
    from tests.curriculum.factories import leaf

    empty = services.assessment_create(
        school_class=w.class_a, title="Draw", purpose=OF_LEARNING, created_by=w.teacher,
        draw_count=3, draw_competencies=[leaf(setup.framework, "A.3")],
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.attempt_start(assessment=empty, learner=w.learner)
    assert exc.value.messages == [assessment_services.NO_ITEMS_TO_DRAW]
