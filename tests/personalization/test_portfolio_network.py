"""Portfolio sharing, uploads checked by content, and the network -- with
explicit privacy tests for outside experts and peers."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.personalization.conftest import api, join, join_expert, post
from trellis.evidence.models import MasteryRecord
from trellis.people.models import User
from trellis.personalization.models import HelpRequest, Notification, PortfolioEntry
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import portfolio as svc

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%..."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _entry(world, title, **share):
    return svc.entry_add(learner=world.learner, kind="note", title=title, note="n", **share)


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.txt", PNG, "image/png"),  # type from content, not name
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        ("notes.pdf", "plain words, café".encode(), "text/plain"),
    ],
)
def test_upload_type_comes_from_content(world, name, content, expected):
    entry = svc.entry_add(
        learner=world.learner,
        kind="file",
        title="f",
        upload=SimpleUploadedFile(name, content, "application/octet-stream"),
    )
    assert entry.content_type == expected and re.fullmatch(
        r"portfolio/\d+/[0-9a-f]{32}\.(pdf|png|jpg|txt)", entry.file.name
    )


@pytest.mark.parametrize(
    "content,message",
    [
        (b"MZ\x90\x00\x03binary", svc.BAD_TYPE),
        (b"", svc.EMPTY_FILE),
        (b"GIF89a\x00\x01", svc.BAD_TYPE),
    ],
)
def test_bad_uploads_are_refused_by_name_of_the_problem(world, content, message):
    r = api(world.learner).post(
        "/api/v1/portfolio",
        {"kind": "file", "title": "x", "file": SimpleUploadedFile("x.pdf", content)},
    )
    assert r.status_code == 400 and str(message) in r.json()["detail"]
    assert not PortfolioEntry.objects.exists()


def test_upload_size_limit(world, settings, monkeypatch):
    monkeypatch.setattr(svc, "MAX_UPLOAD_BYTES", 10)
    r = api(world.learner).post(
        "/api/v1/portfolio",
        {"kind": "file", "title": "x", "file": SimpleUploadedFile("x.txt", b"a" * 11)},
    )
    assert r.status_code == 400 and "limit is 10 MB" in r.json()["detail"]


def test_file_served_only_through_permission_checked_view(world, other_world):
    r = api(world.learner).post(
        "/api/v1/portfolio",
        {"kind": "file", "title": "Scan", "file": SimpleUploadedFile("s.png", PNG)},
    )
    assert r.status_code == 201, r.content
    entry = PortfolioEntry.objects.get(pk=r.json()["id"])
    assert r.json()["file_url"] == f"/portfolio/{entry.pk}/file/"
    got = api(world.teacher).get(f"/portfolio/{entry.pk}/file/")
    assert (
        got.status_code == 200
        and got["Content-Type"] == "image/png"
        and got["X-Content-Type-Options"] == "nosniff"
    )
    assert b"".join(got.streaming_content) == PNG
    for who in (
        world.guardian,
        world.sibling,
        world.teacher_b,
        other_world.teacher,
        world.stranger,
    ):
        assert (
            api(who).get(f"/portfolio/{entry.pk}/file/").status_code == 404
        )  # not shared with anyone


def test_sharing_choices_decide_who_sees_each_entry(world, other_world):
    private = _entry(world, "Private")
    guardians = _entry(world, "For family", share_guardians=True)
    klass = _entry(world, "For class", share_class=True)
    network = _entry(world, "For network", share_network=True)
    expert = join_expert(world.learner, world.teacher)
    join(world.learner, world.other_learner)

    def titles(who):
        r = api(who).get(f"/api/v1/portfolio/{world.learner.pk}")
        return r.status_code, sorted(e["title"] for e in r.json()) if r.status_code == 200 else None

    everything = sorted(["Private", "For family", "For class", "For network"])
    assert titles(world.learner) == (200, everything)
    assert titles(world.teacher) == (200, everything)
    assert titles(world.guardian) == (200, ["For family"])
    assert titles(world.sibling) == (200, ["For class"])  # classmate in class A
    assert titles(expert) == (200, ["For network"])
    assert titles(world.other_learner) == (200, ["For network"])  # peer, not a classmate
    for who in (world.teacher_b, other_world.teacher, other_world.learner, world.stranger):
        assert titles(who)[0] == 404
        assert api(who).get(f"/learners/{world.learner.pk}/portfolio/").status_code == 404
    for entry, allowed in (
        (private, []),
        (guardians, [world.guardian]),
        (klass, [world.sibling]),
        (network, [expert, world.other_learner]),
    ):
        for who in (world.guardian, world.sibling, expert, world.other_learner, world.stranger):
            assert who.has_perm("personalization.view_entry", entry) == (who in allowed), (
                entry.title,
                who.username,
            )
    # the expert and the peer see nothing else of the learner: profile, goals, reflections
    for who in (expert, world.other_learner):
        for url in (
            f"/api/v1/profiles/{world.learner.pk}",
            f"/api/v1/reflections/{world.learner.pk}",
        ):
            assert api(who).get(url).status_code == 404
        assert api(who).get("/api/v1/goals").json() == []
        page = api(who).get(f"/learners/{world.learner.pk}/portfolio/")
        assert b"For network" in page.content and b"Private" not in page.content
    # unsharing takes it away at once
    r = post(
        api(world.learner),
        f"/portfolio/entries/{network.pk}/sharing",
        {"share_guardians": False, "share_class": False, "share_network": False},
        "put",
    )
    assert r.status_code == 200
    assert titles(expert)[0] == 404
    assert (
        post(
            api(expert),
            f"/portfolio/entries/{network.pk}/sharing",
            {"share_guardians": True, "share_class": True, "share_network": True},
            "put",
        ).status_code
        == 404
    )
    assert (
        post(
            api(world.teacher),
            f"/portfolio/entries/{network.pk}/sharing",
            {"share_guardians": True, "share_class": True, "share_network": True},
            "put",
        ).status_code
        == 403
    )


def test_network_rules_and_help_requests(world, other_world, comps):
    learner = api(world.learner)
    assert (
        post(learner, "/network", {"username": world.learner.username, "kind": "peer"}).status_code
        == 400
    )
    r = post(learner, "/network", {"username": other_world.learner.username, "kind": "peer"})
    assert r.status_code == 400 and "No one at your school called" in r.json()["detail"]
    r = post(learner, "/network", {"username": world.teacher.username, "kind": "expert"})
    assert r.status_code == 400 and str(net_svc.EXPERT_BY_REQUEST) in r.json()["detail"]
    assert (
        post(learner, "/network", {"username": world.sibling.username, "kind": "peer"}).status_code
        == 201
    )
    assert (
        post(
            learner, "/network", {"username": world.teacher.username, "kind": "teacher"}
        ).status_code
        == 201
    )
    for member in (world.sibling, world.teacher):
        invitation = api(member).get("/api/v1/network/invitations").json()[0]
        assert invitation["learner_id"] == world.learner.pk
        accepted = api(member).post(f"/api/v1/network/invitations/{invitation['id']}/accept")
        assert accepted.status_code == 200
    assert (
        post(
            api(world.teacher), "/network", {"username": world.sibling.username, "kind": "peer"}
        ).status_code
        == 403
    )
    MasteryRecord.objects.create(
        learner=world.sibling, competency=comps[0], probability=0.97, level="mastered"
    )
    MasteryRecord.objects.create(
        learner=world.other_learner, competency=comps[0], probability=0.97, level="mastered"
    )
    helpers = learner.get(f"/api/v1/network/helpers/{comps[0].pk}").json()
    assert [h["member_id"] for h in helpers] == [
        world.sibling.pk
    ]  # other_learner is not in the network
    r = post(
        learner,
        "/network/help-requests",
        {"message": "Stuck on ratios", "competency_id": comps[0].pk},
    )
    assert r.status_code == 201 and sorted(r.json()["recipients"]) == sorted(
        [world.sibling.pk, world.teacher.pk]
    )
    r = post(
        learner,
        "/network/help-requests",
        {"message": "x", "recipient_ids": [world.other_learner.pk]},
    )
    assert r.status_code == 400 and str(net_svc.NOT_IN_NETWORK) in r.json()["detail"]
    assert HelpRequest.objects.count() == 1
    assert Notification.objects.filter(
        recipient=world.sibling, text__contains="Stuck on ratios"
    ).exists()
    page = api(world.sibling).get("/network/")
    assert b"Stuck on ratios" in page.content


@pytest.mark.parametrize("url", ["/profile/", "/goals/", "/path/", "/portfolio/", "/reflections/"])
def test_learner_only_pages_refuse_others_with_403(world, url):
    for who in (world.teacher, world.guardian, world.stranger):
        assert api(who).get(url).status_code == 403
        assert api(who).post(url, {"title": "x"}).status_code == 403
    assert api(world.learner).get(url).status_code == 200


def test_network_writes_are_for_learners_only_page_and_api(world):
    page = api(world.guardian).post(
        "/network/", {"action": "add", "username": world.sibling.username, "kind": "peer"}
    )
    assert page.status_code == 403
    assert (
        post(
            api(world.guardian), "/network", {"username": world.sibling.username, "kind": "peer"}
        ).status_code
        == 403
    )
    assert post(api(world.guardian), "/network/help-requests", {"message": "hi"}).status_code == 403
    assert (
        api(world.guardian).get("/network/").status_code == 200
    )  # help requests to them, shared portfolios


def test_portfolio_list_query_count_is_pinned(world, django_assert_num_queries):
    """Constant in the number of entries: session, user, the sharing checks, the list."""
    client = api(world.sibling)
    for n in range(6):
        _entry(world, f"E{n}", share_class=True)
        # The session, the caller, the learner, the caller's roles, their
        # guardianships, enrolments, network and memberships (the visibility
        # rule), the existence check and the entries: ten, whether the
        # portfolio holds one entry or six.
        with django_assert_num_queries(10):
            assert len(client.get(f"/api/v1/portfolio/{world.learner.pk}").json()) == n + 1


def test_notifications_list_and_count(world, comps):
    _entry(world, "x")
    net_svc.network_add(learner=world.learner, username=world.sibling.username, kind="peer")
    client = api(world.sibling)
    assert client.get("/notifications/count/").content == b"Notifications (1 unread)"
    assert client.get("/api/v1/network/notifications").json()[0]["read"] is False
    client.post("/notifications/")
    assert client.get("/notifications/count/").content == b"Notifications"


def test_expert_asked_by_learner_approved_by_teacher_sets_password_and_sees_shared(
    world, other_world
):
    _entry(world, "Shared", share_network=True)
    _entry(world, "Private")
    r = post(
        api(world.learner),
        "/network/experts",
        {"email": "Ada@Example.org", "display_name": "Dr Ada", "reason": "She builds bridges"},
    )
    assert r.status_code == 201, r.content
    # the learner gets no link and no account exists until a teacher approves
    assert "set_password_url" not in r.json() and r.json()["status"] == "pending"
    assert not User.objects.filter(email="ada@example.org").exists()
    request_id = r.json()["id"]
    assert Notification.objects.filter(recipient=world.teacher, text__contains="Dr Ada").exists()
    url = f"/api/v1/network/experts/{request_id}/approve"
    for who in (other_world.teacher, world.teacher_b, world.stranger, world.sibling):
        assert api(who).post(url).status_code == 404  # no reason to see this learner
    for who in (world.learner, world.guardian):
        assert api(who).post(url).status_code == 403  # may see the learner, not decide
    assert not User.objects.filter(email="ada@example.org").exists()
    approved = api(world.teacher).post(url)
    assert approved.status_code == 200, approved.content
    link = approved.json()["set_password_url"]
    assert link and approved.json()["status"] == "approved"
    assert api(world.teacher).post(url).status_code == 400  # decided once
    expert = User.objects.get(email="ada@example.org")
    assert not expert.has_usable_password() and not expert.memberships.exists()
    client = Client()
    form = client.get(link, follow=True)
    assert b"Choose a password" in form.content, form.content.decode()[-1500:]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fine-long-secret-9", "new_password2": "a-fine-long-secret-9"},
    )
    assert done.status_code == 302
    assert client.login(username="ada@example.org", password="a-fine-long-secret-9")
    # invited, not yet accepted: nothing shared is shown
    assert client.get(f"/api/v1/portfolio/{world.learner.pk}").status_code == 404
    invitation = client.get("/api/v1/network/invitations").json()[0]
    assert client.post(f"/api/v1/network/invitations/{invitation['id']}/accept").status_code == 200
    titles = [e["title"] for e in client.get(f"/api/v1/portfolio/{world.learner.pk}").json()]
    assert titles == ["Shared"]
    assert client.get(f"/api/v1/profiles/{world.learner.pk}").status_code == 404
    assert client.get(f"/api/v1/learners/{world.learner.pk}").status_code == 404
    bad = post(
        api(world.learner), "/network/experts", {"email": "not-an-email", "display_name": "X"}
    )
    assert bad.status_code == 400 and "not an email address" in bad.json()["detail"]
    assert (
        post(
            api(world.teacher), "/network/experts", {"email": "b@example.org", "display_name": "B"}
        ).status_code
        == 403
    )
