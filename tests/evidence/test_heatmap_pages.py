"""The class heat map comes one page of learners at a time (issue #18: a
class of 3,361 learners was 50 MB of HTML): the queries are the same for a
class of two or of three pages, a page's HTML is bounded by the page size,
sorting runs over the whole class before the cut, and the page opens on the
framework that holds the class's evidence."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.curriculum.factories import leaf, make_framework
from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from trellis.curriculum.models import Framework
from trellis.evidence import heatmap
from trellis.evidence.models import MasteryRecord
from trellis.people import roles

pytestmark = pytest.mark.django_db

PAGE = 4
#: Session, account; the class, the caller's memberships, two "teaches it"
#: checks (the roster rule, then the page's teacher links) and the school;
#: the school's frameworks; the default framework (most records); the
#: competencies; the class size; the page's learners; their records; the
#: teacher-links check; the base page's plan notice.
HEATMAP_QUERIES = 15
ROW = re.compile(r'<th scope="row"><a href="/learners/(\d+)/competencies/')


def _grow(setup, learners: int, start: int = 0) -> list:
    """More learners in class A, the n-th with probability n/100 on every
    competency of the framework (so their means are known)."""
    school = setup.world.school
    competencies = [leaf(setup.framework, code) for code in ("A.1", "A.2", "A.3")]
    made = []
    for n in range(start, start + learners):
        learner = UserFactory(last_name=f"Zz{n:03d}")
        MembershipFactory(user=learner, school=school, role=roles.LEARNER)
        EnrollmentFactory(school_class=setup.world.class_a, learner=learner)
        MasteryRecord.objects.bulk_create(
            [MasteryRecord(learner=learner, competency=c, probability=(n % 97) / 100,
                           level="familiar", attempts=1, correct=1) for c in competencies]
        )  # fmt: skip
        made.append(learner)
    return made


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(heatmap, "PAGE_SIZE", PAGE)


def test_heatmap_pages_cost_the_same_queries_and_size_whatever_the_class(
    setup, small_pages, django_assert_num_queries
):
    client = _client(setup.world.teacher)
    url = f"/classes/{setup.world.class_a.pk}/mastery/"
    _grow(setup, PAGE - 2)  # with learner and sibling: exactly one full page
    client.get(url)
    with django_assert_num_queries(HEATMAP_QUERIES):
        one_page = client.get(url).content.decode()
    assert len(ROW.findall(one_page)) == PAGE and "Next learners" not in one_page
    _grow(setup, 2 * PAGE - 1, start=PAGE)  # now three pages, the last of three
    with django_assert_num_queries(HEATMAP_QUERIES):
        first = client.get(url).content.decode()
    with django_assert_num_queries(HEATMAP_QUERIES):
        last = client.get(url, {"page": 3}).content.decode()
    assert len(ROW.findall(first)) == PAGE and len(ROW.findall(last)) == 3
    # The page's size is that of a full page plus the page links.
    nav = re.search(r'<nav class="actions heat-pages".*?</nav>', first, re.S).group(0)
    assert len(first) <= len(one_page) + 2 * len(nav) + 200
    total = PAGE + 2 * PAGE - 1
    assert f"Learners 1–{PAGE} of {total} (page 1 of 3)" in first


def test_sorting_by_mean_runs_over_the_whole_class_before_the_page(setup, small_pages):
    made = _grow(setup, 3 * PAGE)
    client = _client(setup.world.teacher)
    url = f"/classes/{setup.world.class_a.pk}/mastery/"
    ids = [leaf(setup.framework, c).pk for c in ("A.1", "A.2", "A.3")]
    means = {
        u.pk: sum(
            MasteryRecord.objects.filter(learner=u, competency_id__in=ids).values_list(
                "probability", flat=True
            )
        )
        for u in [*made, setup.world.learner, setup.world.sibling]
    }
    expected = sorted(means, key=lambda pk: -means[pk])
    shown = []
    for page in (1, 2):
        html = client.get(url, {"sort": "mean", "dir": "desc", "page": page}).content.decode()
        shown += [int(pk) for pk in ROW.findall(html)]
    assert shown == expected[: 2 * PAGE]


def test_the_page_opens_on_the_framework_with_the_class_evidence(setup):
    # A framework whose title sorts first, with competencies but no records
    # (as a data set's framework before anyone answers).
    empty = make_framework(setup.world.school, codes=("E.1",))
    Framework.objects.filter(pk=empty.pk).update(title="AAA empty")
    _grow(setup, 2)
    html = _client(setup.world.teacher).get(f"/classes/{setup.world.class_a.pk}/mastery/")
    body = html.content.decode()
    assert f'<option value="{setup.framework.pk}" selected>' in body
    assert ">A.1</a>" in body and ">E.1</a>" not in body
