"""Authoring: items of the four kinds (multiple response in test_multiple_response.py) and resources, through the services,
the forms (which say what is wrong) and the API; the prerequisite graph
staying acyclic; answers compared as documented."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.curriculum.factories import RUBRIC, leaf, make_framework
from trellis.curriculum import scoring, services
from trellis.curriculum.forms import CORRECT_OPTION_EMPTY, NOT_A_NUMBER_FIELD, RUBRIC_LINE_ERROR
from trellis.curriculum.models import CompetencyLink, Item, Resource
from trellis.curriculum.models import item as kinds
from trellis.curriculum.models.resource import VIDEO_NEEDS_URL

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def framework(world):
    return make_framework(world.school)


@pytest.fixture
def comp(framework):
    return leaf(framework, "A.1")


def _item(world, comp, **kwargs) -> Item:
    return services.item_create(school=world.school, prompt="Q?", competencies=[comp], **kwargs)


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(kind=kinds.CHOICE, options=[{"text": "4", "correct": True}]), kinds.CHOICE_NEEDS_OPTIONS),
        (dict(kind=kinds.CHOICE, options=[{"text": "3"}, {"text": "4"}]),
         kinds.CHOICE_NEEDS_ONE_CORRECT.format(count=0)),
        (dict(kind=kinds.CHOICE, options=[{"text": "3", "correct": True}, {"text": "4", "correct": True}]),
         kinds.CHOICE_NEEDS_ONE_CORRECT.format(count=2)),
        (dict(kind=kinds.CHOICE, options=[{"text": "4", "correct": True, "removable": True}, {"text": "3"}]),
         kinds.CHOICE_CORRECT_NOT_REMOVABLE),
        (dict(kind=kinds.CHOICE, options=[{"text": "4", "correct": True}, {"text": " "}]),
         kinds.CHOICE_EMPTY_OPTION.format(n=2)),
        (dict(kind=kinds.NUMERIC), kinds.NUMERIC_NEEDS_ANSWER),
        (dict(kind=kinds.NUMERIC, numeric_answer=2, numeric_tolerance=-1),
         kinds.NUMERIC_NEGATIVE_TOLERANCE),
        (dict(kind=kinds.TEXT, accepted_answers=[]), kinds.TEXT_NEEDS_ANSWERS),
        (dict(kind=kinds.RUBRIC), kinds.RUBRIC_NEEDS_CRITERIA),
        (dict(kind=kinds.RUBRIC, rubric=[{"name": "Reasoning", "levels": ["only one"]}]),
         kinds.RUBRIC_CRITERION_LEVELS.format(name="Reasoning")),
    ],
)  # fmt: skip
def test_bad_items_are_refused_with_the_reason(world, comp, kwargs, message):
    with pytest.raises(ValidationError) as exc:
        _item(world, comp, **kwargs)
    assert str(message) in _messages(exc)
    assert not Item.objects.exists()


def test_items_of_each_kind(world, comp):
    choice = _item(
        world, comp, kind=kinds.CHOICE,
        options=[{"text": " 3 ", "removable": True}, {"text": "4", "correct": True}, {"text": "5"}],
    )  # fmt: skip
    assert choice.options[0] == {"text": "3", "correct": False, "removable": True}
    numeric = _item(world, comp, kind=kinds.NUMERIC, numeric_answer=0.75, numeric_tolerance=0.01)
    text = _item(world, comp, kind=kinds.TEXT, accepted_answers=["the Numerator"])
    task = _item(world, comp, kind=kinds.RUBRIC, rubric=RUBRIC)
    assert task.rubric_max == 3 and not task.auto_scored
    assert list(numeric.competencies.all()) == [comp]
    # Scoring: the option's index; within the tolerance, fractions and a
    # decimal comma read; text ignoring case and extra spaces.
    assert scoring.score_answer(choice, "1").correct is True
    assert scoring.score_answer(choice, "0").correct is False
    for answer, right in [("3/4", True), ("0,76", True), ("0.7", False), (" .75 ", True)]:
        assert scoring.score_answer(numeric, answer).correct is right, answer
    for answer, right in [("  THE   numerator ", True), ("numerator", False)]:
        assert scoring.score_answer(text, answer).correct is right, answer
    assert scoring.score_answer(task, "my work").correct is None


@pytest.mark.parametrize("bad", ["three quarters", "1/0", "", "0.5.5"])
def test_a_non_number_is_refused_not_scored_zero(world, comp, bad):
    numeric = _item(world, comp, kind=kinds.NUMERIC, numeric_answer=0.5)
    with pytest.raises(ValidationError) as exc:
        scoring.score_answer(numeric, bad)
    assert exc.value.messages[0] in {
        scoring.NOT_A_NUMBER.format(value=bad.strip()),
        scoring.EMPTY_ANSWER,
    }


def test_items_only_tag_competencies_the_school_uses(world, other_world, comp):
    elsewhere = leaf(make_framework(other_world.school), "A.1")
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            school=world.school, kind=kinds.NUMERIC, prompt="Q", competencies=[elsewhere],
            numeric_answer=1,
        )  # fmt: skip
    assert services.COMPETENCY_ELSEWHERE.format(id=elsewhere.pk) in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            school=world.school, kind=kinds.NUMERIC, prompt="Q", competencies=[], numeric_answer=1
        )
    assert str(services.NEEDS_COMPETENCY) in _messages(exc)


def test_resources_are_tagged_and_checked(world, comp):
    resource = services.resource_create(
        school=world.school, title="Fraction walls", format="hands-on", competencies=[comp],
        readiness_level=2, interest_tags=["Sport", " sport ", "Music", ""],
        accessibility_features=["large-print", "read-aloud"],
    )  # fmt: skip
    assert resource.interest_tags == ["music", "sport"]
    assert resource.accessibility_features == ["large-print", "read-aloud"]
    assert list(resource.competencies.all()) == [comp]
    with pytest.raises(ValidationError) as exc:
        services.resource_create(
            school=world.school, title="Clip", format="video", competencies=[comp]
        )
    assert str(VIDEO_NEEDS_URL) in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.resource_create(
            school=world.school, title="Odd", format="reading", competencies=[comp],
            accessibility_features=["telepathy"],
        )  # fmt: skip
    assert "telepathy" in _messages(exc)
    with pytest.raises(ValidationError):
        services.resource_create(
            school=world.school, title="Hard", format="reading", competencies=[comp],
            readiness_level=9,
        )  # fmt: skip
    assert Resource.objects.count() == 1


def test_prerequisite_cycle_is_refused_and_named(framework):
    a1, a3 = leaf(framework, "A.1"), leaf(framework, "A.3")
    with pytest.raises(ValidationError) as exc:
        services.competency_link_create(origin=a3, destination=a1)
    assert "A.1 → A.2 → A.3 → A.1" in _messages(exc) or "A.3 → A.1 → A.2 → A.3" in _messages(exc)
    # A peer link is not a prerequisite, so it may point back.
    services.competency_link_create(origin=a3, destination=a1, kind=CompetencyLink.PEER)
    assert framework.links.filter(kind=CompetencyLink.PRECEDES).count() == 2


def _item_post(**fields) -> dict:
    base = {"kind": kinds.NUMERIC, "prompt": "Half of 5?", "numeric_tolerance": "0"}
    return {**base, **fields}


def test_item_form_explains_what_is_wrong(world, comp):
    teacher = _client(world.teacher)
    cases = [
        (_item_post(competencies=[comp.pk], numeric_answer="two and a half"), NOT_A_NUMBER_FIELD),
        (_item_post(competencies=[comp.pk], kind=kinds.RUBRIC, rubric="Reasoning none"),
         RUBRIC_LINE_ERROR.format(n=1, line="Reasoning none")),
        (_item_post(competencies=[comp.pk], kind=kinds.CHOICE, option_1="4", correct_option="2"),
         CORRECT_OPTION_EMPTY),
        (_item_post(competencies=[comp.pk], kind=kinds.TEXT), kinds.TEXT_NEEDS_ANSWERS),
        (_item_post(numeric_answer="2.5"), "This field is required."),
    ]  # fmt: skip
    for data, message in cases:
        page = teacher.post("/items/new/", data)
        assert page.status_code == 200
        assert str(message) in page.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Item.objects.exists()
    saved = teacher.post(
        "/items/new/",
        _item_post(competencies=[comp.pk], kind=kinds.RUBRIC,
                   rubric="Reasoning: none | partial | complete\nAccuracy: wrong | right"),
    )  # fmt: skip
    assert saved.status_code == 302
    task = Item.objects.get()
    assert task.rubric == RUBRIC and task.created_by == world.teacher


def test_resource_form(world, comp):
    teacher = _client(world.teacher)
    bad = teacher.post(
        "/resources/new/",
        {"title": "Clip", "format": "video", "readiness_level": "3", "competencies": [comp.pk]},
    )
    assert str(VIDEO_NEEDS_URL) in bad.content.decode()
    saved = teacher.post(
        "/resources/new/",
        {"title": "Fraction walls", "format": "hands-on", "readiness_level": "2",
         "interest_tags": "Art, art, building", "accessibility_features": ["large-print"],
         "competencies": [comp.pk]},
    )  # fmt: skip
    assert saved.status_code == 302
    assert Resource.objects.get().interest_tags == ["art", "building"]
    assert _client(world.learner).get("/resources/new/").status_code == 403


def _api_post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_items_and_resources_api(world, other_world, comp):
    teacher = _client(world.teacher)
    made = _api_post(
        teacher, "/api/v1/items",
        {"school_id": world.school.pk, "kind": "text", "prompt": "Top of a fraction?",
         "competency_ids": [comp.pk], "accepted_answers": ["numerator"]},
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["accepted_answers"] == ["numerator"]
    refused = _api_post(
        teacher, "/api/v1/items",
        {"school_id": world.school.pk, "kind": "choice", "prompt": "?", "competency_ids": [comp.pk],
         "options": [{"text": "a"}, {"text": "b"}]},
    )  # fmt: skip
    assert refused.status_code == 400
    assert kinds.CHOICE_NEEDS_ONE_CORRECT.format(count=0) in refused.json()["detail"]
    resource = _api_post(
        teacher, "/api/v1/resources",
        {"school_id": world.school.pk, "title": "Podcast", "format": "audio",
         "competency_ids": [comp.pk], "interest_tags": ["Space"],
         "accessibility_features": ["transcript"]},
    )  # fmt: skip
    assert resource.status_code == 201
    assert resource.json()["interest_tags"] == ["space"]
    listed = teacher.get(f"/api/v1/resources?competency_id={comp.pk}").json()
    assert [x["title"] for x in listed] == ["Podcast"]
    # Other schools and learners neither see nor write them.
    assert _client(other_world.teacher).get("/api/v1/resources").json() == []
    assert _client(world.learner).get("/api/v1/resources").json() == []
    for who in (other_world.teacher, world.learner):
        post = _api_post(
            _client(who), "/api/v1/resources",
            {"school_id": world.school.pk, "title": "X", "format": "reading",
             "competency_ids": [comp.pk]},
        )  # fmt: skip
        assert post.status_code == 404
    assert Resource.objects.count() == 1
