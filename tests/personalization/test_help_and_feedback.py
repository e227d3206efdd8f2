"""Help requests are threads (answered, resolved, thanked) and network
members leave feedback on work shared with them; both are visible to the
learner's teachers and to no one without a reason (issue 16, item 9)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.personalization.conftest import api, join, post
from trellis.api.models import ApiToken
from trellis.personalization.models import HelpReply, Notification, PortfolioFeedback
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import portfolio as pf_svc

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _ask(world, message="Stuck on ratio tables"):
    join(world.learner, world.sibling)
    return net_svc.help_request_send(learner=world.learner, message=message)


def test_help_request_is_answered_thanked_and_resolved(world):
    help_request = _ask(world)
    url = f"/network/help-requests/{help_request.pk}"
    helper = api(world.sibling)
    r = post(helper, f"{url}/replies", {"text": "Try doubling both rows"})
    assert r.status_code == 201, r.content
    reply_id = r.json()["id"]
    assert Notification.objects.filter(
        recipient=world.learner, text__contains="Try doubling both rows"
    ).exists()
    # the learner follows up on the page; the helper is told
    page = api(world.learner).post(f"/help/{help_request.pk}/", {"text": "Why doubling?"})
    assert page.status_code == 302
    assert Notification.objects.filter(
        recipient=world.sibling, text__contains="Why doubling?"
    ).exists()
    # only the learner thanks, and only others' replies, once
    assert post(helper, f"{url}/replies/{reply_id}/thank", {}).status_code == 403
    own = HelpReply.objects.get(author=world.learner)
    r = post(api(world.learner), f"{url}/replies/{own.pk}/thank", {})
    assert r.status_code == 400 and str(net_svc.THANK_OWN) in r.json()["detail"]
    r = post(api(world.learner), f"{url}/replies/{reply_id}/thank", {})
    assert r.status_code == 200 and r.json()["thanked"] is True
    assert post(api(world.learner), f"{url}/replies/{reply_id}/thank", {}).status_code == 400
    assert Notification.objects.filter(recipient=world.sibling, text__contains="thanked").exists()
    # resolving: the learner only; then the thread takes no more replies
    assert post(helper, f"{url}/resolve", {}).status_code == 403
    r = post(api(world.learner), f"{url}/resolve", {})
    assert r.status_code == 200 and r.json()["resolved_at"]
    r = post(helper, f"{url}/replies", {"text": "one more"})
    assert r.status_code == 400 and str(net_svc.RESOLVED) in r.json()["detail"]
    thread = api(world.learner).get(f"/api/v1{url}").json()
    assert [x["text"] for x in thread["replies"]] == ["Try doubling both rows", "Why doubling?"]
    assert [x["thanked"] for x in thread["replies"]] == [True, False]
    # the teacher reads the thread, from the learner's help page too
    assert api(world.teacher).get(f"/api/v1{url}").json()["resolved_at"]
    teacher_page = api(world.teacher).get(f"/learners/{world.learner.pk}/help/").content.decode()
    assert f"/help/{help_request.pk}/" in teacher_page and "resolved" in teacher_page
    assert "Why doubling?" in api(world.teacher).get(f"/help/{help_request.pk}/").content.decode()


def test_help_thread_forbidden_through_pages_session_and_bearer(world, other_world):
    help_request = _ask(world)
    url = f"/api/v1/network/help-requests/{help_request.pk}"
    outsiders = (
        world.other_learner,  # same school, not asked
        world.teacher_b,  # teaches another class
        world.guardian,
        world.stranger,
        other_world.teacher,
        other_world.admin,
        other_world.learner,
    )
    for who in outsiders:
        assert api(who).get(f"/help/{help_request.pk}/").status_code == 404, who
        assert api(who).post(f"/help/{help_request.pk}/", {"text": "x"}).status_code == 404
        assert api(who).get(url).status_code == 404
        assert post(api(who), f"{url}/replies", {"text": "x"}).status_code == 404
        token = Client(**bearer(who))
        assert token.get(url).status_code == 404
        r = token.post(
            f"{url}/replies", data=json.dumps({"text": "x"}), content_type="application/json"
        )
        assert r.status_code == 404
        assert help_request.pk not in [
            h["id"] for h in token.get("/api/v1/network/help-requests").json()
        ]
    assert not HelpReply.objects.exists()
    # the teacher, the school admin and the recipient through a bearer token
    for who in (world.teacher, world.admin, world.sibling):
        token = Client(**bearer(who))
        assert token.get(url).status_code == 200
        assert help_request.pk in [
            h["id"] for h in token.get("/api/v1/network/help-requests").json()
        ]
    # removed from the network: the recipient still reads the thread, no longer replies
    net_svc.network_remove(learner=world.learner, member_id=world.sibling.pk)
    assert api(world.sibling).get(url).status_code == 200
    assert post(api(world.sibling), f"{url[7:]}/replies", {"text": "x"}).status_code == 403
    # learner's help page: teachers only (a guardian may see the learner: 403)
    assert api(world.guardian).get(f"/learners/{world.learner.pk}/help/").status_code == 403
    assert api(other_world.teacher).get(f"/learners/{world.learner.pk}/help/").status_code == 404


def _shared(world, title="My bridge model", **share):
    return pf_svc.entry_add(
        learner=world.learner,
        kind="note",
        title=title,
        note="n",
        **(share or {"share_network": True}),
    )


def test_network_peer_leaves_feedback_the_teacher_sees_it(world):
    entry = _shared(world)
    join(world.learner, world.sibling)
    join(world.learner, world.other_learner)
    page = api(world.sibling).get(f"/learners/{world.learner.pk}/portfolio/").content.decode()
    assert f'action="/portfolio/{entry.pk}/feedback/"' in page
    r = api(world.sibling).post(f"/portfolio/{entry.pk}/feedback/", {"text": "Strong supports"})
    assert r.status_code == 302
    r = post(
        api(world.other_learner), f"/portfolio/entries/{entry.pk}/feedback", {"text": "Label it"}
    )
    assert r.status_code == 201, r.content
    assert Notification.objects.filter(
        recipient=world.learner, text__contains="Strong supports"
    ).exists()

    def texts(who):
        got = api(who).get(f"/api/v1/portfolio/entries/{entry.pk}/feedback")
        return got.status_code, [f["text"] for f in got.json()] if got.status_code == 200 else None

    assert texts(world.learner) == (200, ["Strong supports", "Label it"])
    assert texts(world.teacher) == (200, ["Strong supports", "Label it"])
    assert texts(world.sibling) == (200, ["Strong supports"])  # their own only
    assert texts(world.other_learner) == (200, ["Label it"])
    assert "Strong supports" in api(world.learner).get("/portfolio/").content.decode()
    teacher_page = api(world.teacher).get(f"/learners/{world.learner.pk}/help/").content.decode()
    assert "Strong supports" in teacher_page and "Label it" in teacher_page
    r = post(api(world.sibling), f"/portfolio/entries/{entry.pk}/feedback", {"text": " "})
    assert r.status_code == 400 and str(pf_svc.EMPTY_FEEDBACK) in r.json()["detail"]


def test_feedback_forbidden_without_an_accepted_network_link(world, other_world):
    entry = _shared(world)
    klass = _shared(world, "Class only", share_class=True)
    net_svc.network_add(learner=world.learner, username=world.other_learner.username, kind="peer")
    url = f"/api/v1/portfolio/entries/{entry.pk}/feedback"
    # invited but not accepted, outsiders: the entry is not visible (404)
    for who in (world.other_learner, world.stranger, other_world.learner, other_world.teacher):
        assert api(who).post(f"/portfolio/{entry.pk}/feedback/", {"text": "x"}).status_code == 404
        assert (
            post(api(who), f"/portfolio/entries/{entry.pk}/feedback", {"text": "x"}).status_code
            == 404
        )
        token = Client(**bearer(who))
        assert token.get(url).status_code == 404
        r = token.post(url, data=json.dumps({"text": "x"}), content_type="application/json")
        assert r.status_code == 404
    # a classmate sees the class entry but is not in the network: 403; the
    # learner and the teacher see it but do not leave peer feedback either
    for who in (world.sibling, world.learner, world.teacher):
        target = klass if who == world.sibling else entry
        r = post(api(who), f"/portfolio/entries/{target.pk}/feedback", {"text": "x"})
        assert r.status_code == 403, who
    assert not PortfolioFeedback.objects.exists()


def test_help_request_list_query_count_does_not_grow_with_the_requests(
    world, django_assert_num_queries
):
    """The session, the learner, the requests (visibility and reply counts in
    one query), their recipients and their replies with their authors (two
    prefetches): five, for one request as for four with replies (each
    request's recipients and thread cost a query apiece before)."""
    client = api(world.learner)
    first = _ask(world)
    net_svc.help_reply(request=first, author=world.sibling, text="Try doubling")
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/network/help-requests").json()) == 1
    for n in range(3):
        more = net_svc.help_request_send(learner=world.learner, message=f"Also stuck {n}")
        net_svc.help_reply(request=more, author=world.sibling, text=f"Reply {n}")
    with django_assert_num_queries(5):
        rows = client.get("/api/v1/network/help-requests").json()
    assert len(rows) == 4 and all(len(r["replies"]) == 1 for r in rows)
    assert all(r["recipient_ids"] == [world.sibling.pk] for r in rows)
