"""Which fit is a school's latest is kept in Django's cache (shared by every
process, expiring after ``MODEL_CHECK_SECONDS``); the parsed model is kept
per process by its fit's row id, so a new fit is never hidden by it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import SchoolFactory
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
