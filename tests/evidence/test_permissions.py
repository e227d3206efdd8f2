"""Who may see mastery and evidence, score work and manage assessments —
each rule tried by the people who must be refused, through the page and the
API, with a second school alongside: nothing crosses schools."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.evidence.conftest import build
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import Response
from trellis.people.access import NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

#: viewer -> may see the mastery and evidence of world.learner
MAY_SEE_LEARNER = {
    "admin": True, "teacher": True, "teacher_b": False, "dual": False, "learner": True,
    "sibling": False, "other_learner": False, "guardian": True, "stranger": False,
}  # fmt: skip


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def answered(setup):
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    for n, (kind, answer) in enumerate([(kinds.CHOICE, "1"), (kinds.RUBRIC, "My work")]):
        services.response_record(
            learner=learner,
            item=setup.items[kind],
            answer=answer,
            idempotency_key=f"k{n}",
            attempt=attempt,
        )
    return setup


@pytest.mark.parametrize("viewer", sorted(MAY_SEE_LEARNER))
def test_learner_mastery_page_and_api(answered, viewer):
    w = answered.world
    client = _client(w.people()[viewer])
    page = client.get(f"/learners/{w.learner.pk}/competencies/")
    api = client.get(f"/api/v1/mastery?learner_id={w.learner.pk}")
    listed = client.get("/api/v1/responses").json()
    if MAY_SEE_LEARNER[viewer]:
        assert page.status_code == 200 and api.status_code == 200
        assert {m["competency_id"] for m in api.json()} == {answered.competency.pk}
        assert w.learner.pk in {x["learner_id"] for x in listed}
    else:
        assert page.status_code == 404 and api.status_code == 404
        assert api.json() == {"detail": NOT_FOUND}
        assert w.learner.pk not in {x["learner_id"] for x in listed}


@pytest.mark.parametrize("viewer", ["admin", "teacher", "learner", "guardian"])
def test_other_school_sees_nothing(answered, other_world, viewer):
    client = _client(other_world.people()[viewer])
    w = answered.world
    assert client.get(f"/learners/{w.learner.pk}/competencies/").status_code == 404
    assert client.get(f"/api/v1/mastery?learner_id={w.learner.pk}").status_code == 404
    assert client.get("/api/v1/mastery").json() == []
    assert client.get("/api/v1/responses").json() == []
    assert client.get(f"/classes/{w.class_a.pk}/mastery/").status_code == 404
    assert client.get(f"/assessments/{answered.assessment.pk}/").status_code == 404
    assert client.get(f"/api/v1/assessments/{answered.assessment.pk}").status_code == 404
    assert client.get(f"/api/v1/items/{answered.items[kinds.CHOICE].pk}").status_code == 404
    assert client.get(f"/api/v1/frameworks/{answered.framework.pk}").status_code == 404
    assert client.get("/api/v1/items").json() == []
    response = Response.objects.get(item=answered.items[kinds.RUBRIC])
    assert client.get(f"/responses/{response.pk}/score/").status_code == 404
    post = client.post(
        f"/api/v1/responses/{response.pk}/rubric-scores",
        json.dumps({"points": [1, 1]}),
        content_type="application/json",
    )
    assert post.status_code == 404


@pytest.mark.parametrize(
    "viewer, status",
    [
        ("teacher", 200),
        ("admin", 200),
        ("teacher_b", 404),
        ("dual", 404),
        ("learner", 403),
        ("guardian", 403),
        ("stranger", 404),
    ],
)
def test_heatmap_is_for_the_class_roster(setup, viewer, status):
    client = _client(setup.world.people()[viewer])
    assert client.get(f"/classes/{setup.world.class_a.pk}/mastery/").status_code == status


@pytest.mark.parametrize(
    "viewer, page_status, api_status",
    [
        ("teacher", 200, 201),
        ("teacher_b", 404, 404),
        ("admin", 403, 403),
        ("learner", 403, 403),
        ("guardian", 403, 403),
        ("stranger", 404, 404),
    ],
)
def test_only_the_class_teacher_scores_rubric_work(answered, viewer, page_status, api_status):
    response = Response.objects.get(item=answered.items[kinds.RUBRIC])
    client = _client(answered.world.people()[viewer])
    assert client.get(f"/responses/{response.pk}/score/").status_code == page_status
    post = client.post(
        f"/api/v1/responses/{response.pk}/rubric-scores",
        json.dumps({"points": [1, 1]}),
        content_type="application/json",
    )
    assert post.status_code == api_status


def test_self_rating_only_by_the_learner(answered):
    response = Response.objects.get(item=answered.items[kinds.RUBRIC])
    body = json.dumps({"points": [2, 1], "kind": "self"})
    assert (
        _client(answered.world.learner)
        .post(
            f"/api/v1/responses/{response.pk}/rubric-scores", body, content_type="application/json"
        )
        .status_code
        == 201
    )
    for viewer in ("guardian", "teacher"):
        assert (
            _client(answered.world.people()[viewer])
            .post(
                f"/api/v1/responses/{response.pk}/rubric-scores",
                body,
                content_type="application/json",
            )
            .status_code
            == 403
        )
    assert (
        _client(answered.world.guardian).get(f"/responses/{response.pk}/self-rate/").status_code
        == 403
    )


@pytest.mark.parametrize(
    "viewer, status", [("teacher", 200), ("teacher_b", 404), ("learner", 403), ("stranger", 404)]
)
def test_creating_assessments_is_for_the_class_teacher(setup, viewer, status):
    client = _client(setup.world.people()[viewer])
    assert client.get(f"/classes/{setup.world.class_a.pk}/assessments/new/").status_code == status
    post = client.post(
        "/api/v1/assessments",
        json.dumps(
            {
                "class_id": setup.world.class_a.pk,
                "title": "T",
                "purpose": "for",
                "item_ids": [setup.items["choice"].pk],
            }
        ),
        content_type="application/json",
    )
    assert post.status_code == {200: 201}.get(status, status)


def test_taking_is_for_assigned_learners(setup, other_world):
    assert (
        _client(setup.world.learner).get(f"/assessments/{setup.assessment.pk}/take/").status_code
        == 200
    )
    assert (
        _client(setup.world.other_learner)
        .get(f"/assessments/{setup.assessment.pk}/take/")
        .status_code
        == 404
    )
    assert (
        _client(other_world.learner)
        .post(f"/api/v1/assessments/{setup.assessment.pk}/attempt")
        .status_code
        == 404
    )
    teacher = _client(setup.world.teacher).get(f"/assessments/{setup.assessment.pk}/take/")
    assert teacher.status_code == 403


def test_items_are_for_staff(setup):
    item = setup.items["choice"]
    for viewer, status in [
        ("teacher", 200),
        ("admin", 200),
        ("teacher_b", 200),
        ("learner", 404),
        ("guardian", 404),
    ]:
        assert (
            _client(setup.world.people()[viewer]).get(f"/api/v1/items/{item.pk}").status_code
            == status
        )
    assert _client(setup.world.learner).get("/api/v1/items").json() == []
    assert _client(setup.world.learner).get("/items/new/").status_code == 403


def test_frameworks_per_school(setup, other_setup):
    mine = {f["id"] for f in _client(setup.world.learner).get("/api/v1/frameworks").json()}
    assert mine == {setup.framework.pk}
    theirs = {f["id"] for f in _client(other_setup.world.teacher).get("/api/v1/frameworks").json()}
    assert theirs == {other_setup.framework.pk}
    competencies = _client(setup.world.teacher).get("/api/v1/competencies").json()
    assert {c["framework_id"] for c in competencies} == {setup.framework.pk}


def test_answer_into_someone_elses_attempt_via_api(setup):
    attempt = services.attempt_start(assessment=setup.assessment, learner=setup.world.learner)
    post = _client(setup.world.sibling).post(
        "/api/v1/responses",
        json.dumps({"item_id": setup.items["choice"].pk, "answer": "1", "attempt_id": attempt.pk}),
        content_type="application/json",
    )
    assert post.status_code == 404


def test_build_helper_isolated(other_world):
    assert build(other_world).assessment.school_class == other_world.class_a


@pytest.mark.parametrize("way", ["session", "bearer"])
def test_only_the_items_school_may_practise_it_through_the_api(setup, other_world, way):
    """The practice check read with the item (decision 0016): a learner of
    another school, a teacher and a guardian of this one get 404 and
    nothing is recorded; the school's own learner records the answer."""
    from trellis.api.models import ApiToken

    item = setup.items[kinds.NUMERIC]

    def post(person, key):
        client, headers = Client(), {"HTTP_IDEMPOTENCY_KEY": key}
        if way == "session":
            client.force_login(person)
        else:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user=person, name='t')[1]}"
        return client.post(
            "/api/v1/responses",
            json.dumps({"item_id": item.pk, "answer": "1"}),
            content_type="application/json",
            **headers,
        )

    world = setup.world
    for n, person in enumerate((other_world.learner, world.teacher, world.guardian)):
        assert post(person, f"no{n}").status_code == 404
    assert not Response.objects.filter(item=item).exists()
    assert post(world.learner, "yes").status_code == 201
    assert list(Response.objects.filter(item=item).values_list("learner_id", flat=True)) == [
        world.learner.pk
    ]
