"""The teacher's pages: offering ways to show mastery (with where each
learner stands after the deadline), choosing a learner's next step on
their path, and the guidance page linking to both -- each with the
forbidden accesses tried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from tests.personalization.conftest import api, make_resource
from trellis.personalization.models import AssessmentChoice, Notification, PathChoice
from trellis.personalization.services import proposals as svc
from trellis.personalization.services import reflection as rf_svc
from trellis.personalization.views.proposals import NO_DEADLINE

pytestmark = pytest.mark.django_db


def _form(comps, **extra) -> dict:
    return {
        "title": "Show ratios",
        "competency": comps[0].pk,
        "option": ["A quiz", "A poster", "", ""],
        "deadline": (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "purpose": "of",
        **extra,
    }


def test_teacher_offers_choices_on_the_page(world, comps):
    teacher = api(world.teacher)
    url = f"/classes/{world.class_a.pk}/choices/new/"
    page = teacher.get(url).content.decode()
    assert 'name="purpose" value="as"' in page and "Offer to the class" in page
    # bad input: the error names it and what was typed is kept
    bad = teacher.post(url, _form(comps, deadline="", title="Keep me"))
    assert bad.status_code == 200
    assert str(NO_DEADLINE) in bad.content.decode() and 'value="Keep me"' in bad.content.decode()
    one = teacher.post(url, _form(comps, option=["Only one", "", "", ""]))
    assert svc.NEEDS_TWO_OPTIONS.format(count=1) in one.content.decode()
    assert not AssessmentChoice.objects.exists()
    done = teacher.post(url, _form(comps))
    choice = AssessmentChoice.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/choices/{choice.pk}/"
    assert choice.options == ["A quiz", "A poster"] and choice.purpose == "of"
    assert choice.created_by == world.teacher
    for learner in (world.learner, world.sibling):
        assert Notification.objects.filter(recipient=learner, text__contains="Show ratios").exists()
    assert "Offer choices to" in teacher.get("/choices/").content.decode()


def test_only_the_class_teacher_may_offer_choices(world, other_world, comps):
    url = f"/classes/{world.class_a.pk}/choices/new/"
    for who in (world.learner, world.admin):  # can see the class, do not teach it
        assert api(who).get(url).status_code == 403
        assert api(who).post(url, _form(comps)).status_code == 403
    for who in (world.teacher_b, other_world.teacher, world.stranger):
        assert api(who).get(url).status_code == 404
        assert api(who).post(url, _form(comps)).status_code == 404
    assert not AssessmentChoice.objects.exists()


def test_after_the_deadline_the_teacher_sees_who_got_the_default(world, comps):
    choice = svc.choice_create(
        school_class=world.class_a,
        competency_id=comps[0].pk,
        title="Show ratios",
        options=["A quiz", "A poster"],
        deadline=timezone.now() + dt.timedelta(days=1),
        created_by=world.teacher,
    )
    svc.option_pick(choice=choice, learner=world.sibling, option=2)
    assert Notification.objects.filter(
        recipient=world.teacher, text=f"{world.sibling} picked “A poster” for Show ratios."
    ).exists()
    svc.proposal_submit(
        choice=choice, learner=world.learner, what="A comic", how="Panels", rubric="Neat"
    )
    page = api(world.teacher).get(f"/choices/{choice.pk}/").content.decode()
    assert "<strong>must pick</strong>" not in page and "A poster" in page and "A comic" in page
    assert "The deadline has passed" not in api(world.learner).get("/choices/").content.decode()
    AssessmentChoice.objects.filter(pk=choice.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    page = api(world.teacher).get(f"/choices/{choice.pk}/").content.decode()
    # the learner had a proposal, none accepted: the default (option 1) was assigned
    assert "<strong>must pick</strong>" not in page
    assert page.count("default, at the deadline") == 1 and "Closed" in page
    mine = api(world.learner).get("/choices/").content.decode()
    assert "The deadline passed: your teacher’s default, A quiz." in mine
    assert "You picked: A poster." in api(world.sibling).get("/choices/").content.decode()


def test_teacher_chooses_a_next_step_on_the_learners_path(world, other_world, comps):
    res = make_resource(world, comps[0], title="Planets by ratio", interest_tags=["space"])
    url = f"/learners/{world.learner.pk}/path/"
    teacher = api(world.teacher)
    page = teacher.get(url).content.decode()
    assert "Planets by ratio" in page and f"Choose this for {world.learner}" in page
    r = teacher.post(url, {"competency": comps[0].pk, "resource": res.pk})
    assert r.status_code == 302
    choice = PathChoice.objects.get()
    assert (choice.chosen_by, choice.chosen_by_user, choice.learner) == (
        "teacher",
        world.teacher,
        world.learner,
    )
    note = Notification.objects.get(recipient=world.learner)
    assert "Planets by ratio" in note.text and note.url == "/path/"
    assert f"{world.teacher} (teacher)" in api(world.learner).get("/path/").content.decode()
    # a resource of another school is refused by name, nothing recorded
    foreign = make_resource(other_world, comps[0], title="Elsewhere")
    bad = teacher.post(url, {"competency": comps[0].pk, "resource": foreign.pk})
    assert bad.status_code == 200 and escape(str(rf_svc.RESOURCE_NOT_FOR)) in bad.content.decode()
    assert PathChoice.objects.count() == 1
    # a guardian reads it but cannot choose; others see nothing
    guardian = api(world.guardian).get(url)
    assert guardian.status_code == 200 and "Choose this for" not in guardian.content.decode()
    assert api(world.guardian).post(url, {"competency": comps[0].pk}).status_code == 403
    for who in (world.sibling, world.teacher_b, other_world.teacher, world.stranger):
        assert api(who).get(url).status_code == 404
        assert api(who).post(url, {"competency": comps[0].pk}).status_code == 404
    assert PathChoice.objects.count() == 1
    assert api(world.learner).get(url)["Location"] == "/path/"


def test_guidance_links_to_offering_choices_and_each_learners_path(world):
    page = api(world.teacher).get("/guidance/").content.decode()
    assert f"/classes/{world.class_a.pk}/choices/new/" in page
    assert f"/learners/{world.learner.pk}/path/" in page
    assert f"/classes/{world.class_b.pk}/choices/new/" not in page


def test_choice_api_says_where_each_learner_stands(world, other_world, comps):
    choice = svc.choice_create(
        school_class=world.class_a,
        competency_id=comps[0].pk,
        title="Show ratios",
        options=["A quiz", "A poster"],
        deadline=timezone.now() + dt.timedelta(days=1),
        created_by=world.teacher,
    )
    svc.option_pick(choice=choice, learner=world.sibling, option=2)
    AssessmentChoice.objects.filter(pk=choice.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    url = f"/api/v1/proposals/choices/{choice.pk}"
    body = api(world.teacher).get(url).json()
    rows = {
        s["learner_id"]: (s["option"], s["must_pick"], s["by_default"]) for s in body["standing"]
    }
    assert rows == {world.learner.pk: (1, False, True), world.sibling.pk: (2, False, False)}
    assert body["purpose"] == "as"
    mine = api(world.learner).get(url).json()["standing"]
    assert [(s["learner_id"], s["by_default"]) for s in mine] == [(world.learner.pk, True)]
    for who in (world.other_learner, world.teacher_b, other_world.teacher, world.stranger):
        assert api(who).get(url).status_code == 404
