"""Every teacher page and API endpoint the speed bench times
(``bench/teacher_pages.py``) sends the same number of queries for a class
of 3 as for a class of 9, all three practices running (issue #18: query
counts flat in class size, pinned exactly). The continuum report, the
plans list and the lists with their own tests are pinned there."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.reports.conftest import client_for
from tests.reports.test_continuum_query_counts import _class_in_every_style

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


#: Pages and endpoints the bench times whose counts other tests pin (the
#: heat map, the continuum, the plans and the list endpoints).
PINNED_ELSEWHERE = {
    "heatmap", "grouping-suggest", "grouping-history", "live", "plans", "continuum",
    "api me", "api learners", "api mastery", "api groupings", "api group-plans",
    "api individual-plans", "api decisions", "api pacing", "api goals", "api continuum",
}  # fmt: skip


def _bench_pages(school_class) -> dict[str, str]:
    """The bench's own list of pages, so that a page added there is counted
    here (or said to be pinned elsewhere)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "teacher_pages.py"
    spec = importlib.util.spec_from_file_location("bench_teacher_pages", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return dict(bench.pages_of(school_class))


@pytest.mark.parametrize("size", [3, 9])
def test_teacher_pages_queries_flat_in_class_size(world, size, django_assert_num_queries):
    school_class = _class_in_every_style(world, size)
    client = client_for(world.teacher)
    pages = _bench_pages(school_class)
    assert set(pages) == set(QUERIES) | PINNED_ELSEWHERE
    for name in QUERIES:
        url = pages[name]
        # A first request fills what a worker keeps between requests (the
        # session's language, the mastery model, URL patterns); the second
        # is the one counted.
        assert client.get(url).status_code == 200, name
        with django_assert_num_queries(QUERIES[name], info=name):
            response = client.get(url)
        assert response.status_code == 200, name
