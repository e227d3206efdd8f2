"""A learner writes a profile, sets a goal and proposes their own way to
show mastery; the teacher asks for a revision; the learner revises; the
teacher accepts. Pages checked at phone width as well."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.menu import follow_menu
from tests.factories import PASSWORD
from tests.personalization.conftest import make_framework
from tests.world import build_school
from trellis.evidence.models import MasteryRecord, Response
from trellis.personalization.models import Proposal
from trellis.personalization.services.proposals import choice_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_profile_goal_and_proposal_revised_then_accepted(page, live_server, sign_in, screenshot):
    world = build_school("e2e_")
    _, comps = make_framework(world.school)
    choice = choice_create(
        school_class=world.class_a,
        competency_id=comps[0].pk,
        title="Show ratios",
        options=["A quiz", "A poster"],
        deadline=timezone.now() + dt.timedelta(days=7),
        created_by=world.teacher,
    )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.learner.username, PASSWORD)

    page.goto(f"{live_server.url}/profile/")
    page.get_by_label("My strengths").fill("Drawing and explaining")
    page.get_by_label("Interest keywords").fill("space, comics")
    page.get_by_label("Watching (video)").check()
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-profile")

    page.goto(f"{live_server.url}/goals/")
    page.get_by_label("Goal", exact=True).fill("Explain ratios with comics")
    page.locator("#bm1_description").fill("Draw a ratio comic")
    page.locator("#bm1_due_on").fill("2026-12-15")
    page.locator("#bm1_success").fill("My friend understands it")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name="Explain ratios with comics")).to_be_visible()
    expect(page.get_by_text("Not enough check-ins yet")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-goal")

    page.goto(f"{live_server.url}/choices/{choice.pk}/")
    page.get_by_label("What I'll make or do").fill("A comic strip")
    page.get_by_label("How it shows the competency").fill("Each panel compares two amounts")
    page.get_by_label("Which rubric or criteria to judge it against").fill(
        "Accuracy: several errors / one slip / all correct\nClear explanation"
    )
    page.get_by_role("button", name="Send my proposal").click()
    expect(page.get_by_text("Waiting for the teacher").first).to_be_visible()
    _no_sideways_scroll(page)
    proposal = Proposal.objects.get()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1100, "height": 800})
    sign_in(world.teacher.username, PASSWORD)
    expect(page.get_by_role("link", name="Notifications (2 unread)")).to_be_visible()
    follow_menu(page, "Guide learners")
    expect(
        page.get_by_role("link", name=f"{world.learner}: Explain ratios with comics")
    ).to_be_visible()
    screenshot("personalization-guidance")
    page.get_by_role("link", name=f"Offer ways to show mastery to {world.class_a}").click()
    page.get_by_label("Title").fill("Show proportions")
    page.get_by_label("Option 1").fill("A short test")
    page.get_by_label("Option 2", exact=True).fill("An interview")
    page.get_by_label("Deadline for proposals").fill(
        (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    )
    screenshot("personalization-choice-form")
    page.get_by_role("button", name="Offer to the class").click()
    expect(page.get_by_text("Choices offered to the class.")).to_be_visible()
    screenshot("personalization-choice-teacher")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_label("Comment (needed to ask for a revision or send back)").fill(
        "Add a key that names each ratio"
    )
    page.get_by_role("button", name="Ask for a revision").click()
    expect(page.get_by_text("Revision asked").first).to_be_visible()
    screenshot("personalization-proposal-teacher")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    expect(page.get_by_text("Add a key that names each ratio")).to_be_visible()
    page.get_by_label("What I'll make or do").fill("A comic strip with a key")
    page.get_by_role("button", name="Send revision").click()
    expect(page.get_by_text("Revision sent to your teacher.")).to_be_visible()
    expect(page.get_by_text("version 2").first).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-proposal-revised")

    page.context.clear_cookies()
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.version == 2
    assert [e.action for e in proposal.events.all()] == [
        "submitted",
        "revision",
        "revised",
        "accepted",
    ]
    expect(page.get_by_role("heading", name="Its assessment")).to_be_visible()
    expect(page.get_by_role("cell", name="several errors / one slip / all correct")).to_be_visible()
    screenshot("personalization-proposal-accepted")

    # the accepted proposal is now the learner's own assessment: they hand in their work ...
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Hand in your work").click()
    page.get_by_label("Your work").fill("My comic is in my portfolio: six panels with a key.")
    with page.expect_navigation():  # the check reads the page the answer leads to
        page.get_by_role("button", name="Submit").click()
    _no_sideways_scroll(page)
    screenshot("personalization-proposal-handed-in")
    response = Response.objects.get(learner=world.learner, item__in=proposal.assessment.items.all())

    # ... and the teacher scores it with the learner's rubric in the normal flow; mastery moves
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1100, "height": 800})
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Open it to score the work").click()
    page.locator(f"a[href='/responses/{response.pk}/score/']").click()
    page.get_by_label("2 — all correct").check()
    page.get_by_label("2 — Fully").check()
    page.get_by_role("button", name="Save score").click()
    expect(page.get_by_text(f"Score saved for {world.learner}")).to_be_visible()
    record = MasteryRecord.objects.get(learner=world.learner, competency=comps[0])
    assert record.attempts == 1 and record.probability > 0.2


def test_reflection_path_portfolio_and_network_pages(
    page, live_server, sign_in, screenshot, settings, tmp_path
):
    from tests.personalization.conftest import make_resource, scored_work
    from trellis.evidence.services import rubric_score_record
    from trellis.personalization.services import network as net_svc
    from trellis.personalization.services import portfolio as pf_svc
    from trellis.personalization.services import profile as profile_svc

    settings.MEDIA_ROOT = tmp_path
    world = build_school("e2f_")
    _, comps = make_framework(world.school)
    profile_svc.profile_update(
        learner=world.learner, interests="space and planets", take_in=["video"]
    )
    make_resource(
        world, comps[0], title="Planets by ratio", interest_tags=["space"], readiness_level=1
    )
    make_resource(
        world, comps[0], title="Cooking ratios", format="reading", url="", readiness_level=4
    )
    for n, (mine, theirs) in enumerate((((2, 2), (1, 0)), ((2, 1), (1, 1)), ((1, 1), (1, 1)))):
        response = scored_work(world, comps[0], teacher_points=theirs)
        rubric_score_record(
            response=response,
            recorded_by=world.learner,
            kind="self",
            points=list(mine),
            idempotency_key=f"s{n}",
        )
    pf_svc.entry_add(
        learner=world.learner,
        kind="note",
        title="What I learned about ratios",
        note="Ratios compare.",
        share_network=True,
    )
    link = net_svc.network_add(learner=world.learner, username=world.sibling.username, kind="peer")
    net_svc.network_accept(link=link)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.learner.username, PASSWORD)

    page.goto(f"{live_server.url}/reflections/")
    expect(
        page.get_by_role("img", name="Self-rating minus teacher’s rating for 3 scored tasks")
    ).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-reflections")
    page.get_by_role("link", name="Build a scale model").first.click()
    page.get_by_label("all").first.check()
    page.get_by_label("some").nth(1).check()
    page.get_by_label("What went well").fill("Accurate")
    page.get_by_label("What I'd change").fill("Explain")
    page.get_by_label("My next step").fill("Labels")
    page.get_by_role("button", name="Save rating and reflection").click()
    expect(page.get_by_text("Your self-rating and reflection are saved.")).to_be_visible()

    page.goto(f"{live_server.url}/path/")
    expect(page.get_by_text("Matches your interest in planets and space")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-path")
    page.get_by_role("button", name=f"Choose this for {comps[0].label}").first.click()
    expect(page.get_by_text("Added to your path.")).to_be_visible()

    page.goto(f"{live_server.url}/portfolio/")
    page.get_by_label("Kind", exact=True).select_option("file")
    page.get_by_label("Title", exact=True).fill("My diagram")
    page.get_by_label("File (PDF, PNG, JPEG or text, up to 10 MB)").set_input_files(
        files=[
            {
                "name": "d.png",
                "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
            }
        ]
    )
    page.get_by_label("My guardians").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Added to your portfolio.")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-portfolio")

    page.goto(f"{live_server.url}/network/")
    page.get_by_label("Their name").fill("Dr Ada")
    page.get_by_label("Their email").fill("ada@example.org")
    page.get_by_role("button", name="Ask my teacher").click()
    expect(page.get_by_text("Sent to your teacher")).to_be_visible()
    expect(page.locator(".p13n-invite")).to_have_count(0)  # no link for the learner
    _no_sideways_scroll(page)
    screenshot("personalization-network")

    page.context.clear_cookies()
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("button", name="Approve and invite").click()
    link = page.locator(".p13n-invite a").get_attribute("href")
    _no_sideways_scroll(page)
    screenshot("personalization-network-teacher-approves")

    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a-fine-long-secret-9")
    page.get_by_label("New password confirmation").fill("a-fine-long-secret-9")
    _no_sideways_scroll(page)
    screenshot("personalization-expert-welcome")
    page.get_by_role("button", name="Set my password").click()
    sign_in("ada@example.org", "a-fine-long-secret-9")
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name=str(world.learner)).click()
    expect(page.get_by_role("heading", name="What I learned about ratios")).to_be_visible()
    expect(page.get_by_text("My diagram")).to_have_count(0)
    screenshot("personalization-expert-portfolio")
    assert page.goto(f"{live_server.url}/learners/{world.learner.pk}/profile/").status == 404

    page.context.clear_cookies()
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/learners/{world.learner.pk}/profile/")
    page.get_by_label("Add a comment").fill("Great to see your love of space!")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-profile-teacher")
    page.get_by_role("link", name="Path", exact=True).click()
    page.get_by_role("button", name=f"Choose this for {world.learner}").first.click()
    expect(page.get_by_text(f"Added to {world.learner}'s path.")).to_be_visible()
    expect(page.get_by_text(f"{world.teacher} (teacher)")).to_be_visible()
    screenshot("personalization-path-teacher")
    page.goto(f"{live_server.url}/notifications/")
    _no_sideways_scroll(page)
    screenshot("personalization-notifications")

    page.context.clear_cookies()
    sign_in(world.guardian.username, PASSWORD)
    follow_menu(page, "My children")
    page.get_by_role("link", name="Profiles, goals and portfolios in full").click()
    page.get_by_role("link", name="Portfolio").first.click()
    expect(page.get_by_text("My diagram")).to_be_visible()  # shared with guardians
    expect(page.get_by_text("What I learned about ratios")).to_have_count(0)  # network only
    _no_sideways_scroll(page)
    screenshot("personalization-guardian-portfolio")


def test_goal_page_chart_and_projection(page, live_server, sign_in, screenshot):
    from trellis.evidence.models import MasteryRecord
    from trellis.personalization.services import goals as goal_svc

    world = build_school("e2g_")
    _, comps = make_framework(world.school)
    today = timezone.localdate()
    goal = goal_svc.goal_create(
        learner=world.learner,
        title="Explain ratios with comics",
        target_date=today + dt.timedelta(days=28),
        benchmarks=[
            {
                "description": "Draw a ratio comic",
                "due_on": today + dt.timedelta(days=7),
                "success_looks_like": "My friend understands it",
            },
            {
                "description": "Master equivalent ratios",
                "due_on": today + dt.timedelta(days=21),
                "success_looks_like": "Mastered in Trellis",
                "competency_id": comps[0].pk,
            },
        ],
    )
    own = goal.benchmarks.get(competency__isnull=True)
    record = MasteryRecord.objects.create(
        learner=world.learner, competency=comps[0], probability=0.1, level="attempted"
    )
    for days_ago, rating, mastery in (
        (35, 0.1, 0.1),
        (28, 0.2, 0.2),
        (21, 0.4, 0.3),
        (14, 0.45, 0.4),
        (7, 0.6, 0.5),
    ):
        MasteryRecord.objects.filter(pk=record.pk).update(probability=mastery)
        goal_svc.checkin_record(
            goal=goal,
            recorded_by=world.learner,
            ratings={own.pk: rating},
            note="Drew two panels" if days_ago == 7 else "",
            on=today - dt.timedelta(days=days_ago),
        )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(world.learner.username, PASSWORD)
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    expect(page.get_by_role("img", name="Goal progress at 5 check-ins")).to_be_visible()
    expect(page.get_by_text("Likely range (80%)", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Drew two panels")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("personalization-goal-chart-phone")
    # a check-in from the page adds a point
    page.get_by_label("How far along am I on “Draw a ratio comic” (0–100%)?").fill("70")
    page.get_by_role("button", name="Record check-in").click()
    expect(page.get_by_text("Check-in recorded.")).to_be_visible()
    expect(page.get_by_role("img", name="Goal progress at 6 check-ins")).to_be_visible()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(world.teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    expect(page.get_by_role("img", name="Goal progress at 6 check-ins")).to_be_visible()
    screenshot("personalization-goal-chart")
