"""The learner network keeps to the learner's school and to consent: members
accept before anything of theirs is shown or any help request reaches them,
outside experts come only through a teacher's approval, and the add form
answers the same whether or not a username exists (issue 17, item 6)."""

from __future__ import annotations

import pytest

from tests.personalization.conftest import api, post
from trellis.evidence.models import MasteryRecord
from trellis.people.models import User
from trellis.personalization.models import HelpRequest, NetworkMember
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import portfolio as pf_svc

pytestmark = pytest.mark.django_db


def _add(client, username: str, kind: str = "peer"):
    return post(client, "/network", {"username": username, "kind": kind})


def test_no_username_probing_one_message_for_every_refusal(world, other_world):
    """A name that does not exist, a learner of another school, a teacher of
    another school as mentor, a guardian as peer: the same words each time."""
    client = api(world.learner)
    for username, kind in (
        ("nobody-by-this-name", "peer"),
        (other_world.learner.username, "peer"),
        (other_world.teacher.username, "mentor"),
        (other_world.teacher.username, "teacher"),
        (world.guardian.username, "peer"),
        (world.stranger.username, "mentor"),
    ):
        r = _add(client, username, kind)
        assert r.status_code == 400, (username, kind)
        label = {"peer": "peer", "mentor": "mentor", "teacher": "teacher"}[kind]
        expected = net_svc.NOT_AVAILABLE.format(username=username, kind=label)
        assert r.json()["detail"] == f"username: {expected}", (username, kind)
    # the page says the same
    page = api(world.learner).post(
        "/network/", {"action": "add", "username": other_world.learner.username, "kind": "peer"}
    )
    assert "No one at your school called" in page.content.decode()
    assert not NetworkMember.objects.exists()


def test_mentor_from_another_school_is_refused(world, other_world):
    r = _add(api(world.learner), other_world.admin.username, "mentor")
    assert r.status_code == 400
    assert _add(api(world.learner), world.admin.username, "mentor").status_code == 201


def test_learner_cannot_add_an_outside_expert_by_username(world):
    for username in (world.stranger.username, "someone-new"):
        r = _add(api(world.learner), username, "expert")
        assert r.status_code == 400 and str(net_svc.EXPERT_BY_REQUEST) in r.json()["detail"]
    assert not NetworkMember.objects.exists()


def test_learner_asking_for_an_expert_creates_no_account_and_gets_no_link(world):
    before = User.objects.count()
    page = api(world.learner).post(
        "/network/",
        {"action": "invite", "email": "mia@example.org", "display_name": "Mia"},
        follow=True,
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "/experts/welcome/" not in html and "Sent to your teacher" in html
    assert User.objects.count() == before
    # the teacher approves on the network page and gets the link, once
    request_id = world.learner.expert_requests.get().pk
    teacher_page = api(world.teacher).get("/network/").content.decode()
    assert "Mia" in teacher_page and "Approve and invite" in teacher_page
    approved = api(world.teacher).post(
        "/network/", {"action": "approve", "request_id": request_id}, follow=True
    )
    assert "/experts/welcome/" in approved.content.decode()
    assert "/experts/welcome/" not in api(world.teacher).get("/network/").content.decode()
    assert "/experts/welcome/" not in api(world.learner).get("/network/").content.decode()
    # another school's teacher cannot decide it, through the page either
    assert (
        api(world.teacher_b).post("/network/", {"action": "reject", "request_id": request_id})
    ).status_code == 404


def test_peers_accept_before_their_mastery_is_shown_or_help_reaches_them(world, comps):
    MasteryRecord.objects.create(
        learner=world.sibling, competency=comps[0], probability=0.97, level="mastered"
    )
    learner = api(world.learner)
    assert _add(learner, world.sibling.username).status_code == 201
    assert learner.get("/api/v1/network").json()[0]["status"] == "invited"
    assert learner.get(f"/api/v1/network/helpers/{comps[0].pk}").json() == []
    page = learner.get(f"/network/?competency={comps[0].pk}").content.decode()
    assert "none in your network yet" in page and f"(has mastered {comps[0].label})" not in page
    r = post(learner, "/network/help-requests", {"message": "Help?"})
    assert r.status_code == 400 and str(net_svc.NO_RECIPIENTS) in r.json()["detail"]
    r = post(
        learner, "/network/help-requests", {"message": "Help?", "recipient_ids": [world.sibling.pk]}
    )
    assert r.status_code == 400 and str(net_svc.NOT_IN_NETWORK) in r.json()["detail"]
    assert not HelpRequest.objects.exists()
    # nothing the learner shares with the network reaches an invited member
    pf_svc.entry_add(learner=world.learner, kind="note", title="Mine", note="n", share_network=True)
    assert api(world.sibling).get(f"/api/v1/portfolio/{world.learner.pk}").status_code == 404
    # only the invited person can accept (page and API), others get 404
    link = NetworkMember.objects.get()
    for who in (world.learner, world.teacher, world.other_learner):
        assert api(who).post(f"/api/v1/network/invitations/{link.pk}/accept").status_code == 404
        assert (
            api(who).post("/network/", {"action": "accept", "link_id": link.pk}).status_code == 404
        )
    assert (
        api(world.sibling).post("/network/", {"action": "accept", "link_id": link.pk}).status_code
        == 302
    )
    link.refresh_from_db()
    assert link.status == "accepted" and link.accepted_at is not None
    assert [
        h["member_id"] for h in learner.get(f"/api/v1/network/helpers/{comps[0].pk}").json()
    ] == [world.sibling.pk]
    r = post(learner, "/network/help-requests", {"message": "Help?"})
    assert r.status_code == 201 and r.json()["recipients"] == [world.sibling.pk]
    assert api(world.sibling).get(f"/api/v1/portfolio/{world.learner.pk}").status_code == 200


def test_declining_removes_the_invitation(world):
    link = net_svc.network_add(learner=world.learner, username=world.sibling.username, kind="peer")
    assert (
        api(world.sibling).post(f"/api/v1/network/invitations/{link.pk}/decline").status_code == 204
    )
    assert not NetworkMember.objects.exists()
