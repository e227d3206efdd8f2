"""The pages and endpoints working end to end: taking an assessment one item
at a time (resuming, feedback by purpose), scoring, practice, the heat map,
and pinned query counts on list endpoints."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.evidence.conftest import build
from trellis.curriculum.models import item as kinds
from trellis.curriculum.scoring import NOT_A_NUMBER
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.models.assessment import OF_LEARNING

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(html: str) -> dict[str, str]:
    return {
        name: value
        for name, value in re.findall(r'name="(item_id|token|shown)" value="([^"]*)"', html)
    }


def _answer_current(client, url, answer):
    page = client.get(url)
    fields = _form(page.content.decode())
    return page, client.post(url, {**fields, "answer": answer})


def test_take_for_assessment_with_feedback_and_resume(setup):
    client = _client(setup.world.learner)
    url = f"/assessments/{setup.assessment.pk}/take/"
    page, done = _answer_current(client, url, "1")  # first item: multiple choice, correct
    assert "Question 1 of 4" in page.content.decode()
    assert done.status_code == 302
    following = client.get(done["Location"]).content.decode()
    assert "Correct." in following and "Question 2 of 4" in following
    assert "Your mastery of A.1 went up from 0 % to " in following
    # A non-number gets a message and nothing is recorded.
    page, bad = _answer_current(client, url, "lots")
    assert bad.status_code == 200 and NOT_A_NUMBER.format(value="lots") in bad.content.decode()
    assert Response.objects.count() == 1
    # Leaving and coming back resumes at the same question.
    assert "Question 2 of 4" in _client(setup.world.learner).get(url).content.decode()
    # A double submission of the same form records once.
    page = client.get(url)
    fields = {**_form(page.content.decode()), "answer": "2.5"}
    client.post(url, fields)
    client.post(url, fields)
    assert Response.objects.count() == 2
    _answer_current(client, url, "numerator")
    _, rubric = _answer_current(client, url, "A fraction is a part of a whole.")
    assert "/self-rate/" in rubric["Location"]
    summary = client.get(url).content.decode()
    assert "Hand in" in summary
    client.post(f"/assessments/{setup.assessment.pk}/submit/")
    assert "You handed this in" in client.get(url).content.decode()


def test_of_assessment_hides_feedback_until_closed(world):
    setup = build(world, purpose=OF_LEARNING)
    client = _client(world.learner)
    url = f"/assessments/{setup.assessment.pk}/take/"
    _, done = _answer_current(client, url, "1")
    assert "Correct." not in client.get(done["Location"]).content.decode()
    response = client.get(f"/api/v1/responses?learner_id={world.learner.pk}").json()[0]
    assert response["correct"] is None
    teacher_view = (
        _client(world.teacher).get(f"/api/v1/responses?learner_id={world.learner.pk}").json()[0]
    )
    assert teacher_view["correct"] is True
    _client(world.teacher).post(f"/assessments/{setup.assessment.pk}/close/")
    assert (
        client.get(f"/api/v1/responses?learner_id={world.learner.pk}").json()[0]["correct"] is True
    )


def test_teacher_scores_rubric_page(setup):
    learner = _client(setup.world.learner)
    url = f"/assessments/{setup.assessment.pk}/take/"
    for answer in ("1", "2.5", "numerator", "Parts of a whole"):
        _answer_current(learner, url, answer)
    response = Response.objects.get(item__kind=kinds.RUBRIC)
    teacher = _client(setup.world.teacher)
    detail = teacher.get(f"/assessments/{setup.assessment.pk}/").content.decode()
    assert f"/responses/{response.pk}/score/" in detail
    page = teacher.get(f"/responses/{response.pk}/score/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    missing = teacher.post(f"/responses/{response.pk}/score/", {"token": token, "c0": "2"})
    assert "Choose a level for “Accuracy”" in missing.content.decode()
    saved = teacher.post(f"/responses/{response.pk}/score/", {"token": token, "c0": "2", "c1": "1"})
    assert saved.status_code == 302
    record = MasteryRecord.objects.get(learner=setup.world.learner, competency=setup.competency)
    assert record.attempts == 4


def test_my_competencies_shows_ready_to_learn(setup):
    client = _client(setup.world.learner)
    html = client.get("/competencies/").content.decode()
    assert "Ready to learn (1)" in html and "Practise A.1" in html
    MasteryRecord.objects.create(
        learner=setup.world.learner,
        competency=setup.competency,
        probability=0.99,
        level="mastered",
        attempts=5,
    )
    html = client.get("/competencies/").content.decode()
    assert "Practise A.2" in html and "Practise A.1" not in html


def test_mastery_changes_on_the_next_page_load(setup):
    client = _client(setup.world.learner)
    before = client.get(f"/api/v1/mastery?learner_id={setup.world.learner.pk}").json()
    assert before == []
    _answer_current(client, f"/assessments/{setup.assessment.pk}/take/", "1")
    html = client.get("/competencies/").content.decode()
    assert "1 try" in html


def test_practice_picks_fresh_items_and_records(setup):
    client = _client(setup.world.learner)
    url = f"/practice/{setup.competency.pk}/"
    seen = set()
    for _ in range(3):
        page = client.get(url)
        fields = _form(page.content.decode())
        seen.add(fields["item_id"])
        item = Response._meta.get_field("item").related_model.objects.get(pk=fields["item_id"])
        answer = {"choice": "1", "numeric": "2.5", "text": "numerator"}[item.kind]
        assert client.post(url, {**fields, "answer": answer}).status_code == 302
    assert len(seen) == 3  # never repeats while fresh items remain
    assert Response.objects.filter(source="practice").count() == 3


def test_heatmap_renders_sorts_and_reads_as_text(setup):
    MasteryRecord.objects.create(
        learner=setup.world.learner,
        competency=setup.competency,
        probability=0.7,
        level="proficient",
        attempts=3,
    )
    client = _client(setup.world.teacher)
    html = client.get(
        f"/classes/{setup.world.class_a.pk}/mastery/?sort={setup.competency.pk}&dir=desc"
    ).content.decode()
    assert "Proficient</span> 70" in html
    assert 'aria-sort="descending"' in html
    rows = re.findall(r'<th scope="row"><a href="/learners/(\d+)/competencies/', html)
    assert rows[0] == str(setup.world.learner.pk)


def test_list_endpoints_pin_query_counts(setup, django_assert_num_queries):
    client = _client(setup.world.teacher)
    for n in range(3):
        build_more = client.post(
            "/api/v1/assessments",
            json.dumps({"class_id": setup.world.class_a.pk, "title": f"T{n}", "purpose": "for",
                        "item_ids": [setup.items["choice"].pk]}),
            content_type="application/json",
        )  # fmt: skip
        assert build_more.status_code == 201
    # Each: the session and the teacher, then the list's own reads, none per
    # row: frameworks (one), competencies and their links (two), items and
    # their competencies (two), assessments (the learner assignments, the
    # assessments, their entries and their assignments: four), responses
    # (one), mastery rows (one).
    for path, count in [
        ("/api/v1/frameworks", 3),
        ("/api/v1/competencies", 4),
        ("/api/v1/items", 4),
        ("/api/v1/assessments", 6),
        ("/api/v1/responses", 3),
        ("/api/v1/mastery", 3),
    ]:
        with django_assert_num_queries(count):
            assert client.get(path).status_code == 200


def test_heatmap_query_count(setup, django_assert_num_queries):
    client = _client(setup.world.teacher)
    client.get(f"/classes/{setup.world.class_a.pk}/mastery/")
    # The session, the teacher, the class and its access (roles, two teaching
    # lookups), the school, its frameworks, the framework, the competencies,
    # the roster (two), the mastery rows, the nav's teaching check and the
    # individual plans: fifteen, none per learner.
    with django_assert_num_queries(15):
        client.get(f"/classes/{setup.world.class_a.pk}/mastery/")


def test_api_record_response_is_idempotent(setup):
    client = _client(setup.world.learner)
    attempt = client.post(f"/api/v1/assessments/{setup.assessment.pk}/attempt").json()
    item_id = attempt["next_item"]["item_id"]
    assert "correct" not in json.dumps(attempt["next_item"]["options"])
    body = json.dumps(
        {"item_id": item_id, "answer": "1", "attempt_id": attempt["id"], "time_on_item_ms": 5000}
    )
    first = client.post(
        "/api/v1/responses", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    again = client.post(
        "/api/v1/responses", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    assert first.json()["mastery"][0]["level"] in {"attempted", "familiar", "proficient"}
    twice = client.post(
        "/api/v1/responses", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="def"
    )
    assert twice.status_code == 400 and "already answered" in twice.json()["detail"]
    bad = json.dumps(
        {"item_id": setup.items["numeric"].pk, "answer": "abc", "attempt_id": attempt["id"]}
    )
    refused = client.post(
        "/api/v1/responses", bad, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert refused.status_code == 400 and "is not a number" in refused.json()["detail"]


def test_the_issue_endpoints_are_in_the_api_and_its_docs(db):
    """Everything the pages do is also in the API, and documented."""
    from pathlib import Path

    schema = Client().get("/api/v1/openapi.json").json()["paths"]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "assessment-and-mastery.md").read_text()
    for method, path in [
        ("get", "/api/v1/frameworks"),
        ("post", "/api/v1/frameworks"),
        ("get", "/api/v1/frameworks/{framework_id}/case"),
        ("get", "/api/v1/competencies"),
        ("get", "/api/v1/items"),
        ("post", "/api/v1/items"),
        ("get", "/api/v1/resources"),
        ("post", "/api/v1/resources"),
        ("get", "/api/v1/assessments"),
        ("post", "/api/v1/assessments"),
        ("post", "/api/v1/assessments/{assessment_id}/assignments"),
        ("post", "/api/v1/assessments/{assessment_id}/attempt"),
        ("post", "/api/v1/assessments/{assessment_id}/submit"),
        ("get", "/api/v1/responses"),
        ("post", "/api/v1/responses"),
        ("post", "/api/v1/responses/{response_id}/corrections"),
        ("post", "/api/v1/responses/{response_id}/rubric-scores"),
        ("get", "/api/v1/mastery"),
    ]:
        assert method in schema.get(path, {}), (method, path)
        documented = path.split("{")[0].rstrip("/")
        assert documented in docs, path


def test_a_wrong_answer_never_reads_as_good_news(setup):
    """After mastery, a wrong answer says how mastery moved: "Not quite.
    Your mastery of A.1 went down from 97 % to 91 % (still mastered)"."""
    from trellis.evidence import feedback
    from trellis.evidence.services import response_record
    from trellis.evidence.services.responses import new_key

    learner = setup.world.learner
    while not MasteryRecord.objects.filter(
        learner=learner, competency=setup.competency, level="mastered"
    ).exists():  # just mastered (97 % or so), not 99.99 %
        response_record(
            learner=learner,
            item=setup.items[kinds.NUMERIC],
            answer="2.5",
            idempotency_key=new_key(),
            source="practice",
        )
    before = MasteryRecord.objects.get(learner=learner, competency=setup.competency)
    assert before.level == "mastered"
    client = _client(learner)
    url = f"/assessments/{setup.assessment.pk}/take/"
    page, done = _answer_current(client, url, "0")  # the choice item, wrong
    following = client.get(done["Location"]).content.decode()
    after = MasteryRecord.objects.get(learner=learner, competency=setup.competency)
    assert after.probability < before.probability
    a, b = f"{100 * before.probability:.0f}", f"{100 * after.probability:.0f}"
    if a == b:  # whole numbers would hide the move: one decimal
        a, b = f"{100 * before.probability:.1f}", f"{100 * after.probability:.1f}"
    state = "still mastered" if after.level == "mastered" else f"now {after.level}"
    assert f"Not quite. Your mastery of A.1 went down from {a} % to {b} % ({state})." in following
    assert "Correct." not in following and "is now mastered" not in following
    # The wording itself: a rise after a wrong answer is not called progress.
    up = feedback.Move("6.RP.1", 20, 23, "attempted", "attempted")
    text = feedback.feedback_text(False, [up])
    assert text.startswith("Not quite. Your mastery estimate of 6.RP.1 is 23 % (still attempted)")
    assert "went up" not in text
    assert feedback.feedback_text(
        True, [feedback.Move("6.RP.1", 55, 64, "familiar", "proficient")]
    ) == ("Correct. Your mastery of 6.RP.1 went up from 55 % to 64 % (now proficient).")


def test_a_percent_beside_a_level_never_reads_as_the_next_level(setup):
    """0.9496 is proficient: rounded it would read "Proficient, 95 %" under a
    legend that says mastered from 95 %. Every page that shows the figure
    beside the level shows 94."""
    world = setup.world
    MasteryRecord.objects.create(
        learner=world.learner,
        competency=setup.competency,
        probability=0.9496,
        level="proficient",
        attempts=5,
    )
    learner = _client(world.learner)
    html = learner.get("/competencies/").content.decode()
    assert "94 % · 5 tries" in html and "95 % · 5 tries" not in html
    html = learner.get(f"/practice/{setup.competency.pk}/").content.decode()
    assert "94 % after 5 tries" in html
    html = _client(world.teacher).get(f"/classes/{world.class_a.pk}/mastery/").content.decode()
    assert "Proficient</span> 94" in html and "Proficient</span> 95" not in html
    html = _client(world.guardian).get(f"/family/children/{world.learner.pk}/live/")
    assert "Proficient (94%)" in html.content.decode()
    children = _client(world.guardian).get("/api/v1/guardian/children").json()
    [child] = [c for c in children if c["id"] == world.learner.pk]
    assert [m["percent"] for m in child["mastery"]] == [94]
    # The sentence after an answer holds to the same rule.
    from trellis.evidence import feedback

    rise = feedback.Move("6.RP.1", 90.0, 94.96, "proficient", "proficient")
    assert feedback.feedback_text(True, [rise]) == (
        "Correct. Your mastery of 6.RP.1 went up from 90 % to 94 % (still proficient)."
    )
    near = feedback.Move("6.RP.1", 94.2, 94.96, "proficient", "proficient")
    assert "from 94.2 % to 94.9 %" in feedback.feedback_text(True, [near])
