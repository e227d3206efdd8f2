"""The continuum report (page and API) for a class sends the same number of
queries whatever the size of the class and however many records its
learners have (issue #18): records name learners from one query for every
name, and each kind of record is one query (or one prefetch)."""

from __future__ import annotations

import pytest

from tests.differentiation.conftest import answer, enrol_more, make_curriculum
from tests.factories import SchoolClassFactory, TeachingAssignmentFactory
from tests.reports.conftest import client_for
from trellis.curriculum.models import Resource
from trellis.reports import demo

pytestmark = pytest.mark.django_db

#: A class run in all three styles at once: groupings with group plans,
#: individual plans and a module sequence, goals, paths, proposals, help.
PAGE_QUERIES = 42
API_QUERIES = 40


def _class_in_every_style(world, size: int):
    cur = make_curriculum(world.school, "qc")
    comps = [cur.prereq, cur.objective]
    for comp in comps:
        resource = Resource.objects.create(
            school=world.school, title=f"Video on {comp.code}", format="video"
        )
        resource.competencies.add(comp)
    school_class = SchoolClassFactory(school=world.school, name="Every style")
    TeachingAssignmentFactory(school_class=school_class, teacher=world.teacher)
    learners = enrol_more(school_class, size, prefix="qc")
    for learner in learners:
        for _ in range(3):
            answer(learner, cur.prereq_item, True)
    demo.run_differentiated(school_class, comps)
    demo.run_individualized(school_class, comps)
    demo.run_personalized(school_class, comps)
    return school_class


@pytest.mark.parametrize("size", [3, 9])
def test_continuum_page_queries_flat_in_class_size(world, size, django_assert_num_queries):
    school_class = _class_in_every_style(world, size)
    client = client_for(world.teacher)
    client.get("/")  # the session's first request sets the language and so on
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(f"/reports/continuum/?class={school_class.pk}")
    assert response.status_code == 200
    assert school_class.name in response.content.decode()


@pytest.mark.parametrize("size", [3, 9])
def test_continuum_api_queries_flat_in_class_size(world, size, django_assert_num_queries):
    school_class = _class_in_every_style(world, size)
    client = client_for(world.teacher)
    client.get("/api/v1/me")
    with django_assert_num_queries(API_QUERIES):
        response = client.get(f"/api/v1/reports/continuum?class={school_class.pk}")
    assert response.status_code == 200
    objectives = next(r for r in response.json()["rows"] if r["key"] == "objectives")
    assert objectives["decisions"]["learner_goals"] == size
