"""Corrections: a new record pointing at the one it corrects (never an edit),
the newest in a chain counting for mastery, through the service and the API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models.response import SOURCE_PRACTICE
from trellis.evidence.services import responses as response_services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def wrong(setup):
    """The learner's short-text answer the key missed ("numerater")."""
    attempt = services.attempt_start(assessment=setup.assessment, learner=setup.world.learner)
    return services.response_record(
        learner=setup.world.learner, item=setup.items[kinds.TEXT], answer="numerater",
        idempotency_key="orig", attempt=attempt,
    ).response  # fmt: skip


def test_teacher_corrects_through_the_api(setup, wrong):
    teacher = _client(setup.world.teacher)
    url = f"/api/v1/responses/{wrong.pk}/corrections"
    low = MasteryRecord.objects.get(learner=setup.world.learner).probability
    made = _post(teacher, url, {"correct": True}, key="fix-1")
    assert made.status_code == 201
    body = made.json()
    assert body["corrects_id"] == wrong.pk and body["correct"] is True
    assert body["answer"] == "numerater"  # the learner's answer is kept
    [mastery] = body["mastery"]
    assert mastery["probability"] > low and mastery["attempts"] == 1
    # A retry with the same key records nothing new.
    again = _post(teacher, url, {"correct": True}, key="fix-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Response.objects.filter(learner=setup.world.learner).count() == 2
    # The original is untouched and both are listed; the original cannot be
    # corrected twice, the newest can.
    wrong.refresh_from_db()
    assert wrong.correct is False and wrong.answer == "numerater"
    twice = _post(teacher, url, {"correct": False}, key="fix-2")
    assert twice.status_code == 400
    assert str(response_services.ALREADY_CORRECTED) in twice.json()["detail"]
    newest = _post(teacher, f"/api/v1/responses/{body['id']}/corrections", {"correct": False})
    assert newest.status_code == 201 and newest.json()["corrects_id"] == body["id"]
    record = MasteryRecord.objects.get(learner=setup.world.learner)
    assert (record.attempts, record.correct) == (1, 0)  # only the newest counts
    listed = {x["id"]: x["corrects_id"] for x in teacher.get("/api/v1/responses").json()}
    assert listed == {wrong.pk: None, body["id"]: wrong.pk, newest.json()["id"]: body["id"]}


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("learner", 403), ("sibling", 404), ("guardian", 403), ("teacher_b", 404)],
)
def test_only_the_class_teacher_corrects(setup, wrong, viewer, status):
    client = _client(setup.world.people()[viewer])
    post = _post(client, f"/api/v1/responses/{wrong.pk}/corrections", {"correct": True})
    assert post.status_code == status
    assert not Response.objects.filter(corrects=wrong).exists()


def test_other_school_cannot_correct(setup, wrong, other_world):
    post = _post(
        _client(other_world.teacher), f"/api/v1/responses/{wrong.pk}/corrections", {"correct": True}
    )
    assert post.status_code == 404


def test_a_rubric_task_is_rescored_not_corrected(setup):
    task = services.response_record(
        learner=setup.world.learner, item=setup.items[kinds.RUBRIC], answer="work",
        idempotency_key="task", source=SOURCE_PRACTICE,
    ).response  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.response_correct(
            original=task, recorded_by=setup.world.teacher, idempotency_key="c", correct=True
        )
    assert exc.value.messages == [response_services.RUBRIC_IS_RESCORED]


def test_a_key_used_for_another_record_is_refused(setup, wrong):
    with pytest.raises(ValidationError) as exc:
        services.response_correct(
            original=wrong, recorded_by=setup.world.teacher, idempotency_key="orig", correct=True
        )
    assert exc.value.messages == [response_services.KEY_USED_ELSEWHERE]
