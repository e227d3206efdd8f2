"""Multiple-response items ("choose all that apply"): what the model
refuses, how an answer is read and scored (correct only for exactly the
correct set; the score gives partial credit), the question form and the
items API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.curriculum.factories import leaf, make_framework, make_multiple_response
from trellis.curriculum import scoring, services
from trellis.curriculum.forms import CORRECT_OPTION_EMPTY
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.curriculum.presentation import answer_as_shown

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def comp(world):
    return leaf(make_framework(world.school), "A.1")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([{"text": "4", "correct": True}], kinds.CHOICE_NEEDS_OPTIONS),
        ([], kinds.CHOICE_NEEDS_OPTIONS),
        ([{"text": "3"}, {"text": "4"}], kinds.MULTIPLE_NEEDS_CORRECT),
        ([{"text": "4", "correct": True, "removable": True}, {"text": "3"}],
         kinds.CHOICE_CORRECT_NOT_REMOVABLE),
        ([{"text": "4", "correct": True}, {"text": " "}], kinds.CHOICE_EMPTY_OPTION.format(n=2)),
    ],
)  # fmt: skip
def test_a_bad_multiple_response_item_is_refused_with_the_reason(world, comp, options, message):
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            school=world.school, kind=kinds.MULTIPLE_RESPONSE, prompt="Q?",
            competencies=[comp], options=options,
        )  # fmt: skip
    assert str(message) in " ".join(exc.value.messages)
    assert not Item.objects.exists()


def test_every_option_may_be_correct(world, comp):
    item = services.item_create(
        school=world.school, kind=kinds.MULTIPLE_RESPONSE, prompt="Which are numbers?",
        competencies=[comp], options=[{"text": "1", "correct": True}, {"text": "2", "correct": True}],
    )  # fmt: skip
    assert scoring.score_answer(item, "0,1").correct is True
    assert scoring.score_answer(item, "1").correct is False


def _expected_score(chosen: set[int], keys: set[int]) -> float:
    """The documented partial credit, computed here from its definition."""
    if chosen == keys:
        return 1.0
    right, wrong = len(chosen & keys), len(chosen - keys)
    return max(0.0, (right - wrong) / len(keys))


@pytest.mark.parametrize(
    ("raw", "chosen"),
    [
        ("0,2", {0, 2}),
        ("2,0", {0, 2}),
        (" 2 , 0 ", {0, 2}),
        ("0", {0}),
        ("0,1", {0, 1}),
        ("0,1,2", {0, 1, 2}),
        ("0,1,2,3", {0, 1, 2, 3}),
        ("1,3", {1, 3}),
        ([2, 0], {0, 2}),
        (["2"], {2}),
    ],
)
def test_scoring_is_all_or_nothing_with_partial_credit(world, comp, raw, chosen):
    item = make_multiple_response(world.school, comp)  # options 0 and 2 correct of 4
    keys = {i for i, o in enumerate(item.options) if o.get("correct")}
    scored = scoring.score_answer(item, raw) if isinstance(raw, str) else None
    if scored is None:
        answer = scoring.choices_answer(scoring.parse_choices(raw, len(item.options)))
        scored = scoring.score_answer(item, answer)
    assert scored.answer == ",".join(str(i) for i in sorted(chosen))
    assert scored.correct is (chosen == keys)
    assert scored.score == pytest.approx(_expected_score(chosen, keys))


def test_partial_credit_figures(world, comp):
    item = make_multiple_response(world.school, comp)
    # one of two right: half; one right and one wrong: nothing; everything: nothing
    assert scoring.score_answer(item, "0").score == 0.5
    assert scoring.score_answer(item, "0,1").score == 0.0
    assert scoring.score_answer(item, "0,1,2,3").score == 0.0
    assert scoring.score_answer(item, "0,1,2").score == 0.5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", scoring.CHOOSE_AT_LEAST_ONE),
        (" , ", scoring.CHOOSE_AT_LEAST_ONE),
        ("4", scoring.OPTION_OUT_OF_RANGE.format(value="4", top=3)),
        ("-1", scoring.OPTION_OUT_OF_RANGE.format(value="-1", top=3)),
        ("a,b", scoring.OPTION_OUT_OF_RANGE.format(value="a", top=3)),
        ("0,0", scoring.OPTION_TWICE.format(value=0)),
        ("2,0,2", scoring.OPTION_TWICE.format(value=2)),
    ],
)
def test_a_bad_answer_is_refused_not_scored(world, comp, raw, message):
    item = make_multiple_response(world.school, comp)
    with pytest.raises(ValidationError) as exc:
        scoring.score_answer(item, raw)
    assert exc.value.messages == [message]


def test_an_answer_is_shown_as_the_options_texts(world, comp):
    item = make_multiple_response(world.school, comp)
    assert answer_as_shown(item, "0,2") == "2; 4"
    assert answer_as_shown(item, "9") == "9"


def _form_data(comp, **extra) -> dict:
    data = {
        "kind": kinds.MULTIPLE_RESPONSE,
        "prompt": "Which are even?",
        "competencies": [comp.pk],
        "option_1": "2",
        "option_2": "3",
        "option_3": "4",
        "option_4": "5",
        "option_4_removable": "on",
    }
    data.update(extra)
    return data


def test_the_question_form_creates_a_multiple_response_item(world, comp):
    client = _client(world.teacher)
    page = client.get("/items/new/").content.decode()
    assert 'name="correct_options"' in page and 'type="checkbox"' in page
    done = client.post("/items/new/", _form_data(comp, correct_options=["1", "3"]))
    assert done.status_code == 302
    item = Item.objects.get()
    assert item.kind == kinds.MULTIPLE_RESPONSE
    assert item.options == [
        {"text": "2", "correct": True, "removable": False},
        {"text": "3", "correct": False, "removable": False},
        {"text": "4", "correct": True, "removable": False},
        {"text": "5", "correct": False, "removable": True},
    ]


def test_the_question_form_says_what_is_wrong(world, comp):
    client = _client(world.teacher)
    none = client.post("/items/new/", _form_data(comp))
    assert none.status_code == 200
    assert str(kinds.MULTIPLE_NEEDS_CORRECT) in none.content.decode()
    empty = client.post("/items/new/", _form_data(comp, correct_options=["1", "5"]))
    assert str(CORRECT_OPTION_EMPTY) in empty.content.decode()
    assert not Item.objects.exists()


def test_the_items_api_creates_and_returns_one(world, comp):
    client = _client(world.teacher)
    payload = {
        "school_id": world.school.pk,
        "kind": kinds.MULTIPLE_RESPONSE,
        "prompt": "Which are even?",
        "competency_ids": [comp.pk],
        "options": [
            {"text": "2", "correct": True},
            {"text": "3"},
            {"text": "4", "correct": True},
        ],
    }
    created = client.post("/api/v1/items", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == kinds.MULTIPLE_RESPONSE
    assert [o["correct"] for o in body["options"]] == [True, False, True]
    payload["options"] = [{"text": "2"}, {"text": "3"}]
    refused = client.post("/api/v1/items", json.dumps(payload), content_type="application/json")
    assert refused.status_code == 400
    assert str(kinds.MULTIPLE_NEEDS_CORRECT) in refused.json()["detail"]
