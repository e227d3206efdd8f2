from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.personalization.conftest import api, choice_body, post
from trellis.personalization.models import AssessmentChoice, Notification, ProposalEvent
from trellis.personalization.services import proposals as svc

pytestmark = pytest.mark.django_db

PROPOSAL = {"what": "A comic", "how": "Each panel uses a ratio", "rubric": "The class ratio rubric"}


def _choice(world, comps):
    r = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0]))
    assert r.status_code == 201, r.content
    return r.json()


def test_full_flow_revision_then_accept_with_history_and_notifications(world, comps):
    choice = _choice(world, comps)
    assert Notification.objects.filter(recipient=world.learner).count() == 1
    learner, teacher = api(world.learner), api(world.teacher)
    assert [c["id"] for c in learner.get("/api/v1/proposals/choices").json()] == [choice["id"]]
    assert api(world.other_learner).get("/api/v1/proposals/choices").json() == []
    p = post(learner, f"/proposals/choices/{choice['id']}/proposals", PROPOSAL).json()
    assert p["status"] == "submitted"
    r = post(teacher, f"/proposals/{p['id']}/reviews", {"action": "revision"})
    assert r.status_code == 400 and svc.ACTION_NEEDS_COMMENT in r.json()["detail"]
    assert (
        post(
            teacher, f"/proposals/{p['id']}/reviews", {"action": "revision", "comment": "Add a key"}
        ).json()["status"]
        == "revision"
    )
    # the learner cannot accept their own proposal
    assert post(learner, f"/proposals/{p['id']}/reviews", {"action": "accepted"}).status_code == 403
    r = post(learner, f"/proposals/{p['id']}", {**PROPOSAL, "what": "A comic with a key"}, "put")
    assert r.json()["status"] == "submitted" and r.json()["version"] == 2
    done = post(teacher, f"/proposals/{p['id']}/reviews", {"action": "accepted"}).json()
    assert done["status"] == "accepted"
    assert [e["action"] for e in done["events"]] == ["submitted", "revision", "revised", "accepted"]
    assert ProposalEvent.objects.get(action="revised").snapshot["what"] == "A comic with a key"
    assert Notification.objects.filter(recipient=world.learner).count() == 3
    assert Notification.objects.filter(recipient=world.teacher).count() == 2
    assert (
        post(learner, f"/proposals/choices/{choice['id']}/pick", {"option": 1}).status_code == 400
    )


def test_choice_needs_two_options_and_future_deadline(world, comps):
    r = post(
        api(world.teacher),
        "/proposals/choices",
        choice_body(world, comps[0], options=["Only one", " "]),
    )
    assert r.status_code == 400 and "at least two" in r.json()["detail"]
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    r = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0], deadline=past))
    assert r.status_code == 400 and svc.DEADLINE_PAST in r.json()["detail"]


def test_after_deadline_without_acceptance_the_learner_must_pick(world, comps):
    choice = _choice(world, comps)
    p = post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL).json()
    AssessmentChoice.objects.filter(pk=choice["id"]).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    c = AssessmentChoice.objects.get(pk=choice["id"])
    assert svc.must_pick(c, world.learner)
    r = post(api(world.teacher), f"/proposals/{p['id']}/reviews", {"action": "accepted"})
    assert r.status_code == 400 and svc.DEADLINE_PASSED in r.json()["detail"]
    page = api(world.learner).get(f"/choices/{choice['id']}/")
    assert b"pick one of these options" in page.content
    assert (
        post(
            api(world.learner), f"/proposals/choices/{choice['id']}/pick", {"option": 3}
        ).status_code
        == 400
    )
    assert (
        post(
            api(world.learner), f"/proposals/choices/{choice['id']}/pick", {"option": 2}
        ).status_code
        == 201
    )
    assert not svc.must_pick(c, world.learner)


def test_proposal_privacy_across_classes_and_schools(world, other_world, comps):
    choice = _choice(world, comps)
    p = post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL).json()
    # not in class A: cannot propose (page and API)
    for who in (world.other_learner, other_world.learner, world.stranger):
        assert post(
            api(who), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL
        ).status_code in (403, 404)
        assert api(who).post(
            f"/choices/{choice['id']}/", {"action": "propose", **PROPOSAL}
        ).status_code in (403, 404)
    for who in (
        world.sibling,
        world.teacher_b,
        other_world.teacher,
        other_world.learner,
        world.stranger,
    ):
        assert api(who).get(f"/api/v1/proposals/{p['id']}").status_code == 404
        assert api(who).get(f"/proposals/{p['id']}/").status_code == 404
        assert (
            post(api(who), f"/proposals/{p['id']}/reviews", {"action": "accepted"}).status_code
            == 404
        )
        assert p["id"] not in [x["id"] for x in api(who).get("/api/v1/proposals").json()]
    assert api(world.guardian).get(f"/api/v1/proposals/{p['id']}").status_code == 200
    assert (
        post(
            api(world.guardian), f"/proposals/{p['id']}/reviews", {"action": "accepted"}
        ).status_code
        == 403
    )
    # a teacher of another class (who cannot see class A) cannot offer choices to it;
    # a learner in class A sees the class but may not offer: 403
    for who in (world.teacher_b, other_world.teacher):
        assert post(api(who), "/proposals/choices", choice_body(world, comps[0])).status_code == 404
        assert api(who).post(f"/classes/{world.class_a.pk}/choices/new/", {}).status_code == 404
    assert (
        post(api(world.learner), "/proposals/choices", choice_body(world, comps[0])).status_code
        == 403
    )


def test_proposal_list_query_count_is_pinned(world, comps, django_assert_max_num_queries):
    choice = _choice(world, comps)
    for who in (world.learner, world.sibling):
        post(api(who), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL)
    client = api(world.teacher)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/proposals").json()) == 2
    assert len(client.get("/api/v1/proposals?status=accepted").json()) == 0
    assert len(client.get("/api/v1/proposals?status=submitted").json()) == 2


def test_guidance_queue_shows_only_the_teachers_learners(world, other_world, comps):
    from tests.personalization.conftest import goal_body
    from trellis.personalization.services import goals as goal_svc

    goal_svc.goal_create(
        learner=world.learner, title="Mine to review", benchmarks=goal_body()["benchmarks"]
    )
    goal_svc.goal_create(
        learner=world.other_learner, title="Class B goal", benchmarks=goal_body()["benchmarks"]
    )
    choice = _choice(world, comps)
    post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL)
    page = api(world.teacher).get("/guidance/")
    assert b"Mine to review" in page.content and b"Class B goal" not in page.content
    assert b"A comic" in page.content
    assert b"Mine to review" not in api(other_world.teacher).get("/guidance/").content
    for who in (world.learner, world.guardian, world.stranger):
        assert api(who).get("/guidance/").status_code == 403


def test_family_page_lists_only_the_guardians_children(world, other_world):
    page = api(world.guardian).get("/family/")
    assert (
        str(world.learner).encode() in page.content and str(world.sibling).encode() in page.content
    )
    assert str(world.other_learner).encode() not in page.content
    assert str(world.other_learner).encode() in api(world.dual).get("/family/").content
    for who in (world.teacher, world.learner, world.stranger, other_world.admin):
        assert api(who).get("/family/").status_code == 403
