"""Issue 23: what a device keeps for offline use (``GET /api/v1/offline-pack``)
is the caller's own open, started assessments' remaining questions, through
a session or a bearer token alike; the manifest and the service worker are
served from the site root the way browsers require."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from trellis.api.models import ApiToken
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.services import assessments as assessment_services

pytestmark = pytest.mark.django_db

PACK = "/api/v1/offline-pack"


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer_get(user, url):
    _, raw = ApiToken.issue(user=user, name="t")
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _take(setup) -> str:
    return f"/assessments/{setup.assessment.pk}/take/"


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_the_pack_holds_the_learners_remaining_questions(setup, settings, auth):
    settings.TRELLIS_OFFLINE_BUDGET_BYTES = 123456
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    first = attempt.item_ids[0]
    services.response_record(
        learner=learner,
        item=setup.items[next(k for k, i in setup.items.items() if i.pk == first)],
        answer="x" if first != setup.items[kinds.CHOICE].pk else "1",
        idempotency_key="k1",
        attempt=attempt,
    )
    got = (_session(learner).get(PACK) if auth == "session" else _bearer_get(learner, PACK)).json()
    assert got["budget_bytes"] == 123456
    (entry,) = got["entries"]
    assert entry["assessment_id"] == setup.assessment.pk and entry["started"] is True
    expected = [f"{_take(setup)}?item={i}" for i in attempt.item_ids[1:]]
    assert entry["urls"] == expected and entry["pending"] == len(expected)


def test_a_not_started_assessment_is_listed_without_pages(setup):
    got = _session(setup.world.learner).get(PACK).json()
    (entry,) = got["entries"]
    assert entry["started"] is False and entry["urls"] == [] and entry["pending"] == 0


@pytest.mark.parametrize("viewer", ["other_learner", "teacher", "guardian", "admin", "stranger"])
def test_no_one_else_gets_the_learners_pages(setup, other_world, viewer):
    services.attempt_start(assessment=setup.assessment, learner=setup.world.learner)
    for person in (setup.world.people()[viewer], other_world.learner):
        assert _session(person).get(PACK).json()["entries"] == []
        assert _bearer_get(person, PACK).json()["entries"] == []


def test_anonymous_gets_nothing(setup):
    assert Client().get(PACK).status_code == 401


def test_closed_and_handed_in_assessments_are_not_kept(setup):
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    services.attempt_submit(attempt=attempt)
    assert _session(learner).get(PACK).json()["entries"] == []
    other = services.assessment_create(
        school_class=setup.world.class_a,
        title="Later",
        purpose="for",
        created_by=setup.world.teacher,
        items=[setup.items[kinds.CHOICE]],
    )
    services.attempt_start(assessment=other, learner=learner)
    assessment_services.assessment_close(assessment=other)
    assert _session(learner).get(PACK).json()["entries"] == []


def test_the_pack_costs_a_fixed_number_of_queries(setup, django_assert_num_queries):
    from trellis.evidence.selectors import offline_pack_for_learner

    learner = setup.world.learner
    for n in range(3):
        extra = services.assessment_create(
            school_class=setup.world.class_a,
            title=f"Extra {n}",
            purpose="for",
            created_by=setup.world.teacher,
            items=list(setup.items.values()),
        )
        services.attempt_start(assessment=extra, learner=learner)
    # The group assignments, the assessments with their class, the attempts,
    # the answers: four, however many assessments.
    with django_assert_num_queries(4):
        entries = offline_pack_for_learner(learner)
    assert len(entries) == 4


def test_a_question_page_can_be_asked_for_by_item(setup):
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    client = _session(learner)
    last = attempt.item_ids[-1]
    page = client.get(f"{_take(setup)}?item={last}").content.decode()
    assert f'data-item="{last}"' in page
    assert f"Question {len(attempt.item_ids)} of {len(attempt.item_ids)}" in page
    # An item not in the attempt falls back to the first question.
    other = client.get(f"{_take(setup)}?item=999999").content.decode()
    assert f'data-item="{attempt.item_ids[0]}"' in other


def test_service_worker_is_served_from_the_root():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert b"offline-pack" in response.content


def test_manifest_names_the_app_and_its_icons(settings):
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["display"] == "standalone" and data["start_url"] == "/assessments/"
    sizes = {icon["sizes"] for icon in data["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert icon["src"].startswith(settings.STATIC_URL)
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_only_learners_pages_register_the_worker(setup):
    learner_page = _session(setup.world.learner).get("/assessments/").content.decode()
    teacher_page = _session(setup.world.teacher).get("/assessments/").content.decode()
    assert 'data-service-worker="/sw.js"' in learner_page
    assert "data-service-worker" not in teacher_page
    assert 'rel="manifest"' in teacher_page  # installable for everyone


def test_opens_at_in_the_future_is_not_kept(setup):
    later = services.assessment_create(
        school_class=setup.world.class_a,
        title="Next week",
        purpose="for",
        created_by=setup.world.teacher,
        items=[setup.items[kinds.CHOICE]],
        opens_at=timezone.now() + timezone.timedelta(days=7),
    )
    ids = [e["assessment_id"] for e in _session(setup.world.learner).get(PACK).json()["entries"]]
    assert later.pk not in ids
