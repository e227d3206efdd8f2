"""A teacher sets a goal for one of their learners, on the learner's goals
page and through the API; nobody else can, and the continuum report counts
it as a goal set by a teacher."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.personalization.conftest import api, goal_body, post
from trellis.api.models import ApiToken
from trellis.personalization.models import Goal, Notification
from trellis.personalization.models.goals import APPROVED
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def _form(title="Read two chapters a week") -> dict:
    return {
        "title": title,
        "bm1_description": "Finish chapter 1",
        "bm1_due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "bm1_success": "I can retell it",
    }


def test_teacher_sets_a_goal_on_the_page(world):
    url = f"/learners/{world.learner.pk}/goals/"
    page = api(world.teacher).get(url).content.decode()
    assert f"Set a goal for {world.learner}" in page
    response = api(world.teacher).post(url, _form())
    goal = Goal.objects.get(learner=world.learner)
    assert response.status_code == 302 and response.url.endswith(f"/goals/{goal.pk}/")
    assert goal.set_by == world.teacher and goal.status == APPROVED
    assert Notification.objects.filter(recipient=world.learner, text__contains=goal.title).exists()
    assert "set by" in api(world.teacher).get(url).content.decode()
    today = timezone.localdate()
    report = selectors.continuum_for(counts.class_scope(world.class_a), today, today).report
    objectives = next(r for r in report.rows if r.key == "objectives")
    by_key = {t.key: t.decisions for t in objectives.sources}
    assert by_key["teacher_goals"] == 1 and by_key["learner_goals"] == 0
    # A bad form says what is wrong and saves nothing.
    bad = api(world.teacher).post(url, {"title": "No benchmarks"}).content.decode()
    assert "A goal needs at least one benchmark." in bad
    assert Goal.objects.filter(learner=world.learner).count() == 1


@pytest.mark.privacy
def test_only_their_teachers_may_set_a_goal(world, other_world):
    url = f"/learners/{world.learner.pk}/goals/"
    assert api(world.guardian).post(url, _form()).status_code == 403
    assert "Set a goal for" not in api(world.guardian).get(url).content.decode()
    assert api(world.teacher_b).post(url, _form()).status_code == 404
    assert api(other_world.teacher).post(url, _form()).status_code == 404
    assert api(world.learner).post(url, _form()).status_code == 403
    assert not Goal.objects.exists()


@pytest.mark.privacy
def test_api_sets_a_goal_for_a_learner(world, other_world):
    url = f"/learners/{world.learner.pk}/goals"
    created = post(api(world.teacher), url, goal_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["set_by_id"] == world.teacher.pk and body["status"] == APPROVED
    assert post(api(world.guardian), url, goal_body()).status_code == 403
    assert post(api(other_world.teacher), url, goal_body()).status_code == 404
    _, raw = ApiToken.issue(user=world.teacher_b, name="t")
    from django.test import Client

    token = Client().post(
        f"/api/v1{url}",
        data=goal_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert token.status_code == 404
    _, raw = ApiToken.issue(user=world.teacher, name="t")
    ok = Client().post(
        f"/api/v1{url}",
        data=goal_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert ok.status_code == 201
    missing = post(api(world.teacher), url, {"title": "x", "benchmarks": []})
    assert missing.status_code == 400 and "at least one benchmark" in missing.content.decode()
    assert Goal.objects.filter(learner=world.learner, set_by=world.teacher).count() == 2
