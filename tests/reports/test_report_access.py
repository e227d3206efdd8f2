"""Who may open which continuum report, through the page and the API, with
a second school alongside: class reports for the class's teachers and the
school's admins; learner reports for whoever may see the learner (their
guardians included); school reports for admins. Everyone else: 404 when they
have no reason to see the subject, 403 when they may see it but not its
report."""

from __future__ import annotations

import pytest

from tests.reports.conftest import client_for
from trellis.reports.access import SCOPE_MISSING, SCOPE_TOO_MANY

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

VIEWERS = ["admin", "teacher", "teacher_b", "dual", "learner", "guardian", "stranger"]
#: viewer -> (class_a, class_b) status
CLASS = {
    "admin": (200, 200),
    "teacher": (200, 404),
    "teacher_b": (404, 200),
    "dual": (404, 200),
    "learner": (403, 404),  # sees the class, not a report on its learners
    "guardian": (403, 404),
    "stranger": (404, 404),
}
#: viewer -> learners whose report they may open
LEARNER = {
    "admin": {"learner", "sibling", "other_learner"},
    "teacher": {"learner", "sibling"},
    "teacher_b": {"other_learner"},
    "dual": {"other_learner"},
    "learner": {"learner"},
    "guardian": {"learner", "sibling"},
    "stranger": set(),
}


def _urls(query: str) -> list[str]:
    return [f"/reports/continuum/?{query}", f"/api/v1/reports/continuum?{query}"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_class_reports(viewer, world, other_world):
    client = client_for(world.people()[viewer])
    for n, name in enumerate(("class_a", "class_b")):
        for url in _urls(f"class={getattr(world, name).pk}"):
            assert client.get(url).status_code == CLASS[viewer][n], (viewer, name, url)
        for url in _urls(f"class={getattr(other_world, name).pk}"):
            assert client.get(url).status_code == 404, (viewer, url)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_learner_reports(viewer, world, other_world):
    client = client_for(world.people()[viewer])
    for name in ("learner", "sibling", "other_learner"):
        for url in _urls(f"learner={getattr(world, name).pk}"):
            expected = 200 if name in LEARNER[viewer] else 404
            assert client.get(url).status_code == expected, (viewer, name, url)
        for url in _urls(f"learner={getattr(other_world, name).pk}"):
            assert client.get(url).status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
def test_school_reports(viewer, world, other_world):
    client = client_for(world.people()[viewer])
    for url in _urls(f"school={world.school.pk}"):
        assert client.get(url).status_code == (200 if viewer == "admin" else 404)
    for url in _urls(f"school={other_world.school.pk}"):
        assert client.get(url).status_code == 404


def test_drill_down_is_guarded_like_the_report(world, other_world):
    url = f"/reports/continuum/records/learner_goals/?class={world.class_a.pk}"
    assert client_for(world.teacher).get(url).status_code == 200
    assert client_for(world.teacher_b).get(url).status_code == 404
    assert client_for(other_world.admin).get(url).status_code == 404
    assert client_for(world.learner).get(url).status_code == 403


def test_bad_input_is_named(world):
    client = client_for(world.admin)
    response = client.get("/api/v1/reports/continuum")
    assert response.status_code == 400 and str(SCOPE_MISSING) in response.json()["detail"]
    both = f"class={world.class_a.pk}&school={world.school.pk}"
    response = client.get(f"/api/v1/reports/continuum?{both}")
    assert response.status_code == 400 and str(SCOPE_TOO_MANY) in response.json()["detail"]
    bad = client.get(f"/api/v1/reports/continuum?class={world.class_a.pk}&from=soon")
    assert bad.status_code == 400 and "from must be a date" in bad.json()["detail"]
    page = client.get(f"/reports/continuum/?class={world.class_a.pk}&from=2026-02-01&to=2026-01-01")
    assert page.status_code == 400 and "must not be after" in page.content.decode()
