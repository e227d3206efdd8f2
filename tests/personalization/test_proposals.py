from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.personalization.conftest import api, choice_body, post
from trellis.personalization.models import (
    AssessmentChoice,
    Notification,
    OptionPick,
    Proposal,
    ProposalEvent,
)
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
    assert r.status_code == 400 and str(svc.ACTION_NEEDS_COMMENT) in r.json()["detail"]
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
    assert r.status_code == 400 and str(svc.DEADLINE_PAST) in r.json()["detail"]


def _past(choice_id) -> AssessmentChoice:
    AssessmentChoice.objects.filter(pk=choice_id).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    return AssessmentChoice.objects.get(pk=choice_id)


def test_at_the_deadline_the_default_is_assigned_and_waiting_proposals_closed(world, comps):
    """The command assigns the teacher's default (here option 2) as an
    assessable task to a learner with nothing accepted or picked, closes their
    waiting proposal with the reason, tells learner and teacher, and does
    nothing more when run again."""
    r = post(
        api(world.teacher),
        "/proposals/choices",
        choice_body(world, comps[0], options=["A quiz", "A poster", "A comic"], default_option=2),
    )
    assert r.status_code == 201 and r.json()["default_option"] == 2
    choice_id = r.json()["id"]
    p = post(api(world.learner), f"/proposals/choices/{choice_id}/proposals", PROPOSAL).json()
    # the sibling picks option 3 before the deadline: an assessable task at once
    picked = post(api(world.sibling), f"/proposals/choices/{choice_id}/pick", {"option": 3})
    assert picked.status_code == 201 and picked.json()["assessment_id"]
    sibling_task = picked.json()["assessment_id"]
    c = _past(choice_id)
    assert svc.must_pick(c, world.learner)
    r = post(api(world.teacher), f"/proposals/{p['id']}/reviews", {"action": "accepted"})
    assert r.status_code == 400 and str(svc.DEADLINE_PASSED) in r.json()["detail"]
    before = Notification.objects.count()
    out = io.StringIO()
    call_command("apply_choice_deadlines", stdout=out)
    assert "1 choice(s)" in out.getvalue() and "1 learner(s)" in out.getvalue()
    pick = OptionPick.objects.get(choice_id=choice_id, learner=world.learner)
    assert (pick.option, pick.by_default) == (1, True) and pick.assessment_id
    assert pick.assessment.title == "Show ratios: A poster"
    assert list(pick.assessment.items.values_list("kind", flat=True)) == ["rubric"]
    assert pick.assessment.items.get().competencies.get() == comps[0]
    # the learner hands in work there; classmates cannot open it
    take = reverse("assessment-take", args=[pick.assessment_id])
    assert api(world.learner).get(take).status_code == 200
    assert api(world.sibling).get(take).status_code == 404
    assert (
        api(world.sibling).get(reverse("assessment-take", args=[sibling_task])).status_code == 200
    )
    proposal = Proposal.objects.get(pk=p["id"])
    assert proposal.status == "closed"
    closing = proposal.events.last()
    assert closing.action == "closed" and closing.actor is None
    assert "deadline" in closing.comment and "A poster" in closing.comment
    assert Notification.objects.filter(
        recipient=world.learner, text__contains="“A poster”, is now your task"
    ).exists()
    summary = Notification.objects.get(recipient=world.teacher, text__contains="deadline for")
    assert "assigned to 1 learner(s)" in summary.text and "1 proposal(s)" in summary.text
    assert not svc.must_pick(c, world.learner)
    # idempotent: nothing more happens
    sent = Notification.objects.count()
    assert sent > before
    out = io.StringIO()
    call_command("apply_choice_deadlines", stdout=out)
    assert "0 choice(s)" in out.getvalue()
    assert Notification.objects.count() == sent and OptionPick.objects.count() == 2
    # the pick stands; no re-pick, no review of the closed proposal
    r = post(api(world.learner), f"/proposals/choices/{choice_id}/pick", {"option": 1})
    assert r.status_code == 400 and "A poster" in r.json()["detail"]
    r = post(api(world.teacher), f"/proposals/{p['id']}/reviews", {"action": "accepted"})
    assert r.status_code == 400
    standing = api(world.teacher).get(f"/api/v1/proposals/choices/{choice_id}").json()["standing"]
    assert {s["learner_id"]: (s["option"], s["by_default"]) for s in standing} == {
        world.learner.pk: (2, True),
        world.sibling.pk: (3, False),
    }
    page = api(world.learner).get(f"/choices/{choice_id}/").content.decode()
    assert "your teacher's default option is your task" in page and take in page
    assert "automatically" in api(world.learner).get(f"/proposals/{p['id']}/").content.decode()


def test_the_deadline_rule_is_applied_when_a_page_or_the_api_is_read(world, comps):
    choice = _choice(world, comps)  # options "A quiz", "A poster"; default 1
    _past(choice["id"])
    assert "A quiz" in api(world.learner).get("/choices/").content.decode()
    assert AssessmentChoice.objects.get(pk=choice["id"]).deadline_applied_at is not None
    assert OptionPick.objects.filter(by_default=True, option=0).count() == 2  # learner, sibling
    # through the API too
    other = _choice(world, comps)
    _past(other["id"])
    body = api(world.teacher).get(f"/api/v1/proposals/choices/{other['id']}").json()
    assert body["deadline_applied_at"] and all(s["by_default"] for s in body["standing"])


def test_picking_closes_a_waiting_proposal_and_then_no_proposal_is_taken(world, comps):
    choice = _choice(world, comps)
    p = post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL).json()
    r = post(api(world.learner), f"/proposals/choices/{choice['id']}/pick", {"option": 2})
    assert r.status_code == 201
    proposal = Proposal.objects.get(pk=p["id"])
    assert proposal.status == "closed" and "A poster" in proposal.events.last().comment
    r = post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL)
    assert r.status_code == 400 and "A poster" in r.json()["detail"]


def test_default_option_must_be_one_of_the_options(world, comps):
    r = post(
        api(world.teacher), "/proposals/choices", choice_body(world, comps[0], default_option=3)
    )
    assert r.status_code == 400 and svc.DEFAULT_RANGE.format(count=2) in r.json()["detail"]


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


def test_proposal_list_query_count_is_pinned(world, comps, django_assert_num_queries):
    choice = _choice(world, comps)
    for who in (world.learner, world.sibling):
        post(api(who), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL)
    client = api(world.teacher)
    # The session, the teacher, the choices (their deadlines applied), the
    # proposals and their events (prefetched): five, for two learners as
    # for one.
    with django_assert_num_queries(5):
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
