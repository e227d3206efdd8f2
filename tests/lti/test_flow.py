"""The whole flow against the pretend LMS: login initiation → deep-linking
launch → the teacher places an assessment → a learner launches the placed
link, lands on the assessment and answers → the score (with mastery as the
comment) arrives at the platform's line-item endpoint, once."""

from __future__ import annotations

import re

import jwt
import pytest
import responses
from django.test import Client
from django.urls import reverse

from tests.differentiation.conftest import make_curriculum
from tests.lti.platform import CLAIM, DL_CLAIM, INSTRUCTOR, LEARNER, SCORE_SCOPE
from trellis.evidence.models import Assessment
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.evidence.services import assessment_create
from trellis.lti.models import Context, Placement, ResourceLink, ScoreSent
from trellis.lti.scores import scores_for_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(lms, school_a):
    """School A's LMS, its class A tied to the LMS course, an OF assessment
    of two items; the teacher and learner known to the LMS by email."""
    lms.register(school_a.school)
    cur = make_curriculum(school_a.school, "a_")
    assessments = {
        purpose: assessment_create(
            school_class=school_a.class_a,
            title=f"Ratios check ({purpose})",
            purpose=purpose,
            created_by=school_a.teacher,
            items=[cur.prereq_item, cur.objective_item],
        )
        for purpose in (OF_LEARNING, FOR_LEARNING, AS_LEARNING)
    }
    for person, email in (
        (school_a.teacher, "teacher@a.example"),
        (school_a.learner, "ana@a.example"),
    ):
        person.email = email
        person.save()
    return school_a, cur, assessments


def _deep_link(lms, teacher_client, *, choice: str, send_for: bool = False) -> dict:
    """The teacher's deep-linking round trip; returns the content item the
    LMS receives, after checking Trellis's signature on it."""
    params = lms.login(teacher_client)
    claims = lms.deep_linking_claims(
        sub="lms-teacher", nonce=params["nonce"], email="teacher@a.example"
    )
    answer = lms.launch(teacher_client, lms.sign(claims), params["state"])
    assert answer.status_code == 302 and answer["Location"] == reverse("lti-deep-link")
    page = teacher_client.get(reverse("lti-deep-link"))
    if "tie" in page.context:
        school_class_id = page.context["tie"].fields["school_class"].queryset.get().pk
        teacher_client.post(reverse("lti-deep-link"), {"school_class": school_class_id})
        page = teacher_client.get(reverse("lti-deep-link"))
    assert choice in {value for value, _kind, _title in page.context["choices"]}
    data = {"choice": choice}
    if send_for:
        data["send_for_scores"] = "on"
    returned = teacher_client.post(reverse("lti-deep-link"), data)
    assert returned.status_code == 200
    html = returned.content.decode()
    assert 'action="https://lms.example.edu/deep_links/return"' in html
    assert "form-action" in returned["Content-Security-Policy"]
    assert "https://lms.example.edu/deep_links/return" in returned["Content-Security-Policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    # The LMS checks the answer with Trellis's published keys.
    published = Client().get("/lti/jwks/").json()
    header = jwt.get_unverified_header(token)
    key = next(k for k in published["keys"] if k["kid"] == header["kid"])
    body = jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=lms.issuer,
        issuer=lms.client_id,
    )
    assert body[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert body[DL_CLAIM + "data"] == "dl-data-1"
    (item,) = body[DL_CLAIM + "content_items"]
    assert item["type"] == "ltiResourceLink"
    return item


def _learner_launch(
    lms, client, item, *, link_id="link-1", sub="lms-learner", email="ana@a.example"
):
    params = lms.login(client)
    claims = lms.claims(
        sub=sub,
        nonce=params["nonce"],
        roles=[LEARNER],
        email=email,
        **{
            CLAIM + "custom": item["custom"],
            CLAIM + "resource_link": {"id": link_id, "title": item["title"]},
            CLAIM + "target_link_uri": item["url"],
        },
    )
    return lms.launch(client, lms.sign(lms.with_ags(claims)), params["state"])


def _answer_all(client, assessment, answers: list[str], on_commit) -> None:
    """Answer through the take page; the commit hooks (the score's sending)
    run as they would after a real request's transaction."""
    for value in answers:
        page = client.get(reverse("assessment-take", kwargs={"assessment_id": assessment.pk}))
        initial = page.context["form"].initial
        with on_commit(execute=True):
            posted = client.post(
                reverse("assessment-take", kwargs={"assessment_id": assessment.pk}),
                {**initial, "answer": value},
            )
        assert posted.status_code in (200, 302)


def test_deep_link_launch_answer_and_the_score_reaches_the_line_item(
    lms, course, django_capture_on_commit_callbacks
):
    school, cur, assessments = course
    of = assessments[OF_LEARNING]
    teacher_client = Client()
    item = _deep_link(lms, teacher_client, choice=f"assessment:{of.pk}")
    assert item["title"] == of.title
    assert item["lineItem"]["scoreMaximum"] == 100
    placement = Placement.objects.get()
    assert item["custom"] == {"trellis_placement": str(placement.key)}
    assert Context.objects.get().school_class == school.class_a

    learner_client = Client()
    landed = _learner_launch(lms, learner_client, item)
    assert landed.status_code == 302
    assert landed["Location"] == reverse("assessment-take", kwargs={"assessment_id": of.pk})
    assert int(learner_client.session["_auth_user_id"]) == school.learner.pk
    link = ResourceLink.objects.get()
    assert link.lineitem_url == lms.lineitem_url

    _answer_all(
        learner_client, of, ["4", "5"], django_capture_on_commit_callbacks
    )  # one right, one wrong
    final = lms.scores[-1]
    assert final["userId"] == "lms-learner"
    assert final["scoreGiven"] == 1.0 and final["scoreMaximum"] == 2.0
    assert final["activityProgress"] == "Completed"
    assert final["gradingProgress"] == "FullyGraded"
    for competency in (cur.prereq, cur.objective):
        assert competency.label in final["comment"]
    # The token request was signed with Trellis's key, for the score scope.
    assert SCORE_SCOPE in lms.token_requests[-1]["scope"]
    assert lms.token_requests[-1]["client_assertion_type"].endswith("jwt-bearer")

    # Sending again (a retry) sends nothing new.
    sent = len(lms.scores)
    attempt = of.attempts.get()
    scores_for_attempt(attempt.pk)
    scores_for_attempt(attempt.pk)
    assert len(lms.scores) == sent
    assert ScoreSent.objects.filter(link=link, learner=school.learner).count() == sent


def test_a_teacher_launching_the_placed_link_lands_on_the_assessment_page(lms, course):
    school, _cur, assessments = course
    of = assessments[OF_LEARNING]
    item = _deep_link(lms, Client(), choice=f"assessment:{of.pk}")
    client = Client()
    params = lms.login(client)
    claims = lms.claims(
        sub="lms-teacher",
        nonce=params["nonce"],
        roles=[INSTRUCTOR],
        **{CLAIM + "custom": item["custom"], CLAIM + "resource_link": {"id": "link-1"}},
    )
    answer = lms.launch(client, lms.sign(claims), params["state"])
    assert answer["Location"] == reverse("assessment-detail", kwargs={"assessment_id": of.pk})


@pytest.mark.parametrize(
    ("purpose", "send_for", "expected"),
    [(FOR_LEARNING, False, 0), (FOR_LEARNING, True, 1), (AS_LEARNING, True, 0)],
)
def test_for_scores_go_only_when_the_teacher_chose_and_as_never(
    lms, course, purpose, send_for, expected, django_capture_on_commit_callbacks
):
    school, _cur, assessments = course
    chosen: Assessment = assessments[purpose]
    item = _deep_link(lms, Client(), choice=f"assessment:{chosen.pk}", send_for=send_for)
    client = Client()
    _learner_launch(lms, client, item)
    _answer_all(client, chosen, ["4"], django_capture_on_commit_callbacks)
    assert len(lms.scores) == expected


def test_a_practice_link_lands_on_the_practice_page(lms, course):
    school, cur, _assessments = course
    item = _deep_link(lms, Client(), choice=f"practice:{cur.objective.pk}")
    assert "lineItem" not in item
    client = Client()
    landed = _learner_launch(lms, client, item, link_id="link-practice")
    assert landed["Location"] == reverse("practice", kwargs={"competency_id": cur.objective.pk})


def test_a_placement_of_another_schools_link_is_refused(lms, course, school_b, caplog):
    """A custom parameter naming a placement made under another school's
    registration does not open it."""
    school, _cur, assessments = course
    item = _deep_link(lms, Client(), choice=f"assessment:{assessments[OF_LEARNING].pk}")
    placement = Placement.objects.get()
    placement.platform.school = school_b.school
    placement.platform.save()
    answer = _learner_launch(lms, Client(), item)
    assert answer.status_code == 400


def test_the_picker_refuses_something_outside_the_class(lms, course, school_b):
    school, _cur, _assessments = course
    cur_b = make_curriculum(school_b.school, "b_")
    other = assessment_create(
        school_class=school_b.class_a,
        title="B only",
        purpose=OF_LEARNING,
        created_by=school_b.teacher,
        items=[cur_b.prereq_item],
    )
    client = Client()
    params = lms.login(client)
    claims = lms.deep_linking_claims(
        sub="lms-teacher", nonce=params["nonce"], email="teacher@a.example"
    )
    lms.launch(client, lms.sign(claims), params["state"])
    page = client.get(reverse("lti-deep-link"))
    school_class_id = page.context["tie"].fields["school_class"].queryset.get().pk
    client.post(reverse("lti-deep-link"), {"school_class": school_class_id})
    refused = client.post(reverse("lti-deep-link"), {"choice": f"assessment:{other.pk}"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["choice"]
    assert not Placement.objects.exists()


def test_an_lms_that_does_not_answer_leaves_the_score_failed_and_retries_send_it(
    lms, course, django_capture_on_commit_callbacks
):
    school, _cur, assessments = course
    of = assessments[OF_LEARNING]
    item = _deep_link(lms, Client(), choice=f"assessment:{of.pk}")
    client = Client()
    _learner_launch(lms, client, item)
    lms.mock.replace(responses.POST, f"{lms.lineitem_url}/scores", status=503)
    _answer_all(client, of, ["4", "4"], django_capture_on_commit_callbacks)
    assert not lms.scores
    assert ScoreSent.objects.filter(status="failed").exists()
    lms.mock.remove(responses.POST, f"{lms.lineitem_url}/scores")
    lms.mock.add_callback(responses.POST, f"{lms.lineitem_url}/scores", callback=lms._score)
    scores_for_attempt(of.attempts.get().pk)
    assert len(lms.scores) == 1 and lms.scores[0]["scoreGiven"] == 2.0
    assert ScoreSent.objects.filter(status="sent").count() == 1


def test_a_modules_link_lands_learners_on_their_modules_and_teachers_on_the_board(lms, course):
    from trellis.individualization.services import pacing

    school, _cur, _assessments = course
    pacing.sequence_create(school_class=school.class_a, title="Unit 1", created_by=school.teacher)
    item = _deep_link(lms, Client(), choice=f"modules:{school.class_a.pk}")
    landed = _learner_launch(lms, Client(), item, link_id="link-modules")
    assert landed["Location"] == reverse("my-modules")
    client = Client()
    params = lms.login(client)
    claims = lms.claims(
        sub="lms-teacher",
        nonce=params["nonce"],
        roles=[INSTRUCTOR],
        **{CLAIM + "custom": item["custom"], CLAIM + "resource_link": {"id": "link-modules"}},
    )
    answer = lms.launch(client, lms.sign(claims), params["state"])
    assert answer["Location"] == reverse("pacing-board", kwargs={"class_id": school.class_a.pk})
