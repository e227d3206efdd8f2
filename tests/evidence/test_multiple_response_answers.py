"""Answering a multiple-response item ("choose all that apply"): checkboxes
on the take and practice pages, the answer kept as sorted option numbers
and shown back as the options' texts, the API taking a list or the stored
form and refusing bad ones with the reason, and accommodations applied."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.curriculum.factories import leaf, make_framework, make_multiple_response
from tests.individualization.helpers import fresh, plan_for
from trellis.curriculum import scoring
from trellis.curriculum.presentation import present_item
from trellis.evidence.forms import CHOOSE_ALL_THAT_APPLY, CHOOSE_AT_LEAST_ONE
from trellis.evidence.models import Response
from trellis.evidence.services import assessment_create
from trellis.individualization.constants import LARGE_PRINT, READ_ALOUD, REDUCED_CHOICES

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(item_id|token|shown)" value="([^"]*)"', html))


@pytest.fixture
def item(world):
    return make_multiple_response(world.school, leaf(make_framework(world.school), "A.1"))


@pytest.fixture
def check(world, item):
    return assessment_create(
        school_class=world.class_a, title="Evens", purpose="for", created_by=world.teacher,
        items=[item],
    )  # fmt: skip


def test_the_take_page_offers_checkboxes_and_records_the_set(world, item, check):
    client = _client(world.learner)
    url = f"/assessments/{check.pk}/take/"
    page = client.get(url).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="answer" value="(\d)"', page)
    assert boxes == ["0", "1", "2", "3"]
    assert str(CHOOSE_ALL_THAT_APPLY) in page and "<legend data-read-also>" in page
    # Nothing ticked: the reason, and nothing recorded.
    empty = client.post(url, _fields(page))
    assert empty.status_code == 200 and str(CHOOSE_AT_LEAST_ONE) in empty.content.decode()
    assert not Response.objects.exists()
    done = client.post(url, {**_fields(page), "answer": ["2", "0"]})
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.answer, response.correct, response.score) == ("0,2", True, 1.0)
    following = client.get(done["Location"]).content.decode()
    # The last question answered: the summary shows what was chosen in the options' words.
    assert "Your answer: 2; 4" in " ".join(following.split())


def test_practice_records_a_partly_right_answer(world, item):
    client = _client(world.learner)
    url = f"/practice/{item.competencies.get().pk}/"
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="answer"' in page
    assert client.post(url, {**_fields(page), "answer": ["0"]}).status_code == 302
    response = Response.objects.get()
    # one of the two correct options: wrong for mastery, half the score
    assert (response.answer, response.correct, response.score) == ("0", False, 0.5)


def _post(client, body: dict, key: str):
    return client.post(
        "/api/v1/responses", json.dumps(body), content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


def test_the_api_takes_a_list_or_the_stored_form(world, item):
    client = _client(world.learner)
    listed = _post(client, {"item_id": item.pk, "answer": [2, 0]}, "a")
    assert listed.status_code == 201, listed.content
    assert (listed.json()["answer"], listed.json()["correct"]) == ("0,2", True)
    text = _post(client, {"item_id": item.pk, "answer": "1,0"}, "b")
    assert text.status_code == 201
    assert (text.json()["answer"], text.json()["correct"], text.json()["score"]) == (
        "0,1",
        False,
        0.0,
    )


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([7], scoring.OPTION_OUT_OF_RANGE.format(value="7", top=3)),
        ([0, 0], scoring.OPTION_TWICE.format(value=0)),
        ([], scoring.CHOOSE_AT_LEAST_ONE),
        ("0,9", scoring.OPTION_OUT_OF_RANGE.format(value="9", top=3)),
    ],
)
def test_the_api_refuses_a_bad_answer_with_the_reason(world, item, answer, message):
    refused = _post(_client(world.learner), {"item_id": item.pk, "answer": answer}, "x")
    assert refused.status_code == 400
    assert refused.json()["detail"] == message
    assert not Response.objects.exists()


def test_a_list_for_another_kind_of_item_is_refused(world, item):
    from tests.curriculum.factories import make_items

    numeric = make_items(world.school, item.competencies.get())["numeric"]
    refused = _post(_client(world.learner), {"item_id": numeric.pk, "answer": [1]}, "y")
    assert refused.status_code == 400
    assert refused.json()["detail"] == scoring.LIST_ONLY_FOR_MULTIPLE
    assert not Response.objects.exists()


def test_reduced_choices_never_hides_a_correct_option(world, item, check):
    plan_for(world, accommodations=[REDUCED_CHOICES, READ_ALOUD, LARGE_PRINT])
    shown = present_item(item, fresh(world.learner))
    correct = {i for i, o in enumerate(item.options) if o.get("correct")}
    assert [o.index for o in shown.options] == [0, 1, 2]
    assert correct <= {o.index for o in shown.options}
    page = _client(world.learner).get(f"/assessments/{check.pk}/take/").content.decode()
    assert re.findall(r'name="answer" value="(\d)"', page) == ["0", "1", "2"]
    assert "indiv-read-aloud" in page and "large-print" in page
    # someone without the plan sees every option
    assert len(present_item(item, fresh(world.sibling)).options) == 4
