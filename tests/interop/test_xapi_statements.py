"""The xAPI Statements resource: round trips into evidence and mastery, every
refusal with its message, idempotent ids, and nothing crossing schools."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.curriculum.models import Competency, Framework, Item
from trellis.curriculum.models import item as kinds
from trellis.evidence.models import MasteryRecord, Response
from trellis.interop.models import XapiCredential, XapiStatement
from trellis.interop.xapi import activities
from trellis.interop.xapi.credentials import NAME_TAKEN, credential_issue
from trellis.interop.xapi.errors import (
    ACTOR_AGENT_ONLY,
    ACTOR_IFI,
    AUTH_BAD,
    AUTH_REQUIRED,
    BAD_CHARACTERS,
    BAD_DURATION,
    BAD_STATEMENT_ID,
    BAD_TIMESTAMP,
    BODY_SHAPE,
    CONFLICT,
    DUPLICATE_IN_BATCH,
    EMPTY_LIST,
    LANGUAGE_MAP,
    MBOX_FORM,
    MIN_MAX,
    MISSING,
    NO_ATTACHMENTS,
    NOT_BOOL,
    NOT_IRI,
    NOT_NUMBER,
    NOT_OBJECT,
    NOT_STRING,
    NOT_UTF8,
    NOT_UUID,
    OBJECT_ACTIVITY_ONLY,
    PUT_ID_MISMATCH,
    PUT_NEEDS_ID,
    PUT_ONE_ONLY,
    RAW_RANGE,
    SCALED_RANGE,
    TOO_MANY,
    UNKNOWN_FIELD,
    VERSION_MISSING,
    VERSION_UNSUPPORTED,
)
from trellis.interop.xapi.ingest import NOTE_NO_LEARNER, NOTE_NOT_TRELLIS

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


class Tool:
    """A test client posting as one tool of one school."""

    def __init__(self, client, school, name="quiz-app"):
        credential, secret = credential_issue(school=school, name=name)
        self.client = client
        self.auth = "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode()

    def send(self, method, body, *, version="1.0.3", auth=None, query=""):
        headers = {"HTTP_AUTHORIZATION": self.auth if auth is None else auth}
        if version is not None:
            headers["HTTP_X_EXPERIENCE_API_VERSION"] = version
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(URL + query, data=data, content_type="application/json", **headers)


def make_item(school, code="6.RP.1") -> Item:
    framework = Framework.objects.create(school=school, title=f"{school.code} maths")
    competency = Competency.objects.create(framework=framework, code=code, statement="Ratios")
    item = Item.objects.create(school=school, kind=kinds.NUMERIC, prompt="2 + 2", numeric_answer=4)
    item.competencies.add(competency)
    return item


def statement(actor_name, activity_id, **result):
    out = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://tool.example", "name": actor_name},
        },
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": activity_id},
    }
    if result:
        out["result"] = result
    return out


@pytest.fixture
def tool(client, world):
    return Tool(client, world.school)


def test_statement_about_an_item_becomes_evidence_and_updates_mastery(tool, world):
    item = make_item(world.school)
    s = statement(
        world.learner.username, activities.item_activity_id(item.pk), response="4", duration="PT45S"
    )
    answer = tool.send("POST", s)
    assert answer.status_code == 200, answer.content
    assert answer.json() == [s["id"]]
    assert answer["X-Experience-API-Version"] == "1.0.3"
    response = Response.objects.get(learner=world.learner)
    assert response.correct is True and response.time_on_item_ms == 45000
    record = MasteryRecord.objects.get(learner=world.learner)
    assert record.attempts == 1 and record.correct == 1
    assert XapiStatement.objects.get().response == response


def test_choice_and_text_items_are_scored_with_their_own_keys(tool, world):
    """Items are read with plain SQL on this path: their JSON keys (options,
    accepted answers) must arrive as data, on SQLite and PostgreSQL."""
    competency = make_item(world.school).competencies.get()
    choice = Item.objects.create(
        school=world.school,
        kind=kinds.CHOICE,
        prompt="Which is a ratio?",
        options=[{"text": "3:4", "correct": True}, {"text": "7", "correct": False}],
    )
    text = Item.objects.create(
        school=world.school, kind=kinds.TEXT, prompt="Name it", accepted_answers=["Ratio"]
    )
    for item in (choice, text):
        item.competencies.add(competency)
    batch = [
        statement(world.learner.username, activities.item_activity_id(choice.pk), response="0"),
        statement(world.sibling.username, activities.item_activity_id(choice.pk), response="1"),
        statement(world.learner.username, activities.item_activity_id(text.pk), response=" ratio "),
        statement(world.sibling.username, activities.item_activity_id(text.pk), response="rate"),
    ]
    assert tool.send("POST", batch).status_code == 200
    got = {
        (r.learner_id, r.item_id): r.correct
        for r in Response.objects.filter(item__in=[choice, text])
    }
    assert got == {
        (world.learner.pk, choice.pk): True,
        (world.sibling.pk, choice.pk): False,
        (world.learner.pk, text.pk): True,
        (world.sibling.pk, text.pk): False,
    }
    record = MasteryRecord.objects.get(learner=world.learner, competency=competency)
    assert (record.attempts, record.correct) == (2, 2)


def test_statement_about_a_competency_uses_success_and_mbox(tool, world):
    item = make_item(world.school)
    competency = item.competencies.get()
    world.learner.email = "Kim@School.example"
    world.learner.save()
    s = statement("x", activities.competency_activity_id(competency), success=False)
    s["actor"] = {"mbox": "mailto:kim@school.example"}
    assert tool.send("POST", [s]).status_code == 200
    record = MasteryRecord.objects.get(learner=world.learner, competency=competency)
    assert record.attempts == 1 and record.correct == 0
    # a second statement on the same competency reuses the hidden item
    s2 = statement(world.learner.username, activities.competency_activity_id(competency))
    s2["result"] = {"score": {"scaled": 0.9}}
    assert tool.send("POST", s2).status_code == 200
    assert Response.objects.filter(learner=world.learner).values("item").distinct().count() == 1
    assert MasteryRecord.objects.get(learner=world.learner, competency=competency).correct == 1


def test_other_activities_are_stored_as_external(tool, world):
    s = statement(world.learner.username, "https://videos.example/watch/9", completion=True)
    assert tool.send("POST", s).status_code == 200
    row = XapiStatement.objects.get()
    assert row.response is None and row.note == NOTE_NOT_TRELLIS and row.learner == world.learner
    assert not Response.objects.exists()


def test_put_stores_once_and_get_returns_it(tool, world):
    sid = str(uuid.uuid4())
    s = statement(world.learner.username, "https://videos.example/1")
    del s["id"]
    first = tool.send("PUT", s, query=f"?statementId={sid}")
    assert first.status_code == 204
    assert tool.send("PUT", s, query=f"?statementId={sid}").status_code == 204
    assert XapiStatement.objects.count() == 1
    got = tool.send("GET", "", query=f"?statementId={sid}")
    assert got.status_code == 200 and got.json()["id"] == sid and "stored" in got.json()


def test_same_id_twice_is_stored_once_and_evidence_recorded_once(tool, world):
    item = make_item(world.school)
    s = statement(world.learner.username, activities.item_activity_id(item.pk), response="4")
    assert tool.send("POST", [s, s]).status_code == 200
    assert tool.send("POST", s).json() == [s["id"]]
    assert XapiStatement.objects.count() == 1 and Response.objects.count() == 1
    assert MasteryRecord.objects.get().attempts == 1


def test_same_id_with_other_content_is_a_conflict(tool, world):
    s = statement(world.learner.username, "https://videos.example/1")
    assert tool.send("POST", s).status_code == 200
    changed = {**s, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}
    answer = tool.send("POST", changed)
    assert answer.status_code == 409
    assert answer.json()["error"] == CONFLICT.format(id=s["id"])
    put = tool.send("PUT", changed, query=f"?statementId={s['id']}")
    assert put.status_code == 409
    batch = tool.send("POST", [s, changed])
    assert batch.status_code == 400
    assert batch.json()["error"] == DUPLICATE_IN_BATCH.format(id=s["id"])


def test_a_refused_batch_stores_nothing(tool, world):
    good = statement(world.learner.username, "https://videos.example/1")
    bad = statement(world.learner.username, "not an iri")
    answer = tool.send("POST", [good, bad])
    assert answer.status_code == 400
    assert answer.json()["error"] == NOT_IRI.format(
        where="statement[1]", field="object.id", got="not an iri"
    )
    assert not XapiStatement.objects.exists()


W = "statement"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.pop("actor"), MISSING.format(where=W, field="actor")),
        (lambda s: s.pop("verb"), MISSING.format(where=W, field="verb")),
        (lambda s: s.pop("object"), MISSING.format(where=W, field="object")),
        (lambda s: s.update(id="nope"), NOT_UUID.format(where=W, field="id", got="nope")),
        (lambda s: s.update(extra=1), UNKNOWN_FIELD.format(where=W, field="extra")),
        (lambda s: s.update(attachments=[]), NO_ATTACHMENTS.format(where=W)),
        (lambda s: s.update(actor={"name": "x"}), ACTOR_IFI.format(where=W, found="neither")),
        (
            lambda s: s.update(actor={"mbox": "mailto:a@b.c", "account": {}}),
            ACTOR_IFI.format(where=W, found="mbox, account"),
        ),
        (lambda s: s.update(actor={"mbox": "a@b.c"}), MBOX_FORM.format(where=W, got="a@b.c")),
        (
            lambda s: s.update(actor={"objectType": "Group", "mbox": "mailto:a@b.c"}),
            ACTOR_AGENT_ONLY.format(where=W),
        ),
        (
            lambda s: s.update(actor={"account": {"homePage": "https://x.example"}}),
            MISSING.format(where=W, field="actor.account.name"),
        ),
        (
            lambda s: s.update(verb={"id": "answered"}),
            NOT_IRI.format(where=W, field="verb.id", got="answered"),
        ),
        (lambda s: s.update(verb={}), MISSING.format(where=W, field="verb.id")),
        (lambda s: s.update(verb={"id": 5}), NOT_STRING.format(where=W, field="verb.id")),
        (
            lambda s: s.update(verb={"id": ANSWERED, "display": "x"}),
            LANGUAGE_MAP.format(where=W, field="verb.display"),
        ),
        (
            lambda s: s.update(object={"objectType": "Agent", "mbox": "mailto:a@b.c"}),
            OBJECT_ACTIVITY_ONLY.format(where=W, got="Agent"),
        ),
        (lambda s: s.update(object={}), MISSING.format(where=W, field="object.id")),
        (lambda s: s.update(result=[]), NOT_OBJECT.format(where=W, field="result")),
        (
            lambda s: s.update(result={"success": "yes"}),
            NOT_BOOL.format(where=W, field="result.success"),
        ),
        (
            lambda s: s.update(result={"completion": 1}),
            NOT_BOOL.format(where=W, field="result.completion"),
        ),
        (
            lambda s: s.update(result={"response": 4}),
            NOT_STRING.format(where=W, field="result.response"),
        ),
        (
            lambda s: s.update(result={"score": {"scaled": 2}}),
            SCALED_RANGE.format(where=W, got=2.0),
        ),
        (
            lambda s: s.update(result={"score": {"raw": 11, "min": 0, "max": 10}}),
            RAW_RANGE.format(where=W),
        ),
        (lambda s: s.update(result={"score": {"min": 5, "max": 5}}), MIN_MAX.format(where=W)),
        (
            lambda s: s.update(result={"score": {"raw": "9"}}),
            NOT_NUMBER.format(where=W, field="result.score.raw"),
        ),
        (lambda s: s.update(result={"duration": "45s"}), BAD_DURATION.format(where=W, got="45s")),
        (
            lambda s: s.update(result={"grade": "A"}),
            UNKNOWN_FIELD.format(where=W, field="result.grade"),
        ),
        (
            lambda s: s.update(timestamp="yesterday"),
            BAD_TIMESTAMP.format(where=W, got="yesterday"),
        ),
        (
            lambda s: s.update(timestamp="2026-01-01T10:00:00"),
            BAD_TIMESTAMP.format(where=W, got="2026-01-01T10:00:00"),
        ),
        (
            lambda s: s.update(context={"registration": "r"}),
            NOT_UUID.format(where=W, field="context.registration", got="r"),
        ),
    ],
)
def test_bad_statements_are_refused_with_a_reason(tool, world, change, message):
    s = statement(world.learner.username, "https://videos.example/1")
    change(s)
    answer = tool.send("POST", s)
    assert answer.status_code == 400
    assert answer.json()["error"] == message
    assert not XapiStatement.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", None),
        ("42", BODY_SHAPE),
        ("[]", EMPTY_LIST),
        ('{"a": NaN}', None),
        (json.dumps([{"x": "a\u0000b"}]), BAD_CHARACTERS),
        (b"\xff\xfe", NOT_UTF8),
    ],
)
def test_bodies_that_are_not_statements_are_refused(tool, body, message):
    answer = tool.send("POST", body)
    assert answer.status_code == 400
    if message:
        assert answer.json()["error"] == message
    else:
        assert answer.json()["error"].startswith("The body is not JSON")


def test_too_many_statements_are_refused(tool, world):
    s = statement(world.learner.username, "https://videos.example/1")
    answer = tool.send("POST", [s] * 501)
    assert answer.json()["error"] == TOO_MANY.format(limit=500)


def test_version_header_is_required_and_checked(tool, world):
    s = statement(world.learner.username, "https://videos.example/1")
    missing = tool.send("POST", s, version=None)
    assert missing.status_code == 400 and missing.json()["error"] == VERSION_MISSING
    old = tool.send("POST", s, version="0.95")
    assert old.status_code == 400
    assert old.json()["error"] == VERSION_UNSUPPORTED.format(got="0.95")
    assert tool.send("POST", s, version="2.0.0").status_code == 200


def test_credentials_are_required_and_checked(tool, world, client):
    s = statement(world.learner.username, "https://videos.example/1")
    none = tool.send("POST", s, auth="")
    assert none.status_code == 401 and none.json()["error"] == AUTH_REQUIRED
    assert none["WWW-Authenticate"].startswith("Basic")
    key = tool.auth.split()[1]
    wrong = "Basic " + base64.b64encode(base64.b64decode(key)[:-1] + b"x").decode()
    assert tool.send("POST", s, auth=wrong).json()["error"] == AUTH_BAD
    assert tool.send("POST", s, auth="Basic %%%").status_code == 401
    credential = XapiCredential.objects.get()
    credential.active = False
    credential.save()  # as the admin does: forgotten at once
    assert tool.send("POST", s).status_code == 401
    # a signed-in teacher is not a tool either
    client.force_login(world.teacher)
    assert tool.send("POST", s, auth="").status_code == 401
    assert not XapiStatement.objects.exists()


def test_a_verified_credential_is_remembered_for_the_cache_time(tool, world, monkeypatch):
    """A tool posting one statement per request does not pay a query for its
    credential each time; a credential revoked by another process (here a
    queryset update, which no signal reports) stops working within the
    cache time, and a wrong secret is refused even while it is remembered."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trellis.interop.xapi import credentials

    clock = [1000.0]
    monkeypatch.setattr(credentials.time, "time", lambda: clock[0])
    s = statement(world.learner.username, "https://videos.example/1")
    assert tool.send("POST", s).status_code == 200
    with CaptureQueriesContext(connection) as seen:
        assert tool.send("POST", {**s, "id": str(uuid.uuid4())}).status_code == 200
    assert not [q for q in seen.captured_queries if "xapicredential" in q["sql"]]
    key = base64.b64decode(tool.auth.split()[1]).decode().split(":")[0]
    wrong = "Basic " + base64.b64encode(f"{key}:not-the-secret".encode()).decode()
    assert tool.send("POST", s, auth=wrong).status_code == 401
    XapiCredential.objects.update(active=False)
    clock[0] += credentials._cache_seconds() - 1
    assert tool.send("POST", {**s, "id": str(uuid.uuid4())}).status_code == 200
    clock[0] += 2
    answer = tool.send("POST", {**s, "id": str(uuid.uuid4())})
    assert answer.status_code == 401 and answer.json()["error"] == AUTH_BAD
    assert XapiStatement.objects.count() == 3


def test_put_refusals(tool, world):
    s = statement(world.learner.username, "https://videos.example/1")
    assert tool.send("PUT", s).json()["error"] == PUT_NEEDS_ID
    bad = tool.send("PUT", s, query="?statementId=xyz")
    assert bad.json()["error"] == BAD_STATEMENT_ID.format(got="xyz")
    other = tool.send("PUT", s, query=f"?statementId={uuid.uuid4()}")
    assert other.status_code == 400 and other.json()["error"] == PUT_ID_MISMATCH
    listed = tool.send("PUT", [s], query=f"?statementId={s['id']}")
    assert listed.json()["error"] == PUT_ONE_ONLY
    assert tool.send("DELETE", "").status_code == 405


def test_nothing_crosses_schools(client, world, other_world):
    """A tool of school 2 cannot record evidence for school 1's learner, on
    school 1's items, nor read school 1's statements."""
    item = make_item(world.school)
    mine = Tool(client, world.school)
    theirs = Tool(client, other_world.school)
    s = statement(world.learner.username, activities.item_activity_id(item.pk), response="4")
    assert mine.send("POST", s).status_code == 200
    assert theirs.send("GET", "", query=f"?statementId={s['id']}").status_code == 404
    # the same id from another school is that school's own statement, not a conflict
    other_item = make_item(other_world.school, "7.EE.1")
    crossing = statement(world.learner.username, activities.item_activity_id(item.pk), response="4")
    assert theirs.send("POST", crossing).status_code == 200
    crossing2 = statement(
        world.learner.username, activities.item_activity_id(other_item.pk), response="4"
    )
    assert theirs.send("POST", crossing2).status_code == 200
    rows = XapiStatement.objects.filter(school=other_world.school)
    assert {r.note for r in rows} == {NOTE_NOT_TRELLIS, NOTE_NO_LEARNER}
    assert Response.objects.count() == 1


def test_the_same_statement_sent_to_two_schools_of_a_learner_counts_once(
    client, world, other_world
):
    """A learner of two schools: each school's tool sends the same statement
    id. The second school stores its own copy; the evidence is recorded once
    (the key is the learner's ``xapi-<id>``), found on the careful retry."""
    from trellis.people import roles
    from trellis.people.models import Membership

    Membership.objects.create(user=world.learner, school=other_world.school, role=roles.LEARNER)
    mine, theirs = make_item(world.school), make_item(other_world.school, "7.EE.1")
    sid = str(uuid.uuid4())
    first = statement(world.learner.username, activities.item_activity_id(mine.pk), response="4")
    second = statement(world.learner.username, activities.item_activity_id(theirs.pk), response="4")
    first["id"] = second["id"] = sid
    assert Tool(client, world.school).send("POST", first).status_code == 200
    assert Tool(client, other_world.school, name="other").send("POST", second).status_code == 200
    response = Response.objects.get(learner=world.learner)
    assert response.item == mine
    assert set(XapiStatement.objects.values_list("school", "response")) == {
        (world.school.pk, response.pk),
        (other_world.school.pk, response.pk),
    }
    assert MasteryRecord.objects.get(learner=world.learner).attempts == 1


def test_issue_credentials_command(world, capsys):
    call_command("issue_xapi_credentials", school=world.school.code, name="tutor")
    out = capsys.readouterr().out
    assert "key: " in out and "secret: " in out
    credential = XapiCredential.objects.get(name="tutor")
    secret = out.split("secret: ")[1].split()[0]
    assert secret not in credential.secret_hash
    with pytest.raises(CommandError, match="already has a tool"):
        call_command("issue_xapi_credentials", school=world.school.code, name="tutor")
    assert NAME_TAKEN.format(school=world.school.code, name="tutor")
    with pytest.raises(CommandError, match="No school"):
        call_command("issue_xapi_credentials", school="nowhere", name="tutor")


def test_bulk_evidence_matches_a_replay_of_the_responses(tool, world):
    """The resource's bulk mastery update is an equivalent of
    response_record's: rebuilding from the stored responses changes nothing."""
    from trellis.evidence.services.mastery import mastery_recompute

    item = make_item(world.school)
    answers = ["4", "5", "4", "4", "oops", "4"]
    batch = [
        statement(who.username, activities.item_activity_id(item.pk), response=a)
        for a in answers
        for who in (world.learner, world.sibling)
    ]
    assert tool.send("POST", batch).status_code == 200
    notes = set(XapiStatement.objects.values_list("note", flat=True))
    assert any(n.startswith("not evidence:") for n in notes)  # "oops" is not a number
    before = {
        (m.learner_id, m.competency_id): (m.attempts, m.correct, round(m.probability, 9), m.level)
        for m in MasteryRecord.objects.all()
    }
    assert before[(world.learner.pk, item.competencies.get().pk)][:2] == (5, 4)
    for who in (world.learner, world.sibling):
        mastery_recompute(
            learner_id=who.pk,
            competency_ids=[item.competencies.get().pk],
            school_id=world.school.pk,
        )
    after = {
        (m.learner_id, m.competency_id): (m.attempts, m.correct, round(m.probability, 9), m.level)
        for m in MasteryRecord.objects.all()
    }
    assert after == before
