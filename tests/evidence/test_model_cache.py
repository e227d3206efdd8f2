"""Which fit is a school's latest is kept in Django's cache (shared by every
process, expiring after ``MODEL_CHECK_SECONDS``); the parsed model is kept
per process by its fit's row id, so a new fit is never hidden by it. The
answer endpoint reads the latest fit's id with the item instead."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import SchoolFactory
from trellis.api.models import ApiToken
from trellis.curriculum.models import item as kinds
from trellis.evidence import mastery
from trellis.evidence.models import MasteryModel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_caches():
    mastery._cache.clear()
    cache.clear()
    yield
    mastery._cache.clear()
    cache.clear()


def _fit(school, item_ease: dict[str, float]) -> MasteryModel:
    params = mastery.SchoolModel(engine=mastery.default_engine(), item_ease=item_ease).params()
    return MasteryModel.objects.create(school=school, name="bkt", params=params)


def test_a_school_without_a_fit_gets_the_defaults_and_asks_once(django_assert_num_queries):
    school = SchoolFactory()
    with django_assert_num_queries(1):  # which fit is the latest: none
        first = mastery.model_for_school(school.pk)
    assert first.row_id is None
    with django_assert_num_queries(0):
        assert mastery.model_for_school(school.pk) is first


def test_a_new_fit_is_used_once_the_cached_one_is_forgotten(django_assert_num_queries):
    school = SchoolFactory()
    older = _fit(school, {"7": 0.25})
    with django_assert_num_queries(2):  # the latest fit's id, then its parameters
        first = mastery.model_for_school(school.pk)
    assert (first.row_id, first.item_ease) == (older.pk, {"7": 0.25})
    newer = _fit(school, {"7": -0.5})
    with django_assert_num_queries(0):  # within the check interval the id is trusted
        assert mastery.model_for_school(school.pk) is first
    mastery.forget_cached_model(school.pk)
    second = mastery.model_for_school(school.pk)
    assert (second.row_id, second.item_ease) == (newer.pk, {"7": -0.5})


def test_another_process_sees_the_new_fit_when_its_parsed_copy_is_older():
    """Another process still holds the older parsed model; the shared id
    says which fit is the latest, and a different id means parse again."""
    school = SchoolFactory()
    _fit(school, {"7": 0.25})
    stale = mastery.model_for_school(school.pk)
    newer = _fit(school, {"7": -0.5})
    cache.delete(mastery._latest_key(school.pk))  # the id expired or a fit replaced it
    mastery._cache[school.pk] = stale
    assert mastery.model_for_school(school.pk).row_id == newer.pk


def test_an_answer_through_the_api_reads_the_latest_fit_with_its_item(setup, monkeypatch):
    """The answer endpoint reads which fit is the school's latest in the
    item's own statement (``selectors.item_for_answer``): no cache is asked,
    and a fit made since is used at once, even where the cache still names
    the older one (another process's local cache, the demo's)."""
    learner, numeric = setup.world.learner, setup.items[kinds.NUMERIC]
    school_id = numeric.school_id
    older = _fit(numeric.school, {"7": 0.25})
    assert mastery.model_for_school(school_id).row_id == older.pk  # the cache names it
    newer = _fit(numeric.school, {"7": -0.5})

    def no_cache(*args, **kwargs):
        raise AssertionError("the answer path asked the cache")

    monkeypatch.setattr(mastery.shared_cache, "get", no_cache)
    _, raw = ApiToken.issue(user=learner, name="phone")
    reply = Client().post(
        "/api/v1/responses",
        data=json.dumps({"item_id": numeric.pk, "answer": "2.5"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert reply.status_code == 201
    assert mastery._cache[school_id].row_id == newer.pk
