from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.personalization.conftest import api, goal_body, post
from trellis.people.access import NOT_FOUND
from trellis.personalization.access import ONLY_THE_LEARNER, TEACHERS_ONLY
from trellis.personalization.models import CheckIn, Notification
from trellis.personalization.services import goals as goal_svc
from trellis.personalization.services import profile as profile_svc

pytestmark = pytest.mark.django_db


def test_learner_writes_profile_teacher_and_guardian_read_it(world, other_world):
    r = post(
        api(world.learner),
        "/profiles/me",
        {"strengths": "Drawing", "take_in": ["video"], "interest_tags": ["Space"]},
        "put",
    )
    assert r.status_code == 200, r.content
    assert r.json()["interest_tags"] == ["space"]
    for who in (world.teacher, world.guardian, world.admin, world.learner):
        assert api(who).get(f"/api/v1/profiles/{world.learner.pk}").json()["strengths"] == "Drawing"
    for who in (
        world.sibling,
        world.teacher_b,
        world.stranger,
        other_world.teacher,
        other_world.admin,
    ):
        res = api(who).get(f"/api/v1/profiles/{world.learner.pk}")
        assert res.status_code == 404 and res.json() == {"detail": NOT_FOUND}
        assert api(who).get(f"/learners/{world.learner.pk}/profile/").status_code == 404
    page = api(world.teacher).get(f"/learners/{world.learner.pk}/profile/")
    assert b"Drawing" in page.content


def test_teacher_comments_but_cannot_overwrite(world):
    profile_svc.profile_update(learner=world.learner, strengths="Maths")
    teacher = api(world.teacher)
    r = post(teacher, "/profiles/me", {"strengths": "Nothing"}, "put")
    assert r.status_code == 403 and r.json()["detail"] == ONLY_THE_LEARNER
    assert teacher.get("/profile/").status_code == 403
    r = post(teacher, f"/profiles/{world.learner.pk}/comments", {"text": "Lovely"})
    assert r.status_code == 201 and r.json()["strengths"] == "Maths"
    assert r.json()["comments"] == [{"author": str(world.teacher), "text": "Lovely"}]
    assert Notification.objects.filter(recipient=world.learner).count() == 1
    # a guardian may read but not comment, page or API
    r = post(api(world.guardian), f"/profiles/{world.learner.pk}/comments", {"text": "x"})
    assert r.status_code == 403 and r.json()["detail"] == TEACHERS_ONLY
    assert (
        api(world.guardian)
        .post(f"/learners/{world.learner.pk}/profile/", {"text": "x"})
        .status_code
        == 403
    )


def test_profile_rejects_unknown_choice_by_name(world):
    r = post(api(world.learner), "/profiles/me", {"take_in": ["telepathy"]}, "put")
    assert (
        r.status_code == 400
        and "telepathy" in r.json()["detail"]
        and "take_in" in r.json()["detail"]
    )


def test_goal_with_benchmarks_review_and_learner_cannot_approve(world, other_world, comps):
    learner = api(world.learner)
    r = post(learner, "/goals", goal_body(comps[0]))
    assert r.status_code == 201, r.content
    goal = r.json()
    assert goal["status"] == "pending" and [b["source"] for b in goal["benchmarks"]] == [
        "none",
        "mastery",
    ]
    assert Notification.objects.filter(recipient=world.teacher).exists()
    # the learner cannot approve their own goal (API and page)
    r = post(learner, f"/goals/{goal['id']}/reviews", {"decision": "approve"})
    assert r.status_code == 403
    assert (
        learner.post(
            f"/goals/{goal['id']}/", {"action": "review", "decision": "approve"}
        ).status_code
        == 403
    )
    with pytest.raises(Exception, match="cannot approve"):
        goal_svc.goal_review(
            goal=goal_svc.Goal.objects.get(pk=goal["id"]),
            reviewer=world.learner,
            decision="approve",
        )
    # a guardian sees it but may not review; other teachers and other schools see nothing
    assert api(world.guardian).get(f"/api/v1/goals/{goal['id']}").status_code == 200
    assert (
        post(
            api(world.guardian), f"/goals/{goal['id']}/reviews", {"decision": "approve"}
        ).status_code
        == 403
    )
    for who in (world.teacher_b, world.sibling, other_world.teacher, other_world.learner):
        assert api(who).get(f"/api/v1/goals/{goal['id']}").status_code == 404
        assert (
            post(api(who), f"/goals/{goal['id']}/reviews", {"decision": "approve"}).status_code
            == 404
        )
        assert api(who).get(f"/goals/{goal['id']}/").status_code == 404
    # asking for changes needs a comment; then approve
    r = post(api(world.teacher), f"/goals/{goal['id']}/reviews", {"decision": "changes"})
    assert r.status_code == 400 and str(goal_svc.CHANGES_NEED_COMMENT) in r.json()["detail"]
    r = post(api(world.teacher), f"/goals/{goal['id']}/reviews", {"decision": "approve"})
    assert r.status_code == 201 and r.json()["status"] == "approved"
    # editing sends it back for review
    r = post(learner, f"/goals/{goal['id']}", goal_body(title="New"), "put")
    assert r.json()["status"] == "pending"


@pytest.mark.parametrize(
    "body,message",
    [
        ({"title": "x", "benchmarks": []}, goal_svc.NEEDS_BENCHMARK),
        (
            {
                "title": "x",
                "benchmarks": [
                    {"description": "", "due_on": "2026-12-01", "success_looks_like": "y"}
                ],
            },
            "Benchmark 1 needs a description",
        ),
    ],
)
def test_goal_bad_input_is_named_and_nothing_saved(world, body, message):
    r = post(api(world.learner), "/goals", body)
    assert r.status_code == 400 and str(message) in r.json()["detail"]
    assert not goal_svc.Goal.objects.exists()


def test_goal_cannot_link_another_schools_competency(world, other_comps):
    r = post(api(world.learner), "/goals", goal_body(other_comps[0]))
    assert r.status_code == 400 and "not one you can link" in r.json()["detail"]
    assert not goal_svc.Goal.objects.exists()


def test_progress_from_checkins_and_projection(world):
    goal = goal_svc.goal_create(
        learner=world.learner, title="Read more", benchmarks=goal_body()["benchmarks"]
    )
    bench = goal.benchmarks.get()
    today = dt.date.today()
    for days_ago, value in ((21, 0.1), (14, 0.3), (7, 0.5)):
        goal_svc.checkin_record(
            goal=goal,
            recorded_by=world.learner,
            ratings={bench.pk: value},
            on=today - dt.timedelta(days=days_ago),
        )
    assert list(CheckIn.objects.values_list("progress", flat=True)) == [0.1, 0.3, 0.5]
    body = api(world.learner).get(f"/api/v1/goals/{goal.pk}").json()
    assert body["progress"] == 0.5 and body["benchmarks"][0]["source"] == "check-in"
    proj = body["projection"]
    # a perfect line at 0.2 a week: 0.5 -> 1.0 takes 17.5 days after the check-in 7 days ago
    assert proj["date"] == str(today + dt.timedelta(days=11))
    assert abs(proj["rate_per_week"] - 0.2) < 1e-9
    with pytest.raises(ValidationError):
        goal_svc.checkin_record(goal=goal, recorded_by=world.learner, ratings={bench.pk: 1.5})
    page = api(world.learner).get(f"/goals/{goal.pk}/")
    assert b"should be reached around" in page.content


def test_goal_list_query_count_is_pinned(world, django_assert_num_queries):
    for n in range(5):
        goal_svc.goal_create(
            learner=world.learner, title=f"G{n}", benchmarks=goal_body()["benchmarks"]
        )
    client = api(world.teacher)
    # The session, the caller, the goals, their competencies and their
    # benchmarks (prefetched): five for five goals as for one.
    with django_assert_num_queries(5):
        r = client.get("/api/v1/goals")
    assert len(r.json()) == 5


def test_learner_changes_goal_on_its_page_after_changes_asked(world, comps):
    goal = goal_svc.goal_create(
        learner=world.learner, title="Old", benchmarks=goal_body()["benchmarks"]
    )
    bench = goal.benchmarks.get()
    goal_svc.checkin_record(goal=goal, recorded_by=world.learner, ratings={bench.pk: 0.4})
    goal_svc.goal_review(
        goal=goal, reviewer=world.teacher, decision="changes", comment="Be specific"
    )
    page = api(world.learner).get(f"/goals/{goal.pk}/edit/")
    assert page.status_code == 200 and b'value="Explain a ratio"' in page.content
    r = api(world.learner).post(
        f"/goals/{goal.pk}/edit/",
        {
            "title": "Explain three ratios",
            "bm1_description": "Explain three ratios",
            "bm1_due_on": "2026-12-05",
            "bm1_success": "Three examples",
        },
    )
    assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Explain three ratios" and goal.status == "pending"
    assert goal.benchmarks.get().pk == bench.pk  # the self-rating history is kept
    assert api(world.learner).get(f"/api/v1/goals/{goal.pk}").json()["progress"] == 0.4
    bad = api(world.learner).post(f"/goals/{goal.pk}/edit/", {"title": "x"})
    assert bad.status_code == 200 and goal_svc.NEEDS_BENCHMARK.encode() in bad.content
    for who in (world.teacher, world.guardian):
        assert api(who).get(f"/goals/{goal.pk}/edit/").status_code == 403
    assert api(world.sibling).get(f"/goals/{goal.pk}/edit/").status_code == 404
