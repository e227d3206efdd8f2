"""What the issue asks of the pages, each with its forbidden access: the
profile stays the learner's, goal reviews (approve, comment, ask for
changes), uploads typed by content through the page, sharing choices,
removing someone from the network, help requests to chosen helpers, and
the self vs teacher gap shown to the learner too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from tests.personalization.conftest import api, goal_body, join, join_expert, post, scored_work
from trellis.evidence.models import MasteryRecord
from trellis.evidence.services import rubric_score_record
from trellis.personalization.models import (
    GoalReview,
    HelpRequest,
    NetworkMember,
    Notification,
    PortfolioEntry,
)
from trellis.personalization.services import goals as goal_svc
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import portfolio as pf_svc
from trellis.personalization.services import profile as profile_svc

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_teachers_comment_never_overwrites_the_profile(world):
    profile_svc.profile_update(learner=world.learner, strengths="Drawing", interests="space")
    r = api(world.teacher).post(
        f"/learners/{world.learner.pk}/profile/",
        {"text": "Lovely drawings", "strengths": "Nothing", "interests": "none"},
    )
    assert r.status_code == 302
    body = api(world.learner).get(f"/api/v1/profiles/{world.learner.pk}").json()
    assert (body["strengths"], body["interests"]) == ("Drawing", "space")
    assert body["comments"] == [{"author": str(world.teacher), "text": "Lovely drawings"}]
    r = post(
        api(world.teacher),
        f"/profiles/{world.learner.pk}/comments",
        {"text": "Again", "strengths": "Nothing"},
    )
    assert r.status_code == 201 and r.json()["strengths"] == "Drawing"
    page = api(world.learner).get("/profile/").content.decode()
    assert "Lovely drawings" in page and "Drawing" in page


def test_teacher_approves_comments_or_asks_for_changes_on_the_goal_page(world):
    goal = goal_svc.goal_create(
        learner=world.learner, title="Read more", benchmarks=goal_body()["benchmarks"]
    )
    teacher, url = api(world.teacher), f"/goals/{goal.pk}/"
    page = teacher.get(url).content.decode()
    for decision in ("approve", "comment", "changes"):
        assert f'name="decision" value="{decision}"' in page
    empty = teacher.post(url, {"action": "review", "decision": "comment", "comment": " "})
    assert str(goal_svc.CHANGES_NEED_COMMENT) in empty.content.decode()
    assert not GoalReview.objects.exists()
    teacher.post(url, {"action": "review", "decision": "comment", "comment": "Which books?"})
    goal.refresh_from_db()
    assert goal.status == "pending"  # a comment is guidance, not a decision
    teacher.post(url, {"action": "review", "decision": "changes", "comment": "Name three books"})
    goal.refresh_from_db()
    assert goal.status == "changes"
    teacher.post(url, {"action": "review", "decision": "approve"})
    goal.refresh_from_db()
    assert goal.status == "approved"
    texts = Notification.objects.filter(recipient=world.learner).order_by("pk")
    assert [n.text for n in texts] == [
        f"{world.teacher} {words} your goal: Read more"
        for words in ("commented on", "asked for changes to", "approved")
    ]
    # the learner's page shows every review; they cannot review their own goal
    mine = api(world.learner).get(url).content.decode()
    assert "Which books?" in mine and "Name three books" in mine and 'name="decision"' not in mine
    r = api(world.learner).post(url, {"action": "review", "decision": "approve"})
    assert r.status_code == 403 and GoalReview.objects.count() == 3


def test_uploads_on_the_page_are_typed_by_content_not_name(world, monkeypatch):
    learner = api(world.learner)
    form = {"kind": "file", "title": "Scan"}
    renamed_exe = learner.post(
        "/portfolio/", {**form, "file": SimpleUploadedFile("photo.png", EXE, "image/png")}
    )
    assert renamed_exe.status_code == 200
    assert escape(str(pf_svc.BAD_TYPE)) in renamed_exe.content.decode()
    assert not PortfolioEntry.objects.exists()
    renamed_png = learner.post(
        "/portfolio/", {**form, "file": SimpleUploadedFile("notes.txt", PNG, "text/plain")}
    )
    assert renamed_png.status_code == 302
    entry = PortfolioEntry.objects.get()
    assert entry.content_type == "image/png" and entry.file.name.endswith(".png")
    assert entry.original_name == "notes.txt"
    served = learner.get(f"/portfolio/{entry.pk}/file/")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    monkeypatch.setattr(pf_svc, "MAX_UPLOAD_BYTES", 32)
    big = learner.post("/portfolio/", {**form, "file": SimpleUploadedFile("big.png", PNG)})
    assert "the limit is 10 MB" in big.content.decode() and PortfolioEntry.objects.count() == 1


def test_the_learner_changes_who_sees_an_entry_on_the_page(world, other_world):
    entry = pf_svc.entry_add(learner=world.learner, kind="note", title="My notes", note="n")

    def guardian_sees() -> bool:
        return (
            "My notes"
            in api(world.guardian).get(f"/learners/{world.learner.pk}/portfolio/").content.decode()
        )

    assert not guardian_sees()
    share = {"action": "share", "entry_id": entry.pk, "share_guardians": "on", "share_class": "on"}
    assert api(world.learner).post("/portfolio/", share).status_code == 302
    assert guardian_sees()
    assert (
        "My notes"
        in api(world.sibling).get(f"/learners/{world.learner.pk}/portfolio/").content.decode()
    )
    # nobody else changes the learner's choices
    assert (
        api(world.teacher).post("/portfolio/", {**share, "share_network": "on"}).status_code == 403
    )
    assert (
        api(world.sibling).post("/portfolio/", {**share, "share_network": "on"}).status_code == 403
    )
    for who in (world.other_learner, other_world.learner):
        assert api(who).post("/portfolio/", {**share, "share_network": "on"}).status_code == 404
    entry.refresh_from_db()
    assert (entry.share_guardians, entry.share_class, entry.share_network) == (True, True, False)
    api(world.learner).post("/portfolio/", {"action": "share", "entry_id": entry.pk})
    assert not guardian_sees()


def test_removing_someone_from_the_network_takes_back_what_they_saw(world):
    pf_svc.entry_add(
        learner=world.learner, kind="note", title="Shared", note="n", share_network=True
    )
    expert = join_expert(world.learner, world.teacher)
    assert api(expert).get(f"/api/v1/portfolio/{world.learner.pk}").status_code == 200
    page = api(world.learner).post("/network/", {"action": "remove", "member_id": expert.pk})
    assert page.status_code == 302 and not NetworkMember.objects.exists()
    assert api(expert).get(f"/api/v1/portfolio/{world.learner.pk}").status_code == 404
    assert api(expert).get(f"/learners/{world.learner.pk}/portfolio/").status_code == 404
    # through the API too; removing someone not in the network is 404, others may not
    join(world.learner, world.sibling)
    url = f"/api/v1/network/members/{world.sibling.pk}"
    assert api(world.teacher).delete(url).status_code == 403
    assert api(world.learner).delete(url).status_code == 204
    assert api(world.learner).delete(url).status_code == 404


def test_help_request_goes_to_the_suggested_helper_chosen_on_the_page(world, comps):
    for member, kind in ((world.sibling, "peer"), (world.teacher, "teacher")):
        join(world.learner, member, kind)
    MasteryRecord.objects.create(
        learner=world.sibling, competency=comps[0], probability=0.97, level="mastered"
    )
    page = api(world.learner).get(f"/network/?competency={comps[0].pk}").content.decode()
    assert f'value="{world.sibling.pk}" id="to_{world.sibling.pk}" checked' in page
    assert f"has mastered {comps[0].label}" in page
    r = api(world.learner).post(
        "/network/",
        {"action": "help", "message": "Stuck", "competency": comps[0].pk, "to": [world.sibling.pk]},
    )
    assert r.status_code == 302
    assert list(HelpRequest.objects.get().recipients.all()) == [world.sibling]
    assert Notification.objects.filter(recipient=world.sibling, text__contains="Stuck").exists()
    assert not Notification.objects.filter(recipient=world.teacher, text__contains="Stuck").exists()
    outsider = api(world.learner).post(
        "/network/", {"action": "help", "message": "x", "to": [world.other_learner.pk]}
    )
    assert (
        str(net_svc.NOT_IN_NETWORK) in outsider.content.decode()
        and HelpRequest.objects.count() == 1
    )


def test_the_learner_sees_the_self_vs_teacher_gap_too(world, comps):
    response = scored_work(world, comps[0], teacher_points=(1, 1))
    rubric_score_record(
        response=response,
        recorded_by=world.learner,
        kind="self",
        points=[2, 1],
        idempotency_key="s",
    )
    for who, url in (
        (world.learner, "/reflections/"),
        (world.teacher, f"/learners/{world.learner.pk}/reflections/"),
    ):
        page = api(who).get(url).content.decode()
        assert "latest gap +25 percentage points" in page
        assert "<td>75%</td><td>50%</td><td>25</td>" in page
