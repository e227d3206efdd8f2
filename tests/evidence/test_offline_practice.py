"""Issue 23, practice offline: while online the server chooses the next
practice questions (the practice page's rule, from the learner's mastery
now), the offline pack lists their pages for the caller only, the page
answers ``?item=`` with that question, and answers queued on the device
(no attempt) are recorded once each, in the order they were given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.curriculum.factories import leaf, make_items
from trellis.api.models import ApiToken
from trellis.curriculum.models import item as kinds
from trellis.evidence import mastery, services
from trellis.evidence.models import MasteryModel, MasteryRecord, Response
from trellis.evidence.models.response import SOURCE_PRACTICE

pytestmark = pytest.mark.django_db

PACK = "/api/v1/offline-pack"
TARGET = 0.7
AUTO = (kinds.CHOICE, kinds.NUMERIC, kinds.TEXT)


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer_get(user, url):
    _, raw = ApiToken.issue(user=user, name="t")
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _ease(setup, ease: dict[str, float]):
    model = mastery.SchoolModel(engine=mastery.default_engine(), item_ease=ease)
    MasteryModel.objects.create(
        school=setup.world.school, name=mastery.MODEL_NAME, params=model.params()
    )
    mastery.forget_cached_model(setup.world.school.pk)
    return mastery.model_for_school(setup.world.school.pk)


def _practise_once(setup, learner=None):
    learner = learner or setup.world.learner
    services.response_record(
        learner=learner,
        item=setup.items[kinds.NUMERIC],
        answer="999",
        idempotency_key=f"warm-{learner.pk}",
        source=SOURCE_PRACTICE,
    )


def _expected_urls(setup, model) -> list[str]:
    """The rule, derived here: fresh questions closest to 70 % first."""
    record = MasteryRecord.objects.get(learner=setup.world.learner, competency=setup.competency)
    skill = str(setup.competency.pk)
    chances = {
        setup.items[k].pk: mastery.expected_success(model, record.state, skill, setup.items[k].pk)
        for k in AUTO
    }
    order = sorted(chances, key=lambda pk: (round(abs(chances[pk] - TARGET), 9), pk))
    page = f"/practice/{setup.competency.pk}/"
    return [f"{page}?item={pk}" for pk in order]


@pytest.fixture
def eased(setup):
    items = setup.items
    return _ease(
        setup,
        {str(items[kinds.CHOICE].pk): 2.0, str(items[kinds.NUMERIC].pk): -0.2,
         str(items[kinds.TEXT].pk): -2.0},
    )  # fmt: skip


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_the_pack_holds_the_next_practice_questions(setup, eased, auth):
    learner = setup.world.learner
    _practise_once(setup)
    got = (_session(learner).get(PACK) if auth == "session" else _bearer_get(learner, PACK)).json()
    (plan,) = got["practice"]
    assert plan["competency_id"] == setup.competency.pk
    assert plan["practice_url"] == f"/practice/{setup.competency.pk}/"
    # Three auto-scored questions (the rubric task needs a teacher): all of
    # them, in the order the practice page would offer them.
    assert plan["urls"] == _expected_urls(setup, eased)


def test_questions_seen_on_the_practice_page_come_after_fresh_ones(setup, eased):
    learner = setup.world.learner
    _practise_once(setup)
    client = _session(learner)
    expected = _expected_urls(setup, eased)
    first = client.get(f"/practice/{setup.competency.pk}/")
    assert f"?item={expected[0].split('=')[1]}" in first.content.decode()
    session = client.session
    session[f"practice:{setup.competency.pk}"] = [int(expected[0].split("=")[1])]
    session.save()
    (plan,) = client.get(PACK).json()["practice"]
    # Fresh questions first, then the seen one again (the page repeats once
    # every question has been seen).
    assert plan["urls"] == expected[1:] + expected[:1]


def test_a_mastered_competency_is_not_kept(setup):
    _practise_once(setup)
    MasteryRecord.objects.filter(learner=setup.world.learner).update(probability=0.99, attempts=20)
    assert _session(setup.world.learner).get(PACK).json()["practice"] == []


@pytest.mark.parametrize("viewer", ["other_learner", "teacher", "guardian", "admin", "stranger"])
def test_no_one_else_gets_the_learners_practice(setup, other_world, viewer):
    _practise_once(setup)
    for person in (setup.world.people()[viewer], other_world.learner):
        assert _session(person).get(PACK).json()["practice"] == []
        assert _bearer_get(person, PACK).json()["practice"] == []


def test_another_schools_learner_cannot_open_the_practice_pages(setup, other_world):
    url = f"/practice/{setup.competency.pk}/?item={setup.items[kinds.CHOICE].pk}"
    assert _session(other_world.learner).get(url).status_code in (403, 404)
    assert _session(setup.world.teacher).get(url).status_code in (403, 404)


def test_a_question_not_for_practice_is_not_served(setup):
    page = f"/practice/{setup.competency.pk}/"
    client = _session(setup.world.learner)
    assert client.get(f"{page}?item={setup.items[kinds.RUBRIC].pk}").status_code == 404
    assert client.get(f"{page}?item=999999").status_code == 404


def test_the_page_asked_for_by_item_shows_it_and_the_questions_after_it(setup, eased):
    _practise_once(setup)
    expected = _expected_urls(setup, eased)
    page = _session(setup.world.learner).get(expected[1]).content.decode()
    item_id = expected[1].split("=")[1]
    assert f'data-item="{item_id}"' in page
    assert f'data-page-url="{expected[1]}"' in page
    assert f'data-next="{expected[2]}|{expected[0]}"' in page
    assert 'data-attempt=""' in page


def test_an_answer_posted_to_an_item_page_answers_that_item(setup):
    learner = setup.world.learner
    item = setup.items[kinds.TEXT]
    client = _session(learner)
    url = f"/practice/{setup.competency.pk}/?item={item.pk}"
    form = client.get(url).context["form"]
    reply = client.post(
        url, {"item_id": item.pk, "answer": "whatever", "token": form["token"].value()}
    )
    assert reply.status_code == 302
    (resp,) = Response.objects.filter(learner=learner)
    assert resp.item_id == item.pk and resp.attempt_id is None


def test_the_practice_pack_costs_a_fixed_number_of_queries(setup, world, django_assert_num_queries):
    from trellis.evidence.practice import practice_pack_for_learner

    learner = world.learner
    for code in ("A.1", "A.2", "A.3"):
        competency = leaf(setup.framework, code)
        items = setup.items if code == "A.1" else make_items(world.school, competency)
        services.response_record(
            learner=learner,
            item=items[kinds.CHOICE],
            answer="1",
            idempotency_key=f"q-{code}",
            source=SOURCE_PRACTICE,
        )
    # The school's model and the learner's roles are now cached.
    practice_pack_for_learner(learner, {})
    # The learner's records with their competencies, the items of those
    # competencies: two, however many competencies.
    with django_assert_num_queries(2):
        plans = practice_pack_for_learner(learner, {})
    assert len(plans) == 3 and all(len(p.urls) == 3 for p in plans)


def test_offline_practice_answers_count_in_the_order_given(setup):
    """Sent late and out of order (the second given arrives first): the
    mastery equals the same answers recorded online in the order given."""
    learner, other = setup.world.learner, setup.world.sibling
    right, wrong = setup.items[kinds.CHOICE], setup.items[kinds.NUMERIC]
    client = _session(learner)
    now = timezone.now()
    given = [
        (wrong, "999", now - dt.timedelta(minutes=5)),
        (right, "1", now - dt.timedelta(minutes=4)),
    ]
    for n, (item, answer, at) in reversed(list(enumerate(given))):
        reply = client.post(
            "/api/v1/responses",
            {"item_id": item.pk, "answer": answer, "answered_at": at.isoformat(), "offline": True},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"off-{n}",
        )
        assert reply.status_code == 201, reply.content
    for n, (item, answer, _at) in enumerate(given):
        services.response_record(
            learner=other,
            item=item,
            answer=answer,
            idempotency_key=f"on-{n}",
            source=SOURCE_PRACTICE,
        )
    responses = list(Response.objects.filter(learner=learner).order_by("answered_at"))
    assert [r.item_id for r in responses] == [wrong.pk, right.pk]
    assert all(r.offline and r.attempt_id is None for r in responses)
    mine = MasteryRecord.objects.get(learner=learner, competency=setup.competency)
    theirs = MasteryRecord.objects.get(learner=other, competency=setup.competency)
    assert mine.probability == pytest.approx(theirs.probability)
    assert mine.attempts == theirs.attempts == 2
