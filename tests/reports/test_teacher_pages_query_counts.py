"""Every teacher page and API endpoint the speed bench times
(``bench/teacher_pages.py``) sends the same number of queries for a class
of 3 as for a class of 9, all three practices running (issue #18: query
counts flat in class size, pinned exactly). The continuum report, the
plans list and the lists with their own tests are pinned there."""

from __future__ import annotations

import pytest

from tests.reports.conftest import client_for
from tests.reports.test_continuum_query_counts import _class_in_every_style
from trellis.differentiation.models import Grouping, GroupPlan
from trellis.evidence.models import Assessment
from trellis.individualization.models import IndividualPlan
from trellis.personalization.models import AssessmentChoice

pytestmark = pytest.mark.django_db

#: Queries per page or endpoint, the same for both class sizes.
QUERIES = {
    "home": 7,
    "class": 11,
    "assessments": 8,
    "assessment": 13,
    "assessment-new": 11,
    "differentiate": 5,
    "grouping": 13,
    "group-plan": 20,
    "stations": 11,
    "before-lesson": 15,
    "live-flags": 11,
    "plan": 28,
    "pacing": 17,
    "guidance": 10,
    "choices": 9,
    "choice": 14,
    "learner": 10,
    "learner-profile": 10,
    "learner-goals": 12,
    "learner-path": 29,
    "learner-portfolio": 9,
    "learner-help": 11,
    "notifications": 5,
    "frameworks": 6,
    "items": 8,
    "api classes": 3,
    "api class": 9,
    "api assessments": 6,
    "api assessment": 8,
    "api responses": 3,
    "api grouping": 9,
    "api live": 9,
    "api group-plan": 7,
    "api modules": 10,
    "api choices": 4,
}


def _pages(school_class) -> dict[str, str]:
    c = school_class.pk
    learner = school_class.enrollments.order_by("learner__username").first().learner_id
    a = Assessment.objects.filter(school_class=school_class).order_by("pk").first().pk
    grouping = Grouping.objects.filter(school_class=school_class).order_by("-pk").first().pk
    plan = GroupPlan.objects.filter(grouping__school_class=school_class).order_by("-pk").first().pk
    individual = (
        IndividualPlan.objects.filter(learner__enrollments__school_class=school_class)
        .order_by("pk")
        .first()
        .pk
    )
    choice = AssessmentChoice.objects.filter(school_class=school_class).order_by("pk").first().pk
    return {
        "home": "/",
        "class": f"/classes/{c}/",
        "assessments": "/assessments/",
        "assessment": f"/assessments/{a}/",
        "assessment-new": f"/classes/{c}/assessments/new/",
        "differentiate": "/differentiate/",
        "grouping": f"/differentiate/groupings/{grouping}/",
        "group-plan": f"/differentiate/groupings/{grouping}/plan/",
        "stations": f"/differentiate/plans/{plan}/stations/",
        "before-lesson": f"/differentiate/classes/{c}/before/",
        "live-flags": f"/differentiate/classes/{c}/live/flags/",
        "plan": f"/plans/{individual}/",
        "pacing": f"/classes/{c}/modules/",
        "guidance": "/guidance/",
        "choices": "/choices/",
        "choice": f"/choices/{choice}/",
        "learner": f"/learners/{learner}/",
        "learner-profile": f"/learners/{learner}/profile/",
        "learner-goals": f"/learners/{learner}/goals/",
        "learner-path": f"/learners/{learner}/path/",
        "learner-portfolio": f"/learners/{learner}/portfolio/",
        "learner-help": f"/learners/{learner}/help/",
        "notifications": "/notifications/",
        "frameworks": "/frameworks/",
        "items": "/items/",
        "api classes": "/api/v1/classes",
        "api class": f"/api/v1/classes/{c}",
        "api assessments": "/api/v1/assessments",
        "api assessment": f"/api/v1/assessments/{a}",
        "api responses": "/api/v1/responses",
        "api grouping": f"/api/v1/groupings/{grouping}",
        "api live": f"/api/v1/groupings/classes/{c}/live",
        "api group-plan": f"/api/v1/group-plans/{plan}",
        "api modules": f"/api/v1/modules?class_id={c}",
        "api choices": "/api/v1/proposals/choices",
    }


@pytest.mark.parametrize("size", [3, 9])
def test_teacher_pages_queries_flat_in_class_size(world, size, django_assert_num_queries):
    school_class = _class_in_every_style(world, size)
    client = client_for(world.teacher)
    pages = _pages(school_class)
    assert set(pages) == set(QUERIES)
    for name, url in pages.items():
        # A first request fills what a worker keeps between requests (the
        # session's language, the mastery model, URL patterns); the second
        # is the one counted.
        assert client.get(url).status_code == 200, name
        with django_assert_num_queries(QUERIES[name], info=name):
            response = client.get(url)
        assert response.status_code == 200, name
