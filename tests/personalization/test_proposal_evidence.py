"""An accepted proposal becomes real evidence: the learner's own assessment
(one performance task scored with their rubric, tagged with the
competency, assigned to them alone) that the teacher scores in the normal
rubric-scoring flow, so mastery moves."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from tests.personalization.conftest import api, choice_body, post
from trellis.curriculum.models import Item
from trellis.evidence.models import Assessment, MasteryRecord, Response
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.evidence.services import assessment_create, attempt_start
from trellis.evidence.services.assessments import LEARNER_NOT_IN_CLASS
from trellis.people.models import Enrollment
from trellis.personalization.models import Notification, Proposal, ProposalEvent
from trellis.personalization.services import proposals as svc

pytestmark = pytest.mark.django_db

RUBRIC = "Accuracy: several errors / one slip / all correct\nExplanation"
PROPOSAL = {"what": "A ratio comic", "how": "Each panel compares two amounts", "rubric": RUBRIC}


def _accepted(world, comps, **choice_extra) -> Proposal:
    choice = post(
        api(world.teacher), "/proposals/choices", choice_body(world, comps[0], **choice_extra)
    )
    assert choice.status_code == 201, choice.content
    p = post(api(world.learner), f"/proposals/choices/{choice.json()['id']}/proposals", PROPOSAL)
    assert p.status_code == 201, p.content
    r = post(api(world.teacher), f"/proposals/{p.json()['id']}/reviews", {"action": "accepted"})
    assert r.status_code == 200, r.content
    assert r.json()["assessment_id"] is not None
    return Proposal.objects.get(pk=p.json()["id"])


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_accept_take_score_and_mastery_moves(world, other_world, comps):
    proposal = _accepted(world, comps)
    assessment = proposal.assessment
    # the learner's own assessment: AS learning by default, one rubric task with their rubric
    assert assessment.purpose == AS_LEARNING and assessment.school_class == world.class_a
    assert [(x.target, x.learner_id) for x in assessment.assignments.all()] == [
        ("learner", world.learner.pk)
    ]
    [item] = assessment.items.all()
    assert item.kind == "rubric" and list(item.competencies.all()) == [comps[0]]
    assert item.rubric == [
        {"name": "Accuracy", "levels": ["several errors", "one slip", "all correct"]},
        {"name": "Explanation", "levels": list(svc.DEFAULT_LEVELS)},
    ]
    assert "A ratio comic" in item.prompt and not item.active  # kept out of the item bank
    accepted = ProposalEvent.objects.get(proposal=proposal, action="accepted")
    assert accepted.snapshot["assessment_id"] == assessment.pk
    note = Notification.objects.filter(recipient=world.learner).latest("pk")
    assert "Hand in your work" in note.text

    # visible to the learner only
    learner = api(world.learner)
    title = escape(assessment.title)
    assert title in learner.get("/assessments/").content.decode()
    assert (
        f"/assessments/{assessment.pk}/take/"
        in learner.get(f"/proposals/{proposal.pk}/").content.decode()
    )
    for who in (world.sibling, world.other_learner, world.teacher_b, other_world.teacher):
        assert title not in api(who).get("/assessments/").content.decode()
        assert api(who).get(f"/assessments/{assessment.pk}/take/").status_code == 404
        assert api(who).get(f"/api/v1/assessments/{assessment.pk}").status_code == 404
    assert world.sibling.has_perm("evidence.take_assessment", assessment) is False

    # the learner hands in their work through the normal take page
    url = f"/assessments/{assessment.pk}/take/"
    page = learner.get(url).content.decode()
    assert "Each panel compares two amounts" in page
    done = learner.post(
        url,
        {
            "item_id": _hidden(page, "item_id"),
            "token": _hidden(page, "token"),
            "shown": _hidden(page, "shown"),
            "answer": "My comic is in my portfolio: six panels, each a ratio.",
        },
    )
    assert done.status_code == 302 and "/self-rate/" in done["Location"]
    response = Response.objects.get(learner=world.learner, item=item)

    # the teacher scores it with the learner's rubric; mastery moves
    before = MasteryRecord.objects.filter(learner=world.learner, competency=comps[0]).first()
    teacher = api(world.teacher)
    assert (
        f"/responses/{response.pk}/score/"
        in teacher.get(f"/assessments/{assessment.pk}/").content.decode()
    )
    form = teacher.get(f"/responses/{response.pk}/score/").content.decode()
    assert "all correct" in form and "Fully" in form
    saved = teacher.post(
        f"/responses/{response.pk}/score/", {"token": _hidden(form, "token"), "c0": "2", "c1": "2"}
    )
    assert saved.status_code == 302
    after = MasteryRecord.objects.get(learner=world.learner, competency=comps[0])
    assert before is None and after.attempts == 1 and after.probability > 0.2
    # and the learner can now rate themselves and reflect on it (AS learning)
    assert learner.get(f"/responses/{response.pk}/reflect/").status_code == 200


def test_of_purpose_and_the_private_task_is_never_drawn_for_others(world, comps):
    proposal = _accepted(world, comps, purpose="of")
    assert proposal.assessment.purpose == OF_LEARNING
    assert proposal.choice.purpose == "of"
    numeric = Item.objects.create(
        school=world.school, kind="numeric", prompt="2:4 = 1:?", numeric_answer=2
    )
    numeric.competencies.add(comps[0])
    drawn = assessment_create(
        school_class=world.class_a,
        title="Draw",
        purpose=FOR_LEARNING,
        created_by=world.teacher,
        draw_count=5,
        draw_competencies=[comps[0]],
    )
    assert attempt_start(assessment=drawn, learner=world.sibling).item_ids == [numeric.pk]


def test_unknown_purpose_is_refused_by_name(world, comps):
    r = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0], purpose="for"))
    assert r.status_code == 400 and "Unknown purpose 'for'" in r.json()["detail"]


def test_accept_is_all_or_nothing_when_the_learner_has_left_the_class(world, comps):
    choice = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0])).json()
    p = post(api(world.learner), f"/proposals/choices/{choice['id']}/proposals", PROPOSAL).json()
    Enrollment.objects.filter(learner=world.learner, school_class=world.class_a).update(
        active=False
    )
    items, assessments = Item.objects.count(), Assessment.objects.count()
    r = post(api(world.teacher), f"/proposals/{p['id']}/reviews", {"action": "accepted"})
    expected = LEARNER_NOT_IN_CLASS.format(id=world.learner.pk, school_class=world.class_a)
    assert r.status_code == 400 and expected in r.json()["detail"]
    assert Proposal.objects.get(pk=p["id"]).status == "submitted"
    assert (Item.objects.count(), Assessment.objects.count()) == (items, assessments)
    assert not ProposalEvent.objects.filter(action="accepted").exists()


@pytest.mark.parametrize(
    "text,criteria",
    [
        (
            "Correct answers; clear steps",
            [("Correct answers", svc.DEFAULT_LEVELS), ("clear steps", svc.DEFAULT_LEVELS)],
        ),
        ("Accuracy: wrong / right", [("Accuracy", ("wrong", "right"))]),
        ("Judged by: the class rubric", [("Judged by: the class rubric", svc.DEFAULT_LEVELS)]),
        ("\n  Neat work \n\n", [("Neat work", svc.DEFAULT_LEVELS)]),
    ],
)
def test_rubric_text_is_read_as_criteria(text, criteria):
    assert [(c["name"], tuple(c["levels"])) for c in svc.parse_rubric(text)] == [
        (name, tuple(levels)) for name, levels in criteria
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("Accuracy: all correct /", "Criterion 1 (“Accuracy”) needs at least two levels"),
        (";".join(f"C{n}" for n in range(11)), "at most 10 criteria (found 11)"),
        ("A: " + " / ".join("x" * 9), "can have at most 8 levels"),
        ("x" * 201, "Criterion 1 is longer than 200 characters"),
        (" ; \n", svc.RUBRIC_EMPTY),
    ],
)
def test_bad_rubrics_are_refused_naming_the_problem(text, message):
    with pytest.raises(ValidationError, match=re.escape(str(message))):
        svc.parse_rubric(text)


def test_a_proposal_with_an_unreadable_rubric_is_not_saved(world, comps):
    choice = post(api(world.teacher), "/proposals/choices", choice_body(world, comps[0])).json()
    r = post(
        api(world.learner),
        f"/proposals/choices/{choice['id']}/proposals",
        {**PROPOSAL, "rubric": "Accuracy: right /"},
    )
    assert r.status_code == 400 and "needs at least two levels" in r.json()["detail"]
    assert not Proposal.objects.exists()
    page = api(world.learner).post(
        f"/choices/{choice['id']}/",
        {"action": "propose", **PROPOSAL, "rubric": "Accuracy: right /"},
    )
    assert page.status_code == 200 and "needs at least two levels" in page.content.decode()
    assert not Proposal.objects.exists()


def test_the_task_is_written_in_the_learners_language(world, comps):
    """The task a learner's accepted proposal becomes is theirs to read: its
    wording (title, question, instructions, default rubric levels) is
    written in their account's language, whoever accepts it."""
    world.learner.language = "es"
    world.learner.save(update_fields=["language"])
    proposal = _accepted(world, comps)
    assessment = proposal.assessment
    [item] = assessment.items.all()
    assert assessment.title.endswith(f"la forma propia de {world.learner}")
    assert assessment.instructions.startswith(f"Tu propia forma de mostrar {comps[0].label}")
    assert item.prompt == f"A ratio comic. Cómo muestra {comps[0].label}: {PROPOSAL['how']}"
    assert item.rubric[1] == {
        "name": "Explanation",
        "levels": ["Todavía no", "En parte", "Del todo"],
    }
